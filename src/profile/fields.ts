/**
 * Building blocks of the profile schema: each field knows its description and
 * an example, so that both the JSON Schema (for editors) and every error message
 * (with its fix) come from the same declaration. Error messages are written in
 * the profile's words (`rate`, `30s`, "a list"), never in zod's.
 */
import { z } from 'zod';
import { didYouMean } from './did-you-mean.js';
import { secretKeyProblem } from './secret-keys.js';
import { nestedProblemsText, problemsText, problemText } from './problems.js';
import {
  DURATION_JSON_PATTERN,
  formatDurationUs,
  RATE_JSON_PATTERN,
  tryParseDurationUs,
  tryParseRatePerSec,
  type UnitParse,
} from './units.js';

type RawIssue = z.core.$ZodRawIssue;

/** How a value the user wrote reads in a message: `the number 30`, `a list`, `the text "fast"`. */
function describeInput(input: unknown): string {
  if (input === undefined) return 'nothing';
  if (input === null) return 'an empty value (null)';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'string') return `the text "${input}"`;
  if (typeof input === 'number') return `the number ${input}`;
  if (typeof input === 'boolean') return `\`${String(input)}\``;
  return `a ${typeof input}`;
}

/** The key an issue is about: the last named segment of its path. */
function keyOf(path: readonly PropertyKey[]): string {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i];
    if (typeof segment === 'string') return segment;
  }
  return 'value';
}

/**
 * The issue's code. A schema's error function also receives the issues of the
 * checks attached to it (`min`, `max`), which zod's types do not show.
 */
function codeOf(issue: { code?: string }): string {
  return issue.code ?? '';
}

function required(issue: RawIssue, example: string): string {
  const key = keyOf(issue.path ?? []);
  return problemText(`\`${key}\` is required`, `add it, e.g. \`${key}: ${example}\``);
}

function fromUnitParse(result: UnitParse & { ok: false }): string {
  return problemText(result.message, result.fix);
}

interface FieldInfo {
  description: string;
  /** How the value is written in a profile, used in fixes (`30s`, `40/s`, `10`). */
  example: string;
}

/** For fields whose default the resolver applies (not zod): shown in the JSON Schema only. */
interface DocumentedDefault {
  documentedDefault?: string;
}

function unitMeta(info: FieldInfo & DocumentedDefault, pattern: string) {
  return {
    description: info.description,
    examples: [info.example],
    pattern,
    ...(info.documentedDefault === undefined ? {} : { default: info.documentedDefault }),
  };
}

/**
 * A duration written with a unit (`500ms`, `30s`, `1m30s`); parses to integer
 * microseconds. `minUs` is the smallest value allowed (default: more than zero).
 */
export function durationField(info: FieldInfo & DocumentedDefault & { minUs?: number }) {
  const minUs = info.minUs ?? 1;
  return z
    .string({
      error: (issue) => {
        if (issue.input === undefined) return required(issue, info.example);
        if (typeof issue.input === 'number') {
          const parsed = tryParseDurationUs(String(issue.input));
          if (!parsed.ok) return fromUnitParse(parsed);
        }
        return problemText(
          `must be a duration such as \`${info.example}\`, not ${describeInput(issue.input)}`,
          `write e.g. \`${keyOf(issue.path ?? [])}: ${info.example}\``,
        );
      },
    })
    .meta(unitMeta(info, DURATION_JSON_PATTERN))
    .transform((text, ctx) => {
      const parsed = tryParseDurationUs(text);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: fromUnitParse(parsed) });
        return z.NEVER;
      }
      if (parsed.value < minUs) {
        const minimum = minUs <= 1 ? 'longer than 0s' : `at least ${formatDurationUs(minUs)}`;
        ctx.addIssue({
          code: 'custom',
          message: problemText(`\`${text.trim()}\` is too short; it must be ${minimum}`, `write e.g. \`${info.example}\``),
        });
        return z.NEVER;
      }
      return parsed.value;
    });
}

/**
 * A rate written with a time unit (`40/s`, `300/m`, `0.2/s`); parses to
 * operations per second. Zero is allowed only with `allowZero`.
 */
export function rateField(info: FieldInfo & DocumentedDefault & { allowZero?: boolean }) {
  return z
    .string({
      error: (issue) => {
        if (issue.input === undefined) return required(issue, info.example);
        if (typeof issue.input === 'number') {
          const parsed = tryParseRatePerSec(String(issue.input));
          if (!parsed.ok) return fromUnitParse(parsed);
        }
        return problemText(
          `must be a rate such as \`${info.example}\`, not ${describeInput(issue.input)}`,
          `write e.g. \`${keyOf(issue.path ?? [])}: ${info.example}\``,
        );
      },
    })
    .meta(unitMeta(info, RATE_JSON_PATTERN))
    .transform((text, ctx) => {
      const parsed = checkRate(text, info.allowZero === true, info.example);
      if (!parsed.ok) {
        ctx.addIssue({ code: 'custom', message: fromUnitParse(parsed) });
        return z.NEVER;
      }
      return parsed.value;
    });
}

/** Parses a rate and applies the sign rule; shared with stage targets, which are checked per executor. */
export function checkRate(text: string, allowZero: boolean, example: string): UnitParse {
  const parsed = tryParseRatePerSec(text);
  if (parsed.ok && parsed.value === 0 && !allowZero) {
    return { ok: false, message: `\`${text.trim()}\` is zero; the rate must be more than 0/s`, fix: `write e.g. \`${example}\`` };
  }
  return parsed;
}

/** A whole number in [min, max]. */
export function intField(info: FieldInfo & { min: number; max?: number }) {
  const max = info.max ?? Number.MAX_SAFE_INTEGER;
  const range = info.max === undefined ? `at least ${info.min}` : `from ${info.min} to ${info.max}`;
  return z
    .number({
      error: (issue) => {
        const key = keyOf(issue.path ?? []);
        if (issue.input === undefined) return required(issue, info.example);
        if (issue.code === 'invalid_type' && typeof issue.input === 'number') {
          return problemText(`must be a whole number, not ${issue.input}`, `write e.g. \`${key}: ${info.example}\``);
        }
        if (codeOf(issue) === 'too_small' || codeOf(issue) === 'too_big') {
          return problemText(`must be ${range}, not ${String(issue.input)}`, `write e.g. \`${key}: ${info.example}\``);
        }
        if (typeof issue.input === 'string' && issue.input.trim() !== '' && Number.isFinite(Number(issue.input))) {
          return problemText(`must be a number, not the text "${issue.input}"`, `remove the quotes: \`${key}: ${issue.input}\``);
        }
        return problemText(`must be a number, not ${describeInput(issue.input)}`, `write e.g. \`${key}: ${info.example}\``);
      },
    })
    .int()
    .min(info.min)
    .max(max)
    .meta({ description: info.description, examples: [Number(info.example)] });
}

/** Non-empty text. */
export function textField(info: FieldInfo) {
  return z
    .string({
      error: (issue) => {
        const key = keyOf(issue.path ?? []);
        if (issue.input === undefined) return required(issue, info.example);
        if (codeOf(issue) === 'too_small') return problemText(`\`${key}\` is empty`, `write e.g. \`${key}: ${info.example}\``);
        return problemText(`must be text, not ${describeInput(issue.input)}`, `write e.g. \`${key}: ${info.example}\``);
      },
    })
    .min(1)
    .meta({ description: info.description, examples: [info.example] });
}

/** `true` or `false`. */
export function booleanField(info: { description: string }) {
  return z
    .boolean({
      error: (issue) => {
        const key = keyOf(issue.path ?? []);
        if (issue.input === undefined) return required(issue, 'true');
        return problemText(
          `must be true or false, not ${describeInput(issue.input)}`,
          `write \`${key}: true\` or \`${key}: false\` (yes/no/on/off are text in YAML 1.2)`,
        );
      },
    })
    .meta({ description: info.description });
}

/** One of a fixed list of names (an operation, an executor). */
export function enumField<const T extends readonly [string, ...string[]]>(
  values: T,
  info: { description: string; noun: string },
) {
  return z
    .enum(values, {
      error: (issue) => {
        const list = values.join(', ');
        if (issue.input === undefined) return required(issue, values[0]);
        if (typeof issue.input !== 'string') {
          return problemText(`must be the name of an ${info.noun}, not ${describeInput(issue.input)}`, `use one of: ${list}`);
        }
        return problemText(`unknown ${info.noun} \`${issue.input}\``, `${didYouMean(issue.input, values)}use one of: ${list}`);
      },
    })
    .meta({ description: `${info.description} One of: ${values.join(', ')}.` });
}

/**
 * A mapping with a fixed set of keys; any other key is an error that lists the
 * valid ones (and the likely intended one).
 */
export function objectField<Shape extends z.core.$ZodLooseShape>(shape: Shape, info: FieldInfo) {
  const validKeys = Object.keys(shape);
  return z
    .strictObject(shape, {
      error: (issue) => {
        if (issue.code === 'unrecognized_keys') {
          return problemsText(
            issue.keys.map((key) => ({
              subpath: [key],
              ...(secretKeyProblem(key, validKeys) ?? {
                message: `unknown key \`${key}\``,
                fix: `${didYouMean(key, validKeys)}valid keys here: ${validKeys.join(', ')}`,
              }),
            })),
          );
        }
        if (issue.input === undefined) return required(issue, info.example);
        return problemText(
          `must be a mapping of keys to values, not ${describeInput(issue.input)}`,
          `write e.g. \`${keyOf(issue.path ?? [])}: ${info.example}\``,
        );
      },
    })
    .meta({ description: info.description });
}

/** A list of items; at least `minItems`. */
export function listField<Item extends z.ZodType>(item: Item, info: FieldInfo & { minItems: number }) {
  return z
    .array(item, {
      error: (issue) => {
        const key = keyOf(issue.path ?? []);
        if (issue.input === undefined) return required(issue, info.example);
        if (codeOf(issue) === 'too_small') {
          return problemText(`\`${key}\` needs at least ${info.minItems} entr${info.minItems === 1 ? 'y' : 'ies'}`, `write e.g. \`${key}: ${info.example}\``);
        }
        return problemText(`must be a list, not ${describeInput(issue.input)}`, `write e.g. \`${key}: ${info.example}\``);
      },
    })
    .min(info.minItems)
    .meta({ description: info.description });
}

/** A mapping from names the user chooses (scenario names, threshold subjects) to values. */
export function mapField<Value extends z.ZodType>(value: Value, info: FieldInfo) {
  return z
    .record(z.string(), value, {
      error: (issue) => {
        if (issue.input === undefined) return required(issue, info.example);
        return problemText(
          `must be a mapping of names to entries, not ${describeInput(issue.input)}`,
          `write e.g. \`${keyOf(issue.path ?? [])}: ${info.example}\``,
        );
      },
    })
    .meta({ description: info.description });
}

/** Text or a number; the meaning is decided by a refinement that knows the context (e.g. stage targets). */
export function textOrNumberField(info: FieldInfo) {
  return z
    .union([z.string(), z.number()], {
      error: (issue) => {
        if (issue.input === undefined) return required(issue, info.example);
        return problemText(
          `must be text or a number, not ${describeInput(issue.input)}`,
          `write e.g. \`${keyOf(issue.path ?? [])}: ${info.example}\``,
        );
      },
    })
    .meta({ description: info.description, examples: [info.example] });
}

/**
 * Text, or a mapping validated by `object`. When a mapping is wrong, its own
 * problems are reported (not just "neither text nor mapping").
 */
export function textOrObjectField<Obj extends z.ZodType>(object: Obj, info: FieldInfo) {
  return z
    .union([z.string(), object], {
      error: (issue) => {
        const input = issue.input;
        if (input === undefined) return required(issue, info.example);
        if (typeof input === 'object' && input !== null && !Array.isArray(input)) {
          const nested = object.safeParse(input);
          if (!nested.success) return nestedProblemsText(nested.error.issues);
        }
        return problemText(`must be text or a mapping, not ${describeInput(input)}`, `write e.g. ${info.example}`);
      },
    })
    .meta({ description: info.description });
}

/** A JSON-safe value as the user wrote it, for refinements that must inspect siblings defensively. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
