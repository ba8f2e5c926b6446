import { describe, expect, it } from 'vitest';
import { parseProfileText } from '../../../src/profile/load.js';
import { describeTargetLoad, isLoopbackHost, needsConfirmation, targetLoad } from '../../../src/profile/target-safety.js';

function profile(target: string, scenarios: string) {
  return parseProfileText(`name: t\n${target}\nscenarios:\n${scenarios}\n`, 't.yaml');
}

describe('target safety', () => {
  it('knows loopback hosts literally', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '[::1]', '::1', 'pacs.localhost']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['10.0.0.5', 'pacs.hospital.example', '::ffff:7f00:1', '0.0.0.0']) expect(isLoopbackHost(host)).toBe(false);
  });

  it('asks before more than 10/s or 10 users go to a remote host, never for loopback', () => {
    const remote = 'target: { dicomweb: { baseUrl: "https://pacs.hospital.example/dicom-web" } }';
    const local = 'target: { dicomweb: { baseUrl: "http://127.0.0.1:8042/dicom-web" } }';
    const ramp = '  a: { operation: qido.studies, executor: ramping-arrival-rate, startRate: 1/s, stages: [{ duration: 1m, target: 200/s }] }';
    const small = '  a: { operation: qido.studies, executor: constant-arrival-rate, rate: 5/s, duration: 1m }';
    const users = '  a: { operation: qido.studies, executor: constant-concurrency, users: 50, duration: 1m }';

    const rampLoad = targetLoad(profile(remote, ramp));
    expect(rampLoad).toEqual({ remoteHosts: ['pacs.hospital.example'], peakRatePerSec: 200, peakUsers: 0 });
    expect(needsConfirmation(rampLoad)).toBe(true);
    expect(describeTargetLoad(rampLoad)).toBe('up to 200 operations/s to pacs.hospital.example');
    expect(needsConfirmation(targetLoad(profile(remote, small)))).toBe(false);
    expect(needsConfirmation(targetLoad(profile(remote, users)))).toBe(true);
    expect(needsConfirmation(targetLoad(profile(local, ramp)))).toBe(false);
    expect(needsConfirmation(targetLoad(parseProfileText(`name: t\nscenarios:\n${ramp}\n`, 't.yaml')))).toBe(false);
    expect(needsConfirmation(rampLoad, 500)).toBe(false);
  });
});
