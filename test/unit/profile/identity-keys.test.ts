/**
 * The profile keys of issue 14: `identities` (unique | fixed), `uidRoot` (an
 * organisation's UID root, checked for syntax and room) and the scenario key
 * `duplicateSends` (dimse.store and stow.study only). Every error names its
 * path and the fix.
 */
import { describe, expect, it } from 'vitest';
import { validateProfile } from '../../../src/profile/schema.js';

const STORE = { operation: 'dimse.store', executor: 'iterations', iterations: 1 };

function problemsOf(raw: unknown): Array<{ path: string; message: string; fix: string }> {
  const result = validateProfile(raw);
  return result.ok ? [] : result.problems;
}

describe('identity keys', () => {
  it('resolve identities, uidRoot and duplicateSends', () => {
    const result = validateProfile({
      name: 'p',
      identities: 'fixed',
      uidRoot: '1.2.826.0.1.3680043.10.543',
      scenarios: { store: { ...STORE, duplicateSends: 10 }, stow: { operation: 'stow.study', executor: 'iterations', iterations: 1, duplicateSends: 0 } },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.profile.options).toMatchObject({ identities: 'fixed', uidRoot: '1.2.826.0.1.3680043.10.543' });
    expect(result.profile.scenarios[0]?.params.duplicateSends).toBe(10);
    expect(result.profile.scenarios[1]?.params.duplicateSends).toBeUndefined();
  });

  it('default to unique identities under 2.25', () => {
    const result = validateProfile({ name: 'p', scenarios: { store: STORE } });
    expect(result.ok && result.profile.options.identities === undefined && result.profile.options.uidRoot === undefined).toBe(true);
  });

  it('refuse an unknown identity mode, a uidRoot written as a number, and duplicateSends out of range or on another operation', () => {
    const problems = problemsOf({
      name: 'p',
      identities: 'same',
      uidRoot: 1.2,
      scenarios: {
        store: { ...STORE, duplicateSends: 101 },
        echo: { operation: 'dimse.echo', executor: 'iterations', iterations: 1, duplicateSends: 5 },
        chain: { operation: 'chain', executor: 'iterations', iterations: 1, duplicateSends: 5 },
      },
    });
    const at = (path: string) => problems.find((problem) => problem.path === path);
    expect(at('identities')?.fix).toContain('unique, fixed');
    expect(at('uidRoot')?.message).toContain('must be text');
    expect(at('scenarios.store.duplicateSends')?.message).toContain('from 0 to 100');
    expect(at('scenarios.echo.duplicateSends')?.fix).toContain('dimse.store, stow.study');
    expect(at('scenarios.chain.duplicateSends')?.fix).toContain('new series and instances');
  });
});
