/**
 * docs/architecture.md section 9: every test that starts a server, pool or worker cleans it
 * up; a test file that leaves a socket or server open fails. Runs after each
 * test file (vitest setupFiles), comparing the process's active handles with
 * those it had before the file's tests began.
 */
import { afterAll, beforeAll, expect } from 'vitest';

const CHECKED = new Set(['TCPServerWrap', 'TCPSocketWrap', 'PipeWrap', 'ProcessWrap', 'UDPWrap']);

function checkedHandles(): string[] {
  return process.getActiveResourcesInfo().filter((name) => CHECKED.has(name)).sort();
}

let before: string[] = [];
beforeAll(() => {
  before = checkedHandles();
});

afterAll(async () => {
  // Sockets closed in the last test finish closing on the next turns of the loop.
  for (let attempt = 0; attempt < 20 && checkedHandles().length > before.length; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(checkedHandles(), 'sockets, servers or child processes left open by this test file').toEqual(before);
});
