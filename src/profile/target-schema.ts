/**
 * The `target` block (the PACS under test) and the `simulator` block (the
 * embedded PACS used when there is no target).
 */
import { z } from 'zod';
import {
  asRecord,
  booleanField,
  durationField,
  enumField,
  intField,
  objectField,
  textField,
  textOrNumberField,
} from './fields.js';
import { byteSizeField } from './byte-size.js';
import { problemText } from './problems.js';
import type { DicomwebAuth, FaultKind, ResolvedTarget, SimulatorSettings } from './types.js';
import { tryParseShare } from './units.js';
import { urlForMessage } from '../redact.js';

/**
 * Why an AE title is not valid, or undefined. PS3.5 section 6.2, AE VR: at most
 * 16 characters of the default character repertoire, excluding backslash (5CH)
 * and control characters; leading and trailing spaces are not significant, and a
 * value of only spaces is not allowed.
 */
export function aeTitleProblem(value: string): { message: string; fix: string } | undefined {
  if (value.length > 16) {
    return {
      message: `\`${value}\` is ${value.length} characters; an AE title has at most 16 (PS3.5 section 6.2)`,
      fix: `shorten it, e.g. \`${value.slice(0, 16).trim()}\``,
    };
  }
  if (value.trim() === '') {
    return { message: 'the AE title is only spaces (PS3.5 section 6.2 does not allow that)', fix: 'write an AE title such as `PACSLOAD`' };
  }
  if (value.includes('\\')) {
    return { message: `\`${value}\` contains a backslash, which an AE title may not (PS3.5 section 6.2)`, fix: 'remove the backslash' };
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) {
    return { message: 'the AE title contains a control character (PS3.5 section 6.2)', fix: 'use only printable characters' };
  }
  if (/[^\u0020-\u007e]/.test(value)) {
    return {
      message: `\`${value}\` has characters outside the default character repertoire (ASCII); PS3.5 section 6.2`,
      fix: 'use only ASCII letters, digits, space and punctuation other than backslash',
    };
  }
  return undefined;
}

function aeTitleField(info: { description: string; example: string }) {
  return textField(info)
    .superRefine((value, ctx) => {
      if (value === '') return; // reported as empty already
      const problem = aeTitleProblem(value);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problemText(problem.message, problem.fix) });
    })
    .transform((value) => value.trim());
}

/** Credentials are named by environment variable; this is the name, checked for shape. */
function envNameField(info: { description: string; example: string }) {
  return textField(info).superRefine((value, ctx) => {
    if (value === '' || /^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) return;
    const cleaned = value.replace(/^\$\{?|\}$/g, '');
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(cleaned)) {
      ctx.addIssue({ code: 'custom', message: problemText(`\`${value}\` is not an environment variable name`, `write the name without \`$\`: \`${cleaned}\``) });
      return;
    }
    // Not echoed: what is here instead of a name is most likely the secret itself (issue 10, item 4).
    ctx.addIssue({
      code: 'custom',
      message: problemText(
        'this is not an environment variable name (the value is not shown: it may be the secret itself)',
        `put the secret in an environment variable and write its name here, e.g. \`${info.example}\` (never the secret itself)`,
      ),
    });
  });
}

const hostField = textField({ description: 'Host name or IP address of the DIMSE service.', example: '127.0.0.1' }).superRefine(
  (value, ctx) => {
    if (value.includes('@')) {
      // `user:password@host`: not echoed, it may hold a password (issue 10, item 4).
      ctx.addIssue({
        code: 'custom',
        message: problemText('`host` holds a user name or password (not shown)', 'write only the host, e.g. `host: 127.0.0.1`; a DIMSE user goes in `userIdentity: { username, passcodeEnv }`'),
      });
    } else if (value !== '' && (value.includes('://') || /\s/.test(value) || value.includes('/'))) {
      ctx.addIssue({
        code: 'custom',
        message: problemText(`\`${value}\` is not a host name or address`, 'write only the host, e.g. `host: 127.0.0.1` (the port goes in `port`)'),
      });
    }
  },
);

/**
 * The Maximum Length sub-item we send (PS3.8 D.3.3.1, PS3.7 Annex D.1). PS3.8
 * allows any value (0 = no limit); below 4 KiB a PDU holds little more than
 * its header, and DCMTK does not go lower either.
 */
const MIN_MAX_PDU_BYTES = 4096;
const maxPduField = byteSizeField({
  description:
    'Maximum PDU length we propose (PS3.8 D.3.3.1): the largest P-DATA-TF PDU the target may send us, e.g. `16KiB` (DCMTK\'s default) or `1MiB`. At least 4KiB. Default 256KiB (262144). What we send is bounded by the value the target answers with.',
  example: '64KiB',
  maxBytes: 0xffff_ffff,
}).superRefine((bytes, ctx) => {
  if (bytes < MIN_MAX_PDU_BYTES) {
    ctx.addIssue({ code: 'custom', message: problemText(`${bytes} bytes is too small for a PDU`, 'write at least `4KiB`, e.g. `maxPdu: 16KiB`') });
  }
});

const userIdentitySchema = objectField(
  {
    username: textField({ description: 'User Identity primary field: the user name (PS3.7 D.3.3.7.1).', example: 'loadtest' }),
    passcodeEnv: envNameField({
      description: 'The name of the environment variable that holds the passcode (User-Identity-Type 2, username and passcode). Absent: username only (type 1).',
      example: 'PACS_DIMSE_PASSCODE',
    }).optional(),
    positiveResponse: booleanField({
      description:
        'Ask the target to confirm the identity (Positive-response-requested, PS3.7 D.3.3.7.2); an association it accepts without confirming is aborted and counted as check_failed. Default false.',
    }).prefault(false),
  },
  {
    description: 'User Identity Negotiation (PS3.7 D.3.3.7) in every association: a user name, and a passcode named by environment variable.',
    example: '{ username: loadtest, passcodeEnv: PACS_DIMSE_PASSCODE }',
  },
);

/** A PEM file path (certificate or key); a pasted PEM block is the likely mistake. */
function pemFileField(info: { description: string; example: string; key: string }) {
  return textField(info).superRefine((value, ctx) => {
    if (value.includes('-----BEGIN')) {
      ctx.addIssue({
        code: 'custom',
        message: problemText(`\`${info.key}\` holds PEM text, not a file path`, `save the PEM text to a file and write its path, e.g. \`${info.key}: ${info.example}\``),
      });
    }
  });
}

const dimseTlsSchema = objectField(
  {
    caFile: pemFileField({
      description: 'PEM file of the CA certificates to trust (a private CA); relative to the working directory. Read when the run starts. Default: the CAs bundled with Node.js.',
      example: 'certs/pacs-ca.pem',
      key: 'caFile',
    }).optional(),
    certFile: pemFileField({
      description: 'PEM file of our client certificate, for a target that authenticates the client (with `keyFile`).',
      example: 'certs/pacsload.pem',
      key: 'certFile',
    }).optional(),
    keyFile: pemFileField({
      description: 'PEM file of the private key of `certFile` (unencrypted).',
      example: 'certs/pacsload-key.pem',
      key: 'keyFile',
    }).optional(),
    rejectUnauthorized: booleanField({
      description: "Verify the target's certificate chain and name. Default true; false accepts any certificate (test setups only).",
    }).prefault(true),
    servername: textField({
      description: "The name the target's certificate must carry, and the TLS SNI name, when `host` is an address or another name. Default: `host`.",
      example: 'pacs.hospital.example',
    }).optional(),
  },
  {
    description: 'DICOM TLS (PS3.15 Annex B secure transport): the target listens with TLS. Verification is on by default.',
    example: '{ caFile: certs/pacs-ca.pem }',
  },
).superRefine(
  (tls, ctx) => {
    const raw = tls as Record<string, unknown>;
    if (raw.certFile !== undefined && raw.keyFile === undefined) {
      ctx.addIssue({ code: 'custom', path: ['keyFile'], message: problemText('`certFile` needs `keyFile`', 'add the PEM file of its private key, e.g. `keyFile: certs/pacsload-key.pem`') });
    }
    if (raw.keyFile !== undefined && raw.certFile === undefined) {
      ctx.addIssue({ code: 'custom', path: ['certFile'], message: problemText('`keyFile` needs `certFile`', 'add the PEM file of the client certificate, e.g. `certFile: certs/pacsload.pem`') });
    }
  },
  { when: (payload) => asRecord(payload.value) !== undefined },
);

const dimseSchema = objectField(
  {
    host: hostField,
    port: intField({ description: 'TCP port of the DIMSE service.', example: '4242', min: 1, max: 65535 }),
    calledAe: aeTitleField({ description: "The target's AE title (Called AE Title), PS3.5 AE VR: 1-16 characters.", example: 'ORTHANC' }),
    callingAe: aeTitleField({ description: 'Our AE title (Calling AE Title). Default PACSLOAD.', example: 'PACSLOAD' }).prefault('PACSLOAD'),
    connectTimeout: durationField({
      description: 'TCP connect plus association negotiation must finish within this. Default 5s.',
      example: '5s',
    }).prefault('5s'),
    timeout: durationField({ description: 'A whole operation (association to release) must finish within this. Default 30s.', example: '30s' }).prefault(
      '30s',
    ),
    maxPdu: maxPduField.optional(),
    userIdentity: userIdentitySchema.optional(),
    tls: dimseTlsSchema.optional(),
  },
  { description: 'The DIMSE service of the target (needed by DIMSE operations).', example: '{ host: 127.0.0.1, port: 4242, calledAe: ORTHANC }' },
);

const authSchema = objectField(
  {
    bearerEnv: envNameField({ description: 'Bearer token: the name of the environment variable that holds it.', example: 'PACS_TOKEN' }).optional(),
    username: textField({ description: 'Basic authentication: the user name.', example: 'loadtest' }).optional(),
    passwordEnv: envNameField({ description: 'Basic authentication: the name of the environment variable that holds the password.', example: 'PACS_PASSWORD' }).optional(),
  },
  { description: 'DICOMweb credentials, named by environment variable: `{ bearerEnv }` or `{ username, passwordEnv }`.', example: '{ bearerEnv: PACS_TOKEN }' },
).superRefine(
  (auth, ctx) => {
    const raw = auth as Record<string, unknown>;
    const bearer = raw.bearerEnv !== undefined;
    const basic = raw.username !== undefined || raw.passwordEnv !== undefined;
    if (bearer && basic) {
      ctx.addIssue({
        code: 'custom',
        message: problemText('`auth` has both `bearerEnv` and basic credentials', 'keep either `bearerEnv` or `username` + `passwordEnv`'),
      });
    } else if (!bearer && !basic) {
      ctx.addIssue({
        code: 'custom',
        message: problemText('`auth` names no credentials', 'write `auth: { bearerEnv: PACS_TOKEN }` or `auth: { username: loadtest, passwordEnv: PACS_PASSWORD }`'),
      });
    } else if (basic && raw.username === undefined) {
      ctx.addIssue({ code: 'custom', path: ['username'], message: problemText('basic authentication needs `username`', 'add e.g. `username: loadtest`') });
    } else if (basic && raw.passwordEnv === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['passwordEnv'],
        message: problemText('basic authentication needs `passwordEnv`', 'add the name of the variable that holds the password, e.g. `passwordEnv: PACS_PASSWORD`'),
      });
    }
  },
  { when: (payload) => asRecord(payload.value) !== undefined },
);

const baseUrlField = textField({ description: 'Base URL of the DICOMweb service (http or https).', example: 'http://127.0.0.1:8042/dicom-web' })
  .superRefine((value, ctx) => {
    if (value === '') return; // reported as empty already
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    // Messages quote the URL without its userinfo: it may hold a password.
    const shown = urlForMessage(value);
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      ctx.addIssue({
        code: 'custom',
        message: problemText(`\`${shown}\` is not an http or https URL`, 'write e.g. `baseUrl: http://127.0.0.1:8042/dicom-web`'),
      });
    } else if (url.username !== '' || url.password !== '') {
      // Refused, not redacted: the URL is shown in the console, summary, reports and
      // InfluxDB tags, and the HTTP client would not send these credentials anyway.
      url.username = '';
      url.password = '';
      ctx.addIssue({
        code: 'custom',
        message: problemText(
          'the URL holds a user name or password (not shown); credentials never go in a profile\'s plain text',
          `write \`baseUrl: ${url.toString().replace(/\/+$/, '')}\` and name the password's environment variable: \`auth: { username: loadtest, passwordEnv: PACS_PASSWORD }\` (or \`auth: { bearerEnv: PACS_TOKEN }\`)`,
        ),
      });
    } else if (url.search !== '' || url.hash !== '') {
      ctx.addIssue({
        code: 'custom',
        message: problemText(`\`${shown}\` has a query or fragment`, 'write only the base of the service, e.g. `http://127.0.0.1:8042/dicom-web`'),
      });
    }
  })
  .transform((value) => value.replace(/\/+$/, ''));

/** The path of a PEM file; a pasted certificate is the likely mistake. */
const caFileField = textField({
  description: 'PEM file of extra CA certificates to trust (a private CA); relative to the working directory. Read when the run starts.',
  example: 'certs/pacs-ca.pem',
}).superRefine((value, ctx) => {
  if (value.includes('-----BEGIN')) {
    ctx.addIssue({
      code: 'custom',
      message: problemText('`caFile` holds a certificate, not a file path', 'save the PEM text to a file and write its path, e.g. `caFile: certs/pacs-ca.pem`'),
    });
  }
});

const tlsSchema = objectField(
  {
    caFile: caFileField.optional(),
    rejectUnauthorized: booleanField({
      description: 'Verify the server certificate and host name. Default true; false accepts any certificate (test setups only).',
    }).prefault(true),
  },
  { description: 'TLS for an https `baseUrl`: a private CA to trust, or verification off.', example: '{ caFile: certs/pacs-ca.pem }' },
);

const dicomwebSchema = objectField(
  {
    baseUrl: baseUrlField,
    connections: intField({ description: 'Keep-alive connections per worker. Default 16.', example: '16', min: 1, max: 1024 }).prefault(16),
    timeout: durationField({ description: 'A whole request must finish within this. Default 30s.', example: '30s' }).prefault('30s'),
    auth: authSchema.optional(),
    tls: tlsSchema.optional(),
  },
  { description: 'The DICOMweb service of the target (needed by DICOMweb operations).', example: '{ baseUrl: http://127.0.0.1:8042/dicom-web }' },
).superRefine(
  (dicomweb, ctx) => {
    const raw = dicomweb as Record<string, unknown>;
    // TLS settings on a plain-HTTP URL would be silently ignored: say so instead.
    if (raw.tls !== undefined && typeof raw.baseUrl === 'string' && /^http:/i.test(raw.baseUrl)) {
      ctx.addIssue({
        code: 'custom',
        path: ['tls'],
        message: problemText('`tls` applies only to an https `baseUrl`', 'write `baseUrl: https://...`, or remove `tls`'),
      });
    }
  },
  { when: (payload) => asRecord(payload.value) !== undefined },
);

/** The `target` schema; at least one service. */
export const targetSchema = objectField(
  { dimse: dimseSchema.optional(), dicomweb: dicomwebSchema.optional() },
  {
    description: 'The PACS under test. Leave it out to run against the embedded simulator.',
    example: '{ dimse: { host: 127.0.0.1, port: 4242, calledAe: ORTHANC } }',
  },
).superRefine(
  (target, ctx) => {
    const raw = target as Record<string, unknown>;
    if (raw.dimse === undefined && raw.dicomweb === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: problemText('`target` names no service', 'add `dimse` and/or `dicomweb`, or remove `target` to use the embedded simulator'),
      });
    }
  },
  { when: (payload) => asRecord(payload.value) !== undefined },
);

type TargetOutput = z.output<typeof targetSchema>;

export function resolveTarget(target: TargetOutput): ResolvedTarget {
  const { dimse, dicomweb } = target;
  return {
    dimse:
      dimse === undefined
        ? undefined
        : {
            host: dimse.host,
            port: dimse.port,
            calledAe: dimse.calledAe,
            callingAe: dimse.callingAe,
            connectTimeoutUs: dimse.connectTimeout,
            operationTimeoutUs: dimse.timeout,
            ...(dimse.maxPdu === undefined ? {} : { maxPduLength: dimse.maxPdu }),
            ...(dimse.userIdentity === undefined
              ? {}
              : {
                  userIdentity: {
                    username: dimse.userIdentity.username,
                    passcodeEnv: dimse.userIdentity.passcodeEnv,
                    positiveResponseRequested: dimse.userIdentity.positiveResponse,
                  },
                }),
            ...(dimse.tls === undefined
              ? {}
              : {
                  tls: {
                    caFile: dimse.tls.caFile,
                    certFile: dimse.tls.certFile,
                    keyFile: dimse.tls.keyFile,
                    rejectUnauthorized: dimse.tls.rejectUnauthorized,
                    servername: dimse.tls.servername,
                  },
                }),
          },
    dicomweb:
      dicomweb === undefined
        ? undefined
        : {
            baseUrl: dicomweb.baseUrl,
            connections: dicomweb.connections,
            operationTimeoutUs: dicomweb.timeout,
            auth: resolveAuth(dicomweb.auth),
            ...(dicomweb.tls === undefined
              ? {}
              : { tls: { caFile: dicomweb.tls.caFile, rejectUnauthorized: dicomweb.tls.rejectUnauthorized } }),
          },
  };
}

function resolveAuth(auth: { bearerEnv?: string; username?: string; passwordEnv?: string } | undefined): DicomwebAuth | undefined {
  if (auth === undefined) return undefined;
  if (auth.bearerEnv !== undefined) return { kind: 'bearer', tokenEnv: auth.bearerEnv };
  if (auth.username !== undefined && auth.passwordEnv !== undefined) {
    return { kind: 'basic', username: auth.username, passwordEnv: auth.passwordEnv };
  }
  throw new Error('internal: auth passed validation without credentials');
}

/** A share of requests: `1%` or a fraction from 0 to 1. */
const errorRateField = textOrNumberField({
  description: 'Share of requests answered with a failure (DIMSE A700, HTTP 503): a percentage (`1%`) or a fraction (0.01). Default 0.',
  example: '1%',
}).transform(toShare);

const throttleRateField = textOrNumberField({
  description:
    'Share of DICOMweb requests answered 429 Too Many Requests with Retry-After, as a rate-limiting gateway does: a percentage (`1%`) or a fraction (0.01). Default 0.',
  example: '1%',
}).transform(toShare);

/** A percentage or a fraction from 0 to 1, as a fraction (units.ts, shared with `simulate --error-rate`). */
function toShare(value: string | number, ctx: z.RefinementCtx): number {
  const parsed = tryParseShare(value);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: 'custom', message: problemText(parsed.message, parsed.fix) });
  return z.NEVER;
}

/** One share field per injectable fault (FaultKind in src/profile/types.ts). */
const FAULT_DESCRIPTIONS: Record<FaultKind, string> = {
  rejectPermanent: 'associations rejected permanent (A-ASSOCIATE-RJ result 1, PS3.8 section 9.3.4)',
  rejectTransient: 'associations rejected transient (A-ASSOCIATE-RJ result 2)',
  abort: 'DIMSE requests answered with an A-ABORT (PS3.8 section 9.3.8) instead; for C-STORE mid-study',
  closeMidPdu: 'DIMSE answers cut halfway through the PDU, then the socket closed',
  malformedPdu: 'DIMSE answers sent as a PDU of unknown type or inconsistent length',
  truncatedDataset: 'DIMSE answers whose data set is cut short inside an element',
  wrongStatus: 'DIMSE answers with a status defined for another service (e.g. C-STORE answered FF00)',
  unknownStatus: 'DIMSE answers with a status code no table defines',
  slowDrip: 'answers (DIMSE and HTTP) sent slowly, at `dripRate` bytes per second',
  reset: 'requests (DIMSE and HTTP) answered by resetting the connection (TCP RST)',
  http500: 'HTTP requests answered 500 Internal Server Error',
  http503: 'HTTP requests answered 503 Service Unavailable with Retry-After',
  http429: 'HTTP requests answered 429 Too Many Requests with Retry-After (as `throttleRate`)',
  brokenMultipart: 'multipart answers (WADO-RS) whose parts do not use the declared boundary',
};

/** A share field for one fault kind. */
function faultShareField(kind: FaultKind) {
  return textOrNumberField({ description: `Share of ${FAULT_DESCRIPTIONS[kind]}: a percentage or a fraction. Default 0.`, example: '1%' })
    .transform(toShare)
    .optional();
}

const faultsSchema = objectField(
  Object.fromEntries((Object.keys(FAULT_DESCRIPTIONS) as FaultKind[]).map((kind) => [kind, faultShareField(kind)])) as Record<
    FaultKind,
    ReturnType<typeof faultShareField>
  >,
  {
    description:
      'Injected protocol faults, each a share of associations (reject*) or requests: what a failing PACS does. One draw per association or request picks at most one fault.',
    example: '{ abort: 1%, http503: 2% }',
  },
);

/** The `simulator` schema: the embedded PACS's data and fault knobs (src/simulator/faults.ts). */
export const simulatorSchema = objectField(
  {
    stations: intField({ description: 'Scheduled station AE titles in the worklist (STATION001...). Default 10.', example: '10', min: 1, max: 9999 }).prefault(10),
    stepsPerStation: intField({ description: 'Scheduled procedure steps per station, all for today. Default 5.', example: '5', min: 0, max: 10000 }).prefault(5),
    studies: intField({ description: 'Studies answered by QIDO /studies. Default 50.', example: '50', min: 0, max: 1_000_000 }).prefault(50),
    latency: durationField({ description: 'Added to every answer. Default 0ms.', example: '20ms', minUs: 0 }).prefault('0ms'),
    jitter: durationField({ description: 'Uniform random extra delay in [0, jitter). Default 0ms.', example: '10ms', minUs: 0 }).prefault('0ms'),
    errorRate: errorRateField.prefault(0),
    throttleRate: throttleRateField.prefault(0),
    stallAt: durationField({ description: 'Pause all answers once, this long after the simulator starts (with `stallFor`).', example: '10s', minUs: 0 }).optional(),
    stallFor: durationField({ description: 'How long the stall lasts (with `stallAt`).', example: '5s' }).optional(),
    stallEvery: durationField({
      description: 'Repeat the stall this often after `stallAt` (a periodic stall, for soaks). Default: once.',
      example: '5m',
    }).optional(),
    faults: faultsSchema.optional(),
    dripRate: byteSizeField({
      description: 'Bytes per second of a `faults.slowDrip` answer. Default 2KiB.',
      example: '2KiB',
      maxBytes: 1024 ** 3,
    }).optional(),
    maxAssociations: intField({
      description: 'Associations beyond this are rejected (transient, local limit exceeded); 0 = no limit. Default 0.',
      example: '0',
      min: 0,
    }).prefault(0),
    storeMaxBytes: byteSizeField({
      description:
        'Memory the simulator may keep of the instances it receives (C-STORE, STOW-RS: data set bytes plus about 1 KiB of index each); what arrives is searchable and retrievable by both DIMSE and DICOMweb. Default 512MiB.',
      example: '512MiB',
      maxBytes: 64 * 1024 ** 3,
    }).optional(),
    storeWhenFull: enumField(['evict-oldest', 'refuse'], {
      description:
        'When a received instance does not fit in `storeMaxBytes`: `evict-oldest` removes the least recently stored studies (as Orthanc\'s MaximumStorageSize in Recycle mode), `refuse` answers out of resources (C-STORE A700, STOW-RS failure reason A700). Default evict-oldest.',
      noun: 'policy',
    }).optional(),
  },
  { description: 'The embedded simulator, used when there is no `target`.', example: '{ stations: 10, latency: 20ms }' },
).superRefine(
  (simulator, ctx) => {
    const raw = simulator as Record<string, unknown>;
    if (raw.stallAt !== undefined && raw.stallFor === undefined) {
      ctx.addIssue({ code: 'custom', path: ['stallFor'], message: problemText('`stallAt` needs `stallFor`', 'add e.g. `stallFor: 5s`, or remove `stallAt`') });
    }
    const faultShares = Object.values(asRecord(raw.faults) ?? {}).filter((share): share is number => typeof share === 'number');
    const faultTotal = faultShares.reduce((sum, share) => sum + share, 0);
    if (faultTotal > 1) {
      ctx.addIssue({
        code: 'custom',
        path: ['faults'],
        message: problemText(`the fault shares add up to ${Math.round(faultTotal * 1000) / 10}%`, 'lower them so that together they are at most 100%'),
      });
    }
    if (raw.stallEvery !== undefined && raw.stallAt === undefined) {
      ctx.addIssue({ code: 'custom', path: ['stallEvery'], message: problemText('`stallEvery` needs `stallAt` and `stallFor`', 'add e.g. `stallAt: 1m` and `stallFor: 5s`, or remove `stallEvery`') });
    }
    if (raw.stallFor !== undefined && raw.stallAt === undefined) {
      ctx.addIssue({ code: 'custom', path: ['stallAt'], message: problemText('`stallFor` needs `stallAt`', 'add e.g. `stallAt: 10s`, or remove `stallFor`') });
    }
  },
  { when: (payload) => asRecord(payload.value) !== undefined },
);

type SimulatorOutput = z.output<typeof simulatorSchema>;

/** Settings of the embedded simulator; `undefined` (no `simulator` block) gives the defaults. */
export function resolveSimulator(simulator: SimulatorOutput | undefined): SimulatorSettings {
  const s = simulator ?? simulatorSchema.parse({});
  return {
    stations: s.stations,
    stepsPerStation: s.stepsPerStation,
    studies: s.studies,
    faults: {
      latencyUs: s.latency,
      jitterUs: s.jitter,
      errorRate: s.errorRate,
      stall:
        s.stallAt !== undefined && s.stallFor !== undefined
          ? { atUs: s.stallAt, durationUs: s.stallFor, ...(s.stallEvery === undefined ? {} : { everyUs: s.stallEvery }) }
          : undefined,
      maxAssociations: s.maxAssociations,
      ...(s.throttleRate > 0 ? { throttleRate: s.throttleRate } : {}),
      ...(s.faults === undefined ? {} : { injected: s.faults }),
      ...(s.dripRate === undefined ? {} : { dripBytesPerSec: s.dripRate }),
    },
    ...(s.storeMaxBytes === undefined ? {} : { storeMaxBytes: s.storeMaxBytes }),
    ...(s.storeWhenFull === undefined ? {} : { storeWhenFull: s.storeWhenFull }),
  };
}
