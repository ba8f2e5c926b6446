/**
 * The benchmark's "one fast local HTTP endpoint" (issue 9, items 1-3): answers
 * every GET with the same QIDO-RS-sized DICOM JSON array (ten studies, about
 * 11 KB, PS3.18 Annex F.2), after a fixed delay that the benchmark sets, and can
 * stall: from the moment a stall is asked for, no answer leaves before the
 * stall ends (what a PACS does during a garbage collection or a failover).
 * It runs in its own process, so it shares no event loop with a load tool.
 *
 *   node dist/bench/delay-server.js          prints `listening http://127.0.0.1:PORT`
 *   GET /__control?delayMs=20                 every answer waits 20 ms
 *   GET /__control?stallMs=1000               nothing is answered for the next second
 *   GET /__control?stallMs=1000&afterRequests=N  the same, from the N-th request on
 *                                             (mid-run whatever the tool's start-up time)
 *   GET /anything-else                        the JSON body, after the delay (and any stall)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const STUDIES = 10;

/** Ten study objects with the attributes a QIDO-RS study search returns by default (PS3.18 Table 10.6.3-3). */
function qidoBody(): Buffer {
  const text = (vr: string, value: string) => ({ vr, Value: [value] });
  const studies = Array.from({ length: STUDIES }, (_, index) => ({
    '00080005': text('CS', 'ISO_IR 100'),
    '00080020': text('DA', '20261128'),
    '00080030': text('TM', '093000'),
    '00080050': text('SH', `PLACC${String(index).padStart(8, '0')}`),
    '00080061': { vr: 'CS', Value: ['CT'] },
    '00080090': { vr: 'PN', Value: [{ Alphabetic: 'PACSLOAD^REFERRER' }] },
    '00100010': { vr: 'PN', Value: [{ Alphabetic: `PACSLOAD^SYNTH^${index}` }] },
    '00100020': text('LO', `PLSYN${String(index).padStart(8, '0')}`),
    '00100030': text('DA', '19700101'),
    '00100040': text('CS', 'O'),
    '0020000D': text('UI', `2.25.${1_000_000 + index}`),
    '00200010': text('SH', String(index)),
    '00201206': { vr: 'IS', Value: [2] },
    '00201208': { vr: 'IS', Value: [680] },
    '00081190': text('UR', `http://127.0.0.1/dicom-web/studies/2.25.${1_000_000 + index}`),
  }));
  return Buffer.from(JSON.stringify(studies));
}

const body = qidoBody();
let delayMs = 0;
let stallUntilMs = 0;
/** Requests still to answer before an armed stall starts; undefined when none is armed. */
let requestsBeforeStall: number | undefined;
let armedStallMs = 0;

const server = createServer((request, response) => {
  request.socket.setNoDelay(true);
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (url.pathname === '/__control') {
    const delay = url.searchParams.get('delayMs');
    const stall = url.searchParams.get('stallMs');
    const after = url.searchParams.get('afterRequests');
    if (delay !== null) delayMs = Number(delay);
    if (stall !== null && after !== null) {
      requestsBeforeStall = Number(after);
      armedStallMs = Number(stall);
    } else if (stall !== null) {
      stallUntilMs = Date.now() + Number(stall);
    }
    response.writeHead(204).end();
    return;
  }
  const answer = (): void => {
    response.writeHead(200, { 'content-type': 'application/dicom+json', 'content-length': body.length });
    response.end(body);
  };
  if (requestsBeforeStall !== undefined && --requestsBeforeStall <= 0) {
    requestsBeforeStall = undefined;
    stallUntilMs = Date.now() + armedStallMs;
  }
  const waitMs = Math.max(delayMs, stallUntilMs - Date.now());
  if (waitMs <= 0) answer();
  else setTimeout(answer, waitMs);
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`listening http://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('SIGINT', () => server.close(() => process.exit(0)));
