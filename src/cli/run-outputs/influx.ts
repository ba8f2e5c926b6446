/**
 * `--influx URL` and its options: live results into InfluxDB (issue 5,
 * src/outputs/influx/). v2 write API by default (org, bucket, token from an
 * environment variable, as k6's xk6-output-influxdb does), `--influx-v1` for
 * servers older than 1.8 (database, user, password from an environment
 * variable). Credentials are never flags: a flag shows in `ps` and shell history.
 *
 * Without `--influx-v1`, the output switches to the v1 write by itself when
 * the server's `/ping` names an InfluxDB older than 1.8 (issue 16, item 4),
 * and says so on stderr: such a server has no v2 write API at all, so there
 * is nothing to guess, and a nightly run keeps its points instead of
 * dropping them. The v1 settings it switches to come from the v2 ones: the
 * bucket (`db` or `db/rp`, as 1.8 reads it) is the database, and the
 * credentials are PACS_LOAD_INFLUX_USER and PACS_LOAD_INFLUX_PASSWORD, or a
 * token of the form `user:password` (1.8's convention for v1 credentials on
 * the v2 API).
 *
 * Defaults from the environment (flags win): PACS_LOAD_INFLUX_ORG (or
 * K6_INFLUXDB_ORGANIZATION), PACS_LOAD_INFLUX_BUCKET (or K6_INFLUXDB_BUCKET),
 * the token in PACS_LOAD_INFLUX_TOKEN (or K6_INFLUXDB_TOKEN), PACS_LOAD_INFLUX_DB,
 * PACS_LOAD_INFLUX_USER, the password in PACS_LOAD_INFLUX_PASSWORD, and
 * PACS_LOAD_INFLUX_INSTANCE.
 */
import { hostname } from 'node:os';
import { ExitCode, PacsLoadError } from '../../errors.js';
import { createInfluxOutput, INFLUX_DEFAULTS, INFLUX_OUTPUT_NAME } from '../../outputs/influx/influx-output.js';
import type { InfluxApi, InfluxV1Api } from '../../outputs/influx/influx-writer.js';
import { parseDurationUs } from '../../profile/units.js';
import { urlForMessage } from '../../redact.js';
import type { CliContext } from '../context.js';
import type { RunFlagValues, RunOutputOption } from './types.js';

const DEFAULT_TOKEN_ENV = 'PACS_LOAD_INFLUX_TOKEN';
const DEFAULT_PASSWORD_ENV = 'PACS_LOAD_INFLUX_PASSWORD';
const DEFAULT_DATABASE = 'pacs_load';

/** Flags that only make sense with --influx, by commander name and spelling. */
const INFLUX_FLAGS: Readonly<Record<string, string>> = {
  influxOrg: '--influx-org',
  influxBucket: '--influx-bucket',
  influxTokenEnv: '--influx-token-env',
  influxV1: '--influx-v1',
  influxDb: '--influx-db',
  influxUser: '--influx-user',
  influxPasswordEnv: '--influx-password-env',
  influxInterval: '--influx-interval',
  influxInstance: '--influx-instance',
  influxRequired: '--influx-required',
  influxFlushTimeout: '--influx-flush-timeout',
  influxBuffer: '--influx-buffer',
};
const V2_ONLY = ['influxOrg', 'influxBucket', 'influxTokenEnv'];
const V1_ONLY = ['influxDb', 'influxUser', 'influxPasswordEnv'];

export const influxOption: RunOutputOption = {
  register: (command) =>
    command
      .option('--influx <url>', 'write live results to InfluxDB at this http(s) URL (v2 write API: InfluxDB 1.8+, 2.x, 3.x, VictoriaMetrics; an InfluxDB older than 1.8 is detected and written with the v1 API)')
      .option('--influx-org <org>', 'InfluxDB organization (v2; default $PACS_LOAD_INFLUX_ORG or $K6_INFLUXDB_ORGANIZATION)')
      .option('--influx-bucket <bucket>', `InfluxDB bucket, or db/rp on 1.8 (v2; default $PACS_LOAD_INFLUX_BUCKET, $K6_INFLUXDB_BUCKET or ${DEFAULT_DATABASE})`)
      .option('--influx-token-env <name>', `environment variable holding the API token (v2; default ${DEFAULT_TOKEN_ENV}, then K6_INFLUXDB_TOKEN)`)
      .option('--influx-v1', 'use the InfluxDB 1.x write API (/write?db=), e.g. for servers older than 1.8 (chosen by itself when /ping names one); a missing database is created when the user may')
      .option('--influx-db <db[/rp]>', `database and optional retention policy (v1; default $PACS_LOAD_INFLUX_DB or ${DEFAULT_DATABASE})`)
      .option('--influx-user <name>', 'user name (v1; default $PACS_LOAD_INFLUX_USER)')
      .option('--influx-password-env <name>', `environment variable holding the password (v1; default ${DEFAULT_PASSWORD_ENV})`)
      .option('--influx-interval <duration>', 'one point per this long, e.g. 10s (default: the snapshot interval, 1s); intervals are merged exactly')
      .option('--influx-instance <name>', 'the instance tag: which load generator wrote the points (default $PACS_LOAD_INFLUX_INSTANCE or hostname:pid)')
      .option('--influx-required', `fail before the load (exit 4) when InfluxDB does not answer, and exit ${ExitCode.outputIncomplete} when points were dropped`)
      .option('--influx-flush-timeout <duration>', `how long the end of the run waits to write what is buffered (default ${INFLUX_DEFAULTS.stopTimeoutMs / 1000}s)`)
      .option('--influx-buffer <points>', `most points held while InfluxDB is slow or down; the oldest are dropped beyond (default ${INFLUX_DEFAULTS.bufferPoints})`),
  create: (flags, context) => createFromFlags(flags, context),
  exitCode: (flags, summary) =>
    flags['influxRequired'] === true && (summary.outputs?.[INFLUX_OUTPUT_NAME]?.dropped ?? 0) > 0 ? ExitCode.outputIncomplete : undefined,
};

function createFromFlags(flags: RunFlagValues, context: CliContext) {
  const url = stringFlag(flags, 'influx');
  if (url === undefined) {
    const stray = Object.keys(INFLUX_FLAGS).find((name) => flags[name] !== undefined);
    if (stray !== undefined) {
      throw usage(`${INFLUX_FLAGS[stray]} needs --influx URL`, 'Add --influx http://HOST:8086 (or leave out the --influx-* options).');
    }
    return undefined;
  }
  const v1 = flags['influxV1'] === true;
  for (const name of v1 ? V2_ONLY : V1_ONLY) {
    if (flags[name] !== undefined) {
      throw usage(
        `${INFLUX_FLAGS[name]} is for the ${v1 ? 'v2' : 'v1'} write API`,
        v1 ? 'With --influx-v1 use --influx-db, --influx-user and --influx-password-env.' : `Add --influx-v1 for an InfluxDB older than 1.8, or use --influx-bucket, --influx-org and --influx-token-env.`,
      );
    }
  }
  const env = context.env;
  const api: InfluxApi = v1 ? v1Api(flags, env) : v2Api(flags, env);
  return createInfluxOutput({
    v1Fallback: api.version === 'v2' ? v1FallbackApi(api, env) : undefined,
    connection: { url: checkedUrl(url), api, timeoutMs: INFLUX_DEFAULTS.timeoutMs },
    instance: stringFlag(flags, 'influxInstance') ?? nonEmpty(env['PACS_LOAD_INFLUX_INSTANCE']) ?? `${hostname()}:${process.pid}`,
    warn: context.err,
    required: flags['influxRequired'] === true,
    intervalMs: optionalDurationMs(flags, 'influxInterval'),
    stopTimeoutMs: optionalDurationMs(flags, 'influxFlushTimeout'),
    bufferPoints: optionalCount(flags, 'influxBuffer'),
  });
}

function v2Api(flags: RunFlagValues, env: CliContext['env']): InfluxApi {
  const tokenEnv = stringFlag(flags, 'influxTokenEnv');
  let token: string | undefined;
  if (tokenEnv !== undefined) {
    token = requiredSecret(tokenEnv, env, '--influx-token-env', 'the API token');
  } else {
    token = nonEmpty(env[DEFAULT_TOKEN_ENV]) ?? nonEmpty(env['K6_INFLUXDB_TOKEN']);
  }
  return {
    version: 'v2',
    org: stringFlag(flags, 'influxOrg') ?? nonEmpty(env['PACS_LOAD_INFLUX_ORG']) ?? nonEmpty(env['K6_INFLUXDB_ORGANIZATION']),
    bucket: stringFlag(flags, 'influxBucket') ?? nonEmpty(env['PACS_LOAD_INFLUX_BUCKET']) ?? nonEmpty(env['K6_INFLUXDB_BUCKET']) ?? DEFAULT_DATABASE,
    token,
  };
}

function v1Api(flags: RunFlagValues, env: CliContext['env']): InfluxApi {
  const target = stringFlag(flags, 'influxDb') ?? nonEmpty(env['PACS_LOAD_INFLUX_DB']) ?? DEFAULT_DATABASE;
  const slash = target.indexOf('/');
  const database = slash < 0 ? target : target.slice(0, slash);
  const retentionPolicy = slash < 0 ? undefined : target.slice(slash + 1);
  if (database === '' || retentionPolicy === '') throw usage(`--influx-db "${target}" is not a database name (or db/rp)`, 'For example --influx-db pacs_load or --influx-db pacs_load/autogen');
  const username = stringFlag(flags, 'influxUser') ?? nonEmpty(env['PACS_LOAD_INFLUX_USER']);
  const passwordEnv = stringFlag(flags, 'influxPasswordEnv');
  let password: string | undefined;
  if (passwordEnv !== undefined) password = requiredSecret(passwordEnv, env, '--influx-password-env', 'the password');
  else password = nonEmpty(env[DEFAULT_PASSWORD_ENV]);
  if (username !== undefined && password === undefined) {
    throw usage(`--influx-user ${username} has no password: ${DEFAULT_PASSWORD_ENV} is not set`, `Set ${DEFAULT_PASSWORD_ENV}, or name the variable that holds it with --influx-password-env NAME.`);
  }
  return { version: 'v1', database, retentionPolicy, username, password };
}

/**
 * The v1 settings for a server found to be older than 1.8, from the v2 ones:
 * bucket `db` or `db/rp` is the database (and retention policy); user and
 * password from the v1 environment variables, else from a `user:password` token.
 */
function v1FallbackApi(api: Extract<InfluxApi, { version: 'v2' }>, env: CliContext['env']): InfluxV1Api {
  const slash = api.bucket.indexOf('/');
  const database = slash < 0 ? api.bucket : api.bucket.slice(0, slash);
  const retentionPolicy = slash < 0 || slash === api.bucket.length - 1 ? undefined : api.bucket.slice(slash + 1);
  let username = nonEmpty(env['PACS_LOAD_INFLUX_USER']);
  let password = nonEmpty(env[DEFAULT_PASSWORD_ENV]);
  const colon = api.token?.indexOf(':') ?? -1;
  if (username === undefined && password === undefined && api.token !== undefined && colon > 0) {
    username = api.token.slice(0, colon);
    password = api.token.slice(colon + 1);
  }
  return { version: 'v1', database: database === '' ? DEFAULT_DATABASE : database, retentionPolicy, username, password };
}

/** The URL if it is a plain http(s) base URL; credentials belong in environment variables, not in it. */
function checkedUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw usage(`--influx "${urlForMessage(text)}" is not a URL`, 'For example --influx http://127.0.0.1:8086');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usage(`--influx must be an http or https URL, not ${url.protocol}`, 'For example --influx http://127.0.0.1:8086 (or https://... for TLS)');
  }
  if (url.username !== '' || url.password !== '') {
    throw usage('--influx must not contain a user name or password', 'Put the token in PACS_LOAD_INFLUX_TOKEN (v2), or use --influx-user with PACS_LOAD_INFLUX_PASSWORD (--influx-v1).');
  }
  if (url.search !== '' || url.hash !== '') {
    throw usage('--influx must be the base URL, without ?query or #fragment', 'Give org and bucket with --influx-org and --influx-bucket (or the database with --influx-v1 --influx-db).');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function requiredSecret(name: string, env: CliContext['env'], flag: string, what: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw usage(`${flag} "${name}" is not an environment variable name`, `Name the variable that holds ${what}, e.g. ${flag} MY_INFLUX_SECRET.`);
  const value = nonEmpty(env[name]);
  if (value === undefined) throw usage(`${flag} ${name}: the environment variable ${name} is not set`, `Set ${name} to ${what} before running pacs-load.`);
  return value;
}

function stringFlag(flags: RunFlagValues, name: string): string | undefined {
  const value = flags[name];
  return typeof value === 'string' ? value : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function optionalDurationMs(flags: RunFlagValues, name: string): number | undefined {
  const text = stringFlag(flags, name);
  if (text === undefined) return undefined;
  let durationUs: number;
  try {
    durationUs = parseDurationUs(text);
  } catch {
    throw usage(`${INFLUX_FLAGS[name]} "${text}" is not a duration`, `For example ${INFLUX_FLAGS[name]} 10s`);
  }
  if (durationUs < 1000) throw usage(`${INFLUX_FLAGS[name]} must be at least 1ms, not "${text}"`, `For example ${INFLUX_FLAGS[name]} 10s`);
  return durationUs / 1000;
}

function optionalCount(flags: RunFlagValues, name: string): number | undefined {
  const text = stringFlag(flags, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw usage(`${INFLUX_FLAGS[name]} must be a whole number of at least 1, not "${text}"`, `For example ${INFLUX_FLAGS[name]} 10000`);
  return value;
}

function usage(message: string, hint: string): PacsLoadError {
  return new PacsLoadError('ERR_USAGE', message, { hint });
}
