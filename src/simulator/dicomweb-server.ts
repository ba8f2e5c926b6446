/**
 * The simulator's DICOMweb origin server: QIDO-RS `GET {prefix}/studies`
 * (PS3.18 section 10.6) over node:http with keep-alive, answering from the
 * seeded synthetic studies and the received ones (STOW-RS, or C-STORE when the
 * store is shared with the DIMSE side) through the shared fault injector; every
 * other resource is in dicomweb-routes.ts.
 *
 * It must stay cheap enough to share two cores with the load tester at
 * thousands of searches per second, so every study is serialized once at start,
 * and whole answers are cached by their raw query string: a load test repeats the
 * same few queries, so almost every request is one Map lookup and one write.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { StudyTag, type DicomJsonObject } from '../synth/studies.js';
import type { FaultInjector } from './faults.js';
import { indexStudy, parseQidoStudiesQuery, type IndexedStudy } from './dicomweb-qido-match.js';
import { injectHttpFaults, sendAnswer } from './dicomweb-faults.js';
import { createDicomwebRoutes } from './dicomweb-routes.js';
import { DicomwebStore } from './dicomweb-store.js';

export interface DicomwebSimulatorOptions {
  /** Loopback by default. */
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Study-level DICOM JSON objects (src/synth/studies.ts); RetrieveURL is added here. */
  studies: readonly DicomJsonObject[];
  faults: FaultInjector;
  /** The service root path (PS3.18 section 8.2), default `/dicom-web`. */
  pathPrefix?: string;
  /** Series, instances and STOW-stored studies (src/simulator/dicomweb-store.ts); default: a store over `studies`. */
  store?: DicomwebStore;
  /**
   * When set, every request must carry exactly this Authorization header value
   * (e.g. `Bearer <token>`), else it is answered 401 with a WWW-Authenticate
   * challenge (RFC 6750 section 3), as a PACS behind an identity provider does.
   */
  requiredAuthorization?: string;
}

export interface RunningDicomwebSimulator {
  /** `http://host:port{prefix}`, the service root, without a trailing slash. */
  baseUrl: string;
  port: number;
  /** TCP connections accepted so far (tests use it to see keep-alive at work). */
  readonly connectionsAccepted: number;
  /** Requests answered so far, any status. */
  readonly requestsServed: number;
  /** Stops listening and closes every connection, idle or not. */
  close(): Promise<void>;
}

const DICOM_JSON = 'application/dicom+json';

interface CachedAnswer {
  body: Buffer;
  headers: Readonly<Record<string, string>>;
}

/** Whole answers kept; a load test uses a handful of distinct queries, a stray client can't grow it unbounded. */
const ANSWER_CACHE_ENTRIES = 256;
/** Longer than undici's 4 s idle timeout, so the client, not the server, closes idle connections (no reuse race). */
const KEEP_ALIVE_TIMEOUT_MS = 30_000;

/** Starts listening; resolves once the port is bound. Rejects if it cannot bind. */
export async function startDicomwebSimulator(options: DicomwebSimulatorOptions): Promise<RunningDicomwebSimulator> {
  const host = options.host ?? '127.0.0.1';
  const prefix = (options.pathPrefix ?? '/dicom-web').replace(/\/+$/, '');
  const studiesPath = `${prefix}/studies`;
  const { faults } = options;
  const seededIndexed: IndexedStudy[] = options.studies.map(indexStudy);
  let indexed: IndexedStudy[] = seededIndexed;
  // Filled once the port is known, since RetrieveURL names this server.
  let serialized: string[] = [];
  let seededSerialized: string[] = [];
  const store = options.store ?? new DicomwebStore(options.studies);
  let baseUrl = '';
  let indexedVersion = store.version;
  // Received studies join the study search (seeded ones first, as at start), whichever side received them.
  const refreshIndex = (): void => {
    if (indexedVersion === store.version) return;
    indexedVersion = store.version;
    const stored = store.storedStudyObjects();
    const storedIndexed = stored.map(indexStudy);
    indexed = [...seededIndexed, ...storedIndexed];
    serialized = [
      ...seededSerialized,
      ...stored.map((study, index) => JSON.stringify(withRetrieveUrl(study, `${baseUrl}/studies/${storedIndexed[index]!.studyInstanceUid}`))),
    ];
    answers.clear();
  };
  const routes = createDicomwebRoutes({ store, faults, baseUrl: () => baseUrl, onStored: refreshIndex });
  const answers = new Map<string, CachedAnswer>();
  let connectionsAccepted = 0;
  let requestsServed = 0;

  const answerFor = (queryString: string): CachedAnswer | { error: string } => {
    const parsed = parseQidoStudiesQuery(queryString);
    if (!parsed.ok) return { error: parsed.reason };
    const { matches, limit, offset } = parsed.request;
    const selected: string[] = [];
    let skipped = 0;
    let truncated = false;
    for (let index = 0; index < indexed.length; index++) {
      if (!matches(indexed[index]!)) continue;
      if (skipped < offset) {
        skipped++;
        continue;
      }
      if (limit !== undefined && selected.length >= limit) {
        truncated = true;
        break;
      }
      selected.push(serialized[index]!);
    }
    const body = Buffer.from(`[${selected.join(',')}]`, 'utf8');
    return { body, headers: truncated ? { ...JSON_HEADERS, warning: TRUNCATED_WARNING } : JSON_HEADERS };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (options.requiredAuthorization !== undefined && request.headers.authorization !== options.requiredAuthorization) {
      request.resume();
      return reply(response, 401, { 'www-authenticate': 'Bearer realm="pacs-load-simulator"' });
    }
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    if (path !== studiesPath || request.method === 'POST') {
      // Series, instances, WADO-RS and STOW-RS (src/simulator/dicomweb-routes.ts).
      const query = queryAt === -1 ? '' : url.slice(queryAt + 1);
      if (path.startsWith(`${prefix}/`) && (await routes(request, response, path.slice(prefix.length), query))) return;
      return reply(response, 404);
    }
    if (request.method !== 'GET') return reply(response, 405, { allow: 'GET, POST' });
    // RFC 9110 section 15.5.7: 406 when none of the acceptable media types can be produced.
    const accept = request.headers.accept;
    if (accept !== undefined && !/json|\*\/\*|application\/\*/i.test(accept)) return reply(response, 406);

    // Latency, stall, 429/503 by rate, and the injected HTTP faults (dicomweb-faults.ts).
    const style = await injectHttpFaults(faults, response, { multipart: false });
    if (style === undefined) return;

    const queryString = queryAt === -1 ? '' : url.slice(queryAt + 1);
    refreshIndex();
    let answer = answers.get(queryString);
    if (answer === undefined) {
      const built = answerFor(queryString);
      if ('error' in built) return reply(response, 400, { 'content-type': 'text/plain' }, built.error);
      answer = built;
      if (answers.size >= ANSWER_CACHE_ENTRIES) answers.delete(answers.keys().next().value!);
      answers.set(queryString, answer);
    }
    // PS3.18 section 10.6.3: 200 with a (possibly empty) array; this server never uses 204.
    // sendAnswer never rejects; a dripped body goes on after the handler returns.
    void sendAnswer(response, 200, answer.headers, [answer.body], style);
  };

  const server = createServer({ noDelay: true, keepAlive: true }, (request, response) => {
    requestsServed++;
    handle(request, response).catch(() => reply(response, 500));
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.on('connection', (socket: Socket) => {
    connectionsAccepted++;
    // Node 20's http server already does this (noDelay: true); kept so the rule holds on every version.
    socket.setNoDelay(true);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  baseUrl = `http://${urlHost}:${port}${prefix}`;
  serialized = options.studies.map((study, index) =>
    JSON.stringify(withRetrieveUrl(study, `${baseUrl}/studies/${indexed[index]!.studyInstanceUid}`)),
  );
  seededSerialized = serialized;
  // Studies received before the port was known (a store shared with a DIMSE side that started first).
  if (store.storedInstances > 0) {
    indexedVersion = -1;
    refreshIndex();
  }

  return {
    baseUrl,
    port,
    get connectionsAccepted() {
      return connectionsAccepted;
    },
    get requestsServed() {
      return requestsServed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * PS3.18 section 10.6.3 (search response): when `limit` cut the answer short, the
 * server says more results can be requested.
 */
const TRUNCATED_WARNING = '299 pacs-load-simulator: There are additional results that can be requested';

const JSON_HEADERS: Readonly<Record<string, string>> = { 'content-type': DICOM_JSON };

function reply(
  response: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>> = {},
  body: Buffer | string = '',
): void {
  // The connection may have gone while a fault delay ran (client timeout, close()).
  if (response.destroyed || response.headersSent) return;
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  response.writeHead(status, { ...headers, 'content-length': String(bytes.length) });
  response.end(bytes);
}

/** The study with RetrieveURL (0008,1190, PS3.18 Table 10.6.3-3) inserted in tag order. */
function withRetrieveUrl(study: DicomJsonObject, retrieveUrl: string): DicomJsonObject {
  const result: DicomJsonObject = {};
  let inserted = false;
  for (const tag of Object.keys(study).sort()) {
    if (!inserted && tag > StudyTag.RetrieveURL) {
      result[StudyTag.RetrieveURL] = { vr: 'UR', Value: [retrieveUrl] };
      inserted = true;
    }
    result[tag] = study[tag]!;
  }
  if (!inserted) result[StudyTag.RetrieveURL] = { vr: 'UR', Value: [retrieveUrl] };
  return result;
}
