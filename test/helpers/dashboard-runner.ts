/**
 * Runs a Grafana dashboard's queries against a real InfluxDB the way Grafana
 * would: template variables resolved in order from their own queries ("All"
 * selects every value, single-value variables take the value the test names),
 * repeated panels once per value of their variable, each panel's min interval
 * (`interval`) and time shift (`timeShift`) applied, then every target sent.
 */
import {
  interpolate,
  panelQueries,
  parseDurationMs,
  queryVariables,
  seriesOf,
} from './grafana-dashboards.js';
import type { DashboardJson, PanelJson, TargetJson, VariableValue } from './grafana-dashboards.js';
import type { RunningInfluxDb } from './influxdb.js';

export interface DashboardRunSettings {
  /** Values of single-value variables (query, custom or textbox), e.g. { run: 'abc', write_interval: '1s' }. */
  values: Readonly<Record<string, string>>;
  fromMs: number;
  toMs: number;
  /** The interval Grafana computed from the time range and panel width; a panel's min interval raises it. */
  intervalMs: number;
}

export interface ExecutedQuery {
  panel: PanelJson;
  target: TargetJson;
  /** The repeat variable's value for a repeated panel. */
  repeatValue?: string;
  /** The query as sent. */
  query: string;
  body: unknown;
}

/** Resolves the query variables in dashboard order; every one must return at least one value. */
export async function resolveVariables(
  influx: RunningInfluxDb,
  dashboard: DashboardJson,
  settings: DashboardRunSettings,
): Promise<Record<string, VariableValue>> {
  const variables: Record<string, VariableValue> = {};
  for (const [name, value] of Object.entries(settings.values)) variables[name] = { value, multi: false };
  for (const variable of queryVariables(dashboard)) {
    const query = interpolate(variable.query ?? '', { variables, fromMs: settings.fromMs, toMs: settings.toMs, intervalMs: settings.intervalMs });
    const body = await influx.query(query);
    // SHOW TAG VALUES answers rows of [key, value].
    const options = [...new Set(seriesOf(body).flatMap((series) => series.values.map((row) => String(row[1]))))];
    if (options.length === 0) throw new Error(`variable ${variable.name}: no values from ${query}`);
    if (variable.includeAll === true) {
      variables[variable.name] = { value: options, multi: true };
    } else {
      const chosen = settings.values[variable.name];
      if (chosen === undefined || !options.includes(chosen)) {
        throw new Error(`variable ${variable.name}: ${JSON.stringify(chosen)} is not among ${JSON.stringify(options)}`);
      }
      variables[variable.name] = { value: chosen, multi: variable.multi === true };
    }
  }
  return variables;
}

/** Sends every panel query of the dashboard; returns each answer (epoch ms times). */
export async function runPanelQueries(
  influx: RunningInfluxDb,
  dashboard: DashboardJson,
  settings: DashboardRunSettings,
): Promise<ExecutedQuery[]> {
  const variables = await resolveVariables(influx, dashboard, settings);
  const executed: ExecutedQuery[] = [];
  for (const { panel, target } of panelQueries(dashboard)) {
    const context = { variables, fromMs: settings.fromMs, toMs: settings.toMs, intervalMs: settings.intervalMs };
    const minIntervalMs = panel.interval === undefined ? 0 : parseDurationMs(interpolate(panel.interval, context));
    const shiftMs = panel.timeShift === undefined ? 0 : parseDurationMs(interpolate(panel.timeShift, context));
    const repeatValues: (string | undefined)[] =
      panel.repeat === undefined ? [undefined] : [...(variables[panel.repeat]?.value ?? [])].map(String);
    for (const repeatValue of repeatValues) {
      const scoped = { ...variables };
      if (panel.repeat !== undefined && repeatValue !== undefined) {
        scoped[panel.repeat] = { value: repeatValue, multi: variables[panel.repeat]?.multi ?? false };
      }
      const query = interpolate(target.query, {
        variables: scoped,
        fromMs: settings.fromMs - shiftMs,
        toMs: settings.toMs - shiftMs,
        intervalMs: Math.max(minIntervalMs, settings.intervalMs),
      });
      const body = await influx.query(query, { epoch: 'ms' });
      executed.push({ panel, target, ...(repeatValue === undefined ? {} : { repeatValue }), query, body });
    }
  }
  return executed;
}
