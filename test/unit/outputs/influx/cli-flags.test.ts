import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { influxOption } from '../../../../src/cli/run-outputs/influx.js';
import type { CliContext } from '../../../../src/cli/context.js';
import { isPacsLoadError } from '../../../../src/errors.js';
import { buildSummary } from '../fixtures.js';

function flagsOf(args: string[]): Record<string, unknown> {
  const command = influxOption.register(new Command().exitOverride());
  command.parse(args, { from: 'user' });
  return command.opts();
}

function context(env: Record<string, string> = {}): CliContext {
  return { out: () => {}, err: () => {}, env, color: false, interrupt: new AbortController().signal, setExitCode: () => {}, cwd: '/' };
}

async function usageError(args: string[], env: Record<string, string> = {}): Promise<{ message: string; hint: string }> {
  const error: unknown = await Promise.resolve()
    .then(() => influxOption.create(flagsOf(args), context(env)))
    .catch((caught: unknown) => caught);
  if (!isPacsLoadError(error) || error.code !== 'ERR_USAGE') throw new Error(`expected ERR_USAGE for ${args.join(' ')}, got ${String(error)}`);
  return { message: error.message, hint: error.hint };
}

describe('--influx flags', () => {
  it('creates no output without --influx, and the output with it', async () => {
    expect(await influxOption.create(flagsOf([]), context())).toBeUndefined();
    const output = await influxOption.create(flagsOf(['--influx', 'http://127.0.0.1:8086/']), context());
    expect(output?.name).toBe('influxdb');
    expect(output?.delivers).toBe(true);
  });

  it('accepts only plain http(s) base URLs', async () => {
    expect((await usageError(['--influx', 'udp://127.0.0.1:8089'])).message).toBe('--influx must be an http or https URL, not udp:');
    expect((await usageError(['--influx', 'not a url'])).message).toContain('is not a URL');
    expect((await usageError(['--influx', 'http://admin:hunter2@127.0.0.1:8086'])).hint).toContain('PACS_LOAD_INFLUX_TOKEN');
    expect((await usageError(['--influx', 'http://127.0.0.1:8086/?db=x'])).message).toContain('without ?query');
  });

  it('keeps v1 and v2 options apart, and needs --influx for any of them', async () => {
    expect((await usageError(['--influx-bucket', 'b'])).message).toBe('--influx-bucket needs --influx URL');
    expect((await usageError(['--influx', 'http://h:8086', '--influx-db', 'x'])).hint).toContain('--influx-v1');
    expect((await usageError(['--influx', 'http://h:8086', '--influx-v1', '--influx-org', 'o'])).message).toBe('--influx-org is for the v2 write API');
  });

  it('reads secrets only from environment variables, and says which one is missing', async () => {
    expect((await usageError(['--influx', 'http://h:8086', '--influx-token-env', 'MY_TOKEN'])).message).toBe(
      '--influx-token-env MY_TOKEN: the environment variable MY_TOKEN is not set',
    );
    expect(await influxOption.create(flagsOf(['--influx', 'http://h:8086', '--influx-token-env', 'MY_TOKEN']), context({ MY_TOKEN: 't' }))).toBeDefined();
    expect((await usageError(['--influx', 'http://h:8086', '--influx-v1', '--influx-user', 'u'])).message).toContain('has no password');
    expect(
      await influxOption.create(flagsOf(['--influx', 'http://h:8086', '--influx-v1', '--influx-user', 'u']), context({ PACS_LOAD_INFLUX_PASSWORD: 'p' })),
    ).toBeDefined();
    expect((await usageError(['--influx', 'http://h:8086', '--influx-token-env', 'bad-name'])).message).toContain('is not an environment variable name');
  });

  it('checks durations and counts', async () => {
    expect((await usageError(['--influx', 'http://h:8086', '--influx-interval', '10'])).hint).toBe('For example --influx-interval 10s');
    expect((await usageError(['--influx', 'http://h:8086', '--influx-buffer', '0'])).message).toContain('whole number of at least 1');
    expect((await usageError(['--influx', 'http://h:8086', '--influx-v1', '--influx-db', 'db/'])).message).toContain('not a database name');
  });

  it('asks for exit 97 only with --influx-required and dropped points', () => {
    const summary = buildSummary({ outputs: { influxdb: { written: 10, retried: 0, dropped: 3, lastError: 'x' } } });
    expect(influxOption.exitCode?.(flagsOf(['--influx', 'http://h:8086', '--influx-required']), summary)).toBe(97);
    expect(influxOption.exitCode?.(flagsOf(['--influx', 'http://h:8086']), summary)).toBeUndefined();
    const clean = buildSummary({ outputs: { influxdb: { written: 10, retried: 0, dropped: 0 } } });
    expect(influxOption.exitCode?.(flagsOf(['--influx', 'http://h:8086', '--influx-required']), clean)).toBeUndefined();
  });
});
