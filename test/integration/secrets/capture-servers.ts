/**
 * Peers for the secrets test, all on 127.0.0.1 with port 0: an InfluxDB stand-in
 * that records every request (URL, Authorization, body) and answers 204; a
 * hostile HTTP server that answers 401/403 and echoes the Authorization header
 * it was sent in its body and in a WWW-Authenticate header (as some gateways
 * do), so any error path that prints a server's answer would print the secret;
 * and a DIMSE acceptor that records the A-ASSOCIATE-RQ and rejects it (PS3.8
 * section 9.3.4).
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { parseAssociateRq, type ParsedAssociateRq } from '../dimse/recording-scp.js';

export interface CapturedRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  authorization: string | undefined;
  body: string;
}

export interface CaptureServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  requests: CapturedRequest[];
  close(): Promise<void>;
}

type Answer = (request: CapturedRequest, response: ServerResponse) => void;

async function startHttp(answer: Answer): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  const server = createHttpServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const captured: CapturedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        authorization: request.headers.authorization,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(captured);
      answer(captured, response);
    });
  });
  server.on('connection', (socket: Socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** InfluxDB stand-in: 204 for `/ping`, `/health`, v1 `/write` and v2 `/api/v2/write`; 404 otherwise. */
export function startInfluxCapture(): Promise<CaptureServer> {
  return startHttp((request, response) => {
    const path = request.url.split('?')[0];
    const known = path === '/ping' || path === '/health' || path === '/write' || path === '/api/v2/write';
    response.writeHead(known ? 204 : 404).end();
  });
}

/**
 * Answers every request except `/ping` with 401 (odd requests 403), quoting the
 * Authorization header it got in the body (JSON with `message` and `error`, the
 * shapes InfluxDB 2.x and 1.x use) and in WWW-Authenticate.
 */
export function startHostileHttp(): Promise<CaptureServer> {
  let count = 0;
  return startHttp((request, response) => {
    if (request.url.split('?')[0] === '/ping') {
      response.writeHead(204).end();
      return;
    }
    count++;
    const echoed = request.authorization ?? '(none)';
    const body = JSON.stringify({ code: 'unauthorized', message: `credentials rejected: Authorization: ${echoed}`, error: `authorization failed for ${echoed}` });
    response
      .writeHead(count % 2 === 0 ? 403 : 401, {
        'content-type': 'application/json',
        'www-authenticate': `Bearer realm="hostile", error="invalid_token", error_description="${echoed.replace(/"/g, '')}"`,
      })
      .end(body);
  });
}

export interface RejectingAcceptor {
  port: number;
  /** One per association request received. */
  requests: ParsedAssociateRq[];
  close(): Promise<void>;
}

/**
 * Answers every A-ASSOCIATE-RQ with A-ASSOCIATE-RJ, rejected-permanent by the
 * service user, no reason given (PS3.8 section 9.3.4: PDU type 03H, length 4,
 * reserved, result 1, source 1, reason 1), after parsing the request.
 */
export async function startRejectingAcceptor(): Promise<RejectingAcceptor> {
  const sockets = new Set<Socket>();
  const requests: ParsedAssociateRq[] = [];
  const server: Server = createTcpServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length < 6 || pending.length < 6 + pending.readUInt32BE(2)) return;
      if (pending[0] === 0x01) requests.push(parseAssociateRq(pending.subarray(0, 6 + pending.readUInt32BE(2))));
      pending = Buffer.alloc(0);
      socket.end(Buffer.from([0x03, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x01, 0x01, 0x01]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** A port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
