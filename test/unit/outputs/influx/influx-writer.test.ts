/**
 * The writer against a real HTTP server on 127.0.0.1 (what it sends, how it
 * classifies answers), and that no credential survives into an error message.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createInfluxWriter, InfluxWriteError, type InfluxApi, type InfluxWriter } from '../../../../src/outputs/influx/influx-writer.js';

interface Received {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

let server: Server | undefined;
let writer: InfluxWriter | undefined;
afterEach(async () => {
  writer?.close();
  writer = undefined;
  await new Promise((resolve) => (server === undefined ? resolve(undefined) : server.close(resolve)));
  server = undefined;
});

async function serve(answer: (request: Received, response: ServerResponse) => void): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((request: IncomingMessage, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const entry = { method: request.method ?? '', url: request.url ?? '', authorization: request.headers.authorization, body };
      received.push(entry);
      answer(entry, response);
    });
  });
  server.on('connection', (socket) => socket.setNoDelay(true));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

function connect(url: string, api: InfluxApi): InfluxWriter {
  writer = createInfluxWriter({ url, api, timeoutMs: 2_000 });
  return writer;
}

const V2: InfluxApi = { version: 'v2', org: 'radiology', bucket: 'pacs_load', token: 's3cr3t-T0ken/+=' };
const V1: InfluxApi = { version: 'v1', database: 'pacs', retentionPolicy: 'autogen', username: 'loader', password: 'pa55:word' };

describe('InfluxDB writer', () => {
  it('v2: POSTs the lines to /api/v2/write with org, bucket, ms precision and the token', async () => {
    const { url, received } = await serve((_, response) => response.writeHead(204).end());
    await connect(url, V2).write(['m,a=1 f=1i 1', 'm,a=2 f=2i 2']);
    expect(received).toEqual([
      { method: 'POST', url: '/api/v2/write?org=radiology&bucket=pacs_load&precision=ms', authorization: 'Token s3cr3t-T0ken/+=', body: 'm,a=1 f=1i 1\nm,a=2 f=2i 2\n' },
    ]);
  });

  it('v1: POSTs to /write with db, rp, ms precision and HTTP Basic credentials (not in the URL)', async () => {
    const { url, received } = await serve((_, response) => response.writeHead(204).end());
    await connect(url, V1).write(['m f=1i 1']);
    expect(received[0]).toEqual({
      method: 'POST',
      url: '/write?db=pacs&rp=autogen&precision=ms',
      authorization: `Basic ${Buffer.from('loader:pa55:word').toString('base64')}`,
      body: 'm f=1i 1\n',
    });
  });

  it('never puts a credential in an error, even when the server echoes it', async () => {
    const { url } = await serve((request, response) =>
      response.writeHead(401, { 'content-type': 'text/plain' }).end(`denied for ${request.authorization ?? ''} (token s3cr3t-T0ken/+=, password pa55:word)`),
    );
    const secretsOf = new Map<InfluxApi, string[]>([
      [V2, ['s3cr3t-T0ken']],
      [V1, ['pa55:word', 'pa55', Buffer.from('loader:pa55:word').toString('base64')]],
    ]);
    for (const [api, secrets] of secretsOf) {
      const error = await connect(url, api)
        .write(['m f=1i 1'])
        .catch((caught: unknown) => caught);
      writer?.close();
      expect(error).toBeInstanceOf(InfluxWriteError);
      const failure = error as InfluxWriteError;
      expect(failure.retriable).toBe(false);
      expect(failure.message).toMatch(/^HTTP 401 Unauthorized: denied for /);
      for (const secret of secrets) {
        expect(failure.message).not.toContain(secret);
      }
      expect(failure.message).toContain('[redacted]');
    }
  });

  it('classifies overload as retriable and keeps Retry-After', async () => {
    const { url } = await serve((_, response) => response.writeHead(503, { 'retry-after': '2', 'content-type': 'application/json' }).end('{"message":"overloaded"}'));
    const error = (await connect(url, V2)
      .write(['m f=1i 1'])
      .catch((caught: unknown) => caught)) as InfluxWriteError;
    expect([error.message, error.retriable, error.retryAfterMs]).toEqual(['HTTP 503 Service Unavailable: overloaded', true, 2000]);
  });

  it('classifies a refused connection as retriable', async () => {
    const { url } = await serve((_, response) => response.end());
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    const error = (await connect(url, V2)
      .write(['m f=1i 1'])
      .catch((caught: unknown) => caught)) as InfluxWriteError;
    expect(error.retriable).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('pings /ping, falling back to /health', async () => {
    const { url, received } = await serve((request, response) => response.writeHead(request.url === '/health' ? 200 : 404).end());
    await connect(url, V2).ping();
    expect(received.map((request) => request.url)).toEqual(['/ping', '/health']);
  });

  it('returns the version the server names on /ping (issue 16, item 4)', async () => {
    let named = true;
    const { url } = await serve((_, response) => response.writeHead(204, named ? { 'x-influxdb-version': '1.6.7~rc0' } : {}).end());
    expect(await connect(url, V2).ping()).toEqual({ version: '1.6.7~rc0' });
    named = false;
    expect(await writer!.ping()).toEqual({ version: undefined });
  });

  it('v2: a 404 "page not found" (no /api/v2/write) names --influx-v1 and is not retried', async () => {
    const { url } = await serve((_, response) => response.writeHead(404, { 'content-type': 'text/plain' }).end('404 page not found\n'));
    const error = (await connect(url, V2)
      .write(['m f=1i 1'])
      .catch((caught: unknown) => caught)) as InfluxWriteError;
    expect(error.status).toBe(404);
    expect(error.retriable).toBe(false);
    expect(error.message).toContain('use --influx-v1');
  });

  it('v1: checks the database with an empty write, and creates it through /query when missing', async () => {
    const { url, received } = await serve((request, response) => {
      if (request.url.startsWith('/write')) {
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"database not found: \\"pacs\\""}');
      } else {
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"results":[{"statement_id":0}]}');
      }
    });
    expect(await connect(url, V1).ensureDatabase?.()).toEqual({ state: 'created', statement: 'CREATE DATABASE "pacs"' });
    expect(received.map((request) => [request.method, request.url, request.body, request.authorization !== undefined])).toEqual([
      ['POST', '/write?db=pacs&rp=autogen&precision=ms', '', true],
      ['POST', `/query?${new URLSearchParams({ q: 'CREATE DATABASE "pacs"' }).toString()}`, '', true],
    ]);
  });

  it('v1: a refused CREATE DATABASE leaves the statement and the reason', async () => {
    const { url } = await serve((request, response) => {
      if (request.url.startsWith('/write')) response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"database not found: \\"pacs\\""}');
      else response.writeHead(403, { 'content-type': 'application/json' }).end('{"error":"requires admin privilege"}');
    });
    const check = await connect(url, V1).ensureDatabase?.();
    expect(check).toMatchObject({ state: 'missing', statement: 'CREATE DATABASE "pacs"' });
    expect(check?.state === 'missing' && check.reason).toBe('HTTP 403 Forbidden: requires admin privilege');
    expect(JSON.stringify(check)).not.toContain('pa55');
  });

  it('v1: an existing database is left alone, and v2 has no database check', async () => {
    const { url, received } = await serve((_, response) => response.writeHead(204).end());
    expect(await connect(url, V1).ensureDatabase?.()).toEqual({ state: 'exists' });
    expect(received).toHaveLength(1);
    writer?.close();
    expect(connect(url, V2).ensureDatabase).toBeUndefined();
  });

  it('times a hanging server out', async () => {
    const { url } = await serve(() => {});
    writer = createInfluxWriter({ url, api: V2, timeoutMs: 200 });
    const error = (await writer.write(['m f=1i 1']).catch((caught: unknown) => caught)) as InfluxWriteError;
    expect([error.message, error.retriable]).toEqual(['no answer within 200 ms', true]);
    server?.closeAllConnections();
  });
});
