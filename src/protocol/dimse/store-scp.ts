/**
 * The tool's own Storage SCP (PS3.4 Annex B): the C-MOVE destination of
 * `qr.move`. It accepts every storage presentation context it is offered,
 * answers each C-STORE with one status, and discards the data set as it
 * arrives, counting instances and bytes; nothing is kept in memory.
 *
 * `createDiscardingStoreSink` is shared with C-GET (src/protocol/dimse/association.ts),
 * whose sub-operations arrive on the SCU's own association.
 */
import { createServer } from 'node:net';
import type { AddressInfo, Server as NetServer, Socket } from 'node:net';
import { Writable } from 'node:stream';
import { Dataset, Scp, constants, responses } from './dcmjs.js';
import type { DcmjsAssociation } from './dcmjs.js';
import type { DcmjsCStoreRequest } from './dcmjs.js';
import { STATUS_SUCCESS } from './status.js';

const { PresentationContextResult } = constants;

export interface StoreScpOptions {
  /** Loopback by default. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Called AE titles accepted; undefined accepts any (the default). */
  aeTitles?: readonly string[];
  /** Status of every C-STORE response (PS3.4 B.2.3); success by default. Tests set a failure such as A700. */
  answerStatus?: number;
}

export interface StoreScpCounters {
  /** C-STORE requests answered. */
  instances: number;
  /** Of those, answered with a status other than success. */
  refused: number;
  /** Bytes read from all sockets, PDU headers included. */
  bytesReceived: number;
  associations: number;
}

export interface RunningStoreScp {
  host: string;
  port: number;
  counters(): StoreScpCounters;
  /**
   * Bytes received since the previous call (all associations). Operations add
   * this to their own bytes, so the bandwidth totals include what C-MOVE
   * delivered here; per operation it is an approximation when moves overlap.
   */
  takeBytesReceived(): number;
  /** Instances stored (answered with success) since the previous call; exact in total, approximate per operation as `takeBytesReceived`. */
  takeInstancesStored(): number;
  /** Stops listening and closes every connection; resolves once all are closed. Safe to call twice. */
  close(): Promise<void>;
}

/** A Writable that counts and drops what the Network writes into it. */
export interface DiscardingSink {
  stream: Writable;
  bytes(): number;
}

/** Large enough that one PDV never fills it: the writes complete synchronously anyway. */
const SINK_HIGH_WATER_MARK = 8 * 1024 * 1024;

export function createDiscardingStoreSink(): DiscardingSink {
  let bytes = 0;
  const stream = new Writable({
    highWaterMark: SINK_HIGH_WATER_MARK,
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  return { stream, bytes: () => bytes };
}

/**
 * The data set handed to the C-STORE handler once the sink has taken it all:
 * empty, because it was dropped. The command (SOP class and instance UIDs) is intact.
 */
export function emptyStoreDataset(): InstanceType<typeof Dataset> {
  return new Dataset({});
}

const SCP_TIMEOUTS = { connectTimeout: 10 * 60_000, associationTimeout: 60_000, pduTimeout: 10 * 60_000 };

interface ScpContext {
  aeTitles: readonly string[] | undefined;
  answerStatus: number;
  counters: StoreScpCounters;
}

class DiscardingStoreScp extends Scp {
  readonly #context: ScpContext;
  readonly #socket: Socket;

  constructor(socket: Socket, context: ScpContext) {
    super(socket, SCP_TIMEOUTS);
    this.#socket = socket;
    this.#context = context;
    this.on('networkError', () => socket.destroy());
  }

  override associationRequested(association: DcmjsAssociation): void {
    const { aeTitles } = this.#context;
    if (aeTitles !== undefined && !aeTitles.includes(association.getCalledAeTitle().trim())) {
      // PS3.8 section 9.3.4: rejected-permanent, service user, called AE title not recognized.
      this.sendAssociationReject(1, 1, 7);
      this.#socket.end();
      return;
    }
    this.#context.counters.associations++;
    for (const { context } of association.getPresentationContexts()) {
      // Everything offered is stored (discarded) as sent: take the requestor's first choice (PS3.8 9.3.2.2).
      const transferSyntax = context.getTransferSyntaxUids()[0];
      if (transferSyntax === undefined) {
        context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
      } else {
        context.setResult(PresentationContextResult.Accept, transferSyntax);
      }
    }
    this.sendAssociationAccept();
  }

  override associationReleaseRequested(): void {
    this.sendAssociationReleaseResponse();
  }

  override abort(): void {
    this.#socket.destroy();
  }

  override createStoreWritableStream(): Writable {
    return createDiscardingStoreSink().stream;
  }

  override createDatasetFromStoreWritableStream(
    _writable: Writable,
    _context: unknown,
    callback: (dataset: InstanceType<typeof Dataset>) => void,
  ): void {
    callback(emptyStoreDataset());
  }

  override cStoreRequest(
    request: DcmjsCStoreRequest,
    callback: (response: InstanceType<typeof responses.CStoreResponse>) => void,
  ): void {
    const { counters, answerStatus } = this.#context;
    counters.instances++;
    if (answerStatus !== STATUS_SUCCESS) counters.refused++;
    const response = responses.CStoreResponse.fromRequest(request);
    response.setStatus(answerStatus);
    callback(response);
  }
}

/** Starts the store SCP. Resolves once it listens (with the port it got); rejects if it cannot listen. */
export async function startStoreScp(options: StoreScpOptions = {}): Promise<RunningStoreScp> {
  const host = options.host ?? '127.0.0.1';
  const context: ScpContext = {
    aeTitles: options.aeTitles,
    answerStatus: options.answerStatus ?? STATUS_SUCCESS,
    counters: { instances: 0, refused: 0, bytesReceived: 0, associations: 0 },
  };
  const sockets = new Set<Socket>();
  let bytesTaken = 0;
  let storedTaken = 0;
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => {
      context.counters.bytesReceived += socket.bytesRead;
      sockets.delete(socket);
    });
    new DiscardingStoreScp(socket, context);
  });
  await listen(server, options.port ?? 0, host);
  const { port } = server.address() as AddressInfo;
  const totalBytes = (): number => {
    let open = 0;
    for (const socket of sockets) open += socket.bytesRead;
    return context.counters.bytesReceived + open;
  };

  let closing: Promise<void> | undefined;
  return {
    host,
    port,
    counters: () => ({ ...context.counters, bytesReceived: totalBytes() }),
    takeBytesReceived: () => {
      const total = totalBytes();
      const taken = total - bytesTaken;
      bytesTaken = total;
      return taken;
    },
    takeInstancesStored: () => {
      const stored = context.counters.instances - context.counters.refused;
      const taken = stored - storedTaken;
      storedTaken = stored;
      return taken;
    },
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

function listen(server: NetServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
