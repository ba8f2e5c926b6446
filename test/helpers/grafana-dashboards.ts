/**
 * The Grafana dashboards in `dashboards/` as tests see them: every InfluxQL
 * query they hold (panel targets, repeated panels, template variables), and
 * Grafana's interpolation of those queries (template variables, `$timeFilter`,
 * `$__interval`, `$__interval_ms`), so a test can run each query against a
 * real InfluxDB the way Grafana would send it.
 *
 * Interpolation follows Grafana's InfluxDB datasource: a variable used inside
 * a regex literal (`=~ /^$run$/`) is regex-escaped; a multi-value variable
 * becomes `(a|b|c)` (each value escaped); "All" without a custom all value is
 * the list of every value; `$timeFilter` is `time >= <from>ms and time <= <to>ms`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './cli.js';

export const DASHBOARD_DIR = join(REPO_ROOT, 'dashboards');

/** The parts of a dashboard JSON these helpers read (the full shape is checked against @grafana/schema elsewhere). */
export interface DashboardJson {
  uid: string;
  title: string;
  templating: { list: VariableJson[] };
  panels: PanelJson[];
}
export interface VariableJson {
  name: string;
  type: string;
  query?: string;
  multi?: boolean;
  includeAll?: boolean;
  current?: { value?: string | string[] };
}
export interface PanelJson {
  id: number;
  type: string;
  title: string;
  description?: string;
  repeat?: string;
  interval?: string;
  timeShift?: string;
  targets?: TargetJson[];
  panels?: PanelJson[];
  fieldConfig?: { defaults?: { unit?: string } };
}
export interface TargetJson {
  refId: string;
  query: string;
  rawQuery?: boolean;
  resultFormat?: string;
  alias?: string;
}

export interface LoadedDashboard {
  file: string;
  dashboard: DashboardJson;
  /** The file's text, for the type check. */
  text: string;
}

/** Every `*.json` in dashboards/ (not the provisioning folder). */
export function loadDashboards(): LoadedDashboard[] {
  return readdirSync(DASHBOARD_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => {
      const text = readFileSync(join(DASHBOARD_DIR, name), 'utf8');
      return { file: name, dashboard: JSON.parse(text) as DashboardJson, text };
    });
}

/** Every panel, rows flattened (a collapsed row keeps its panels inside it). */
export function allPanels(dashboard: DashboardJson): PanelJson[] {
  return dashboard.panels.flatMap((panel) => (panel.type === 'row' ? [panel, ...(panel.panels ?? [])] : [panel]));
}

export interface PanelQuery {
  panel: PanelJson;
  target: TargetJson;
}

/** Every query of every panel. */
export function panelQueries(dashboard: DashboardJson): PanelQuery[] {
  return allPanels(dashboard).flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel, target })));
}

/** The query variables (type `query`), in dashboard order (later ones may use earlier ones). */
export function queryVariables(dashboard: DashboardJson): VariableJson[] {
  return dashboard.templating.list.filter((variable) => variable.type === 'query');
}

/** Every InfluxQL text a dashboard sends: panel targets and variable queries. */
export function allQueryTexts(dashboard: DashboardJson): { where: string; query: string }[] {
  return [
    ...panelQueries(dashboard).map(({ panel, target }) => ({ where: `panel "${panel.title}" ${target.refId}`, query: target.query })),
    ...queryVariables(dashboard).map((variable) => ({ where: `variable ${variable.name}`, query: variable.query ?? '' })),
  ];
}

/** A variable's value at interpolation time, and whether Grafana formats it as multi-value. */
export interface VariableValue {
  value: string | readonly string[];
  multi: boolean;
}

export interface InterpolationContext {
  variables: Readonly<Record<string, VariableValue>>;
  /** The (shifted) time range, epoch ms. */
  fromMs: number;
  toMs: number;
  intervalMs: number;
}

/** @grafana/data's escapeRegex: every regex metacharacter and `/` (the InfluxQL regex delimiter). */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
}

/** `1s`, `10s`, `1m` ... the way Grafana writes `$__interval`. */
export function formatInterval(intervalMs: number): string {
  if (intervalMs % 3_600_000 === 0) return `${intervalMs / 3_600_000}h`;
  if (intervalMs % 60_000 === 0) return `${intervalMs / 60_000}m`;
  if (intervalMs % 1000 === 0) return `${intervalMs / 1000}s`;
  return `${intervalMs}ms`;
}

/** Parses a Grafana duration (`0s`, `90m`, `26h`, `7d`, `1w`) into ms; throws on anything else. */
export function parseDurationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (match === null) throw new Error(`not a Grafana duration: ${JSON.stringify(text)}`);
  const unitMs = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as 'ms'];
  return Number(match[1]) * unitMs;
}

/** Spans [start, end) of the regex literals after `=~` / `!~`, where Grafana regex-escapes variables. */
function regexSpans(query: string): [number, number][] {
  const spans: [number, number][] = [];
  for (const match of query.matchAll(/(=~|!~)\s*\/((?:\\.|[^/\\])*)\//g)) {
    spans.push([match.index, match.index + match[0].length]);
  }
  return spans;
}

/** The query as Grafana sends it to InfluxDB. Unknown `$names` (none should remain) are left as they are. */
export function interpolate(query: string, context: InterpolationContext): string {
  const builtIn: Record<string, string> = {
    timeFilter: `time >= ${context.fromMs}ms and time <= ${context.toMs}ms`,
    __interval: formatInterval(context.intervalMs),
    __interval_ms: String(context.intervalMs),
  };
  const spans = regexSpans(query);
  return query.replace(/\$(\w+)|\$\{(\w+)\}/g, (whole: string, plain: string | undefined, braced: string | undefined, offset: number) => {
    const name = plain ?? braced ?? '';
    const fixed = builtIn[name];
    if (fixed !== undefined) return fixed;
    const variable = context.variables[name];
    if (variable === undefined) return whole;
    const inRegex = spans.some(([start, end]) => offset > start && offset < end);
    const values = typeof variable.value === 'string' ? [variable.value] : [...variable.value];
    if (variable.multi) {
      const escaped = values.map(escapeRegex);
      return escaped.length === 1 ? escaped[0]! : `(${escaped.join('|')})`;
    }
    const value = values[0] ?? '';
    return inRegex ? escapeRegex(value) : value;
  });
}

/** Every `$name` a text uses (for checking that each is a defined variable or a Grafana built-in). */
export function variableNames(text: string): string[] {
  return [...text.matchAll(/\$(\w+)|\$\{(\w+)\}/g)].map((match) => match[1] ?? match[2] ?? '');
}

/** What an InfluxQL text names, for the check against the metric-name table. */
export interface InfluxQlNames {
  measurements: string[];
  /** Quoted identifiers that are neither a measurement nor an alias: tags or fields. */
  columns: string[];
  /** `AS "alias"` names. */
  aliases: string[];
  /** Identifiers after GROUP BY (excluding time(...)) and after WITH KEY =: must be tags. */
  tags: string[];
  /** `fn("x")` calls: which function is applied to which column. */
  calls: { fn: string; column: string }[];
  /** Tag comparisons against a string literal: `"operation" = 'mwl.find'`. */
  literals: { column: string; value: string }[];
  /** Words left after removing quoted names, literals, numbers, variables, keywords and functions: must be empty. */
  unknownWords: string[];
}

const KEYWORDS = new Set(
  [
    'select', 'from', 'where', 'and', 'or', 'as', 'group', 'by', 'time', 'fill', 'null', 'none', 'order',
    'desc', 'asc', 'limit', 'show', 'tag', 'values', 'with', 'key', 'previous', 'linear',
  ],
);
const FUNCTIONS = new Set(['sum', 'max', 'min', 'mean', 'last', 'first', 'count', 'percentile', 'median']);

/** Splits an InfluxQL text into the names it uses (queries written with every name in double quotes). */
export function influxQlNames(query: string): InfluxQlNames {
  const measurements = [...query.matchAll(/\bFROM\s+"([^"]+)"/gi)].map((match) => match[1]!);
  const aliases = [...query.matchAll(/\bAS\s+"([^"]+)"/gi)].map((match) => match[1]!);
  const withKey = [...query.matchAll(/\bWITH\s+KEY\s*=\s*"([^"]+)"/gi)].map((match) => match[1]!);
  const groupBy = [...query.matchAll(/\bGROUP\s+BY\s+/gi)].flatMap((match) =>
    [...groupByClause(query, match.index + match[0].length).matchAll(/"([^"]+)"/g)].map((name) => name[1]!),
  );
  const calls = [...query.matchAll(/\b(\w+)\(\s*"([^"]+)"/g)].map((match) => ({ fn: match[1]!.toLowerCase(), column: match[2]! }));
  const literals = [...query.matchAll(/"([^"]+)"\s*(?:=|!=)\s*'([^']*)'/g)].map((match) => ({ column: match[1]!, value: match[2]! }));
  const quoted = [...query.matchAll(/(\bFROM\s+|\bAS\s+)?"([^"]+)"/gi)];
  const columns = quoted.filter((match) => match[1] === undefined).map((match) => match[2]!);
  const stripped = query
    .replace(/"[^"]*"/g, ' ')
    .replace(/'[^']*'/g, ' ')
    .replace(/(=~|!~)\s*\/(?:\\.|[^/\\])*\//g, ' ')
    .replace(/\$\{?\w+\}?/g, ' ')
    .replace(/\b\d+(\.\d+)?\b/g, ' ');
  const unknownWords = [...stripped.matchAll(/[A-Za-z_]\w*/g)]
    .map((match) => match[0])
    .filter((word) => !KEYWORDS.has(word.toLowerCase()) && !FUNCTIONS.has(word.toLowerCase()));
  return { measurements, columns, aliases, tags: [...groupBy, ...withKey], calls, literals, unknownWords };
}

/** The GROUP BY list starting at `start`: up to fill(...), ORDER BY, LIMIT, the subquery's closing parenthesis or the end. */
function groupByClause(query: string, start: number): string {
  let depth = 0;
  for (let index = start; index < query.length; index += 1) {
    const rest = query.slice(index);
    if (depth === 0 && /^\s(fill\(|ORDER\b|LIMIT\b)/i.test(rest)) return query.slice(start, index);
    if (query[index] === '(') depth += 1;
    if (query[index] === ')') {
      if (depth === 0) return query.slice(start, index);
      depth -= 1;
    }
  }
  return query.slice(start);
}

/** InfluxDB 1.x `/query` JSON. */
export interface InfluxQueryBody {
  results: {
    statement_id?: number;
    error?: string;
    series?: { name: string; tags?: Record<string, string>; columns: string[]; values: unknown[][] }[];
  }[];
}

/** The series of the first statement of a `/query` answer (empty when there is none). */
export function seriesOf(body: unknown): NonNullable<InfluxQueryBody['results'][number]['series']> {
  return (body as InfluxQueryBody).results[0]?.series ?? [];
}

/** Non-null values (all columns but time) across every series of an answer. */
export function nonNullValueCount(body: unknown): number {
  let count = 0;
  for (const series of seriesOf(body)) {
    for (const row of series.values) count += row.slice(1).filter((value) => value !== null).length;
  }
  return count;
}
