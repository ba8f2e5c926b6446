/**
 * The dashboards' InfluxQL against the code's metric-name table
 * (src/outputs/influx/measurements.ts): every measurement, tag and field a
 * query names exists there, with the right role (tags where tags go, fields in
 * functions), percentiles are only combined with max() and counts only with
 * sum(), and every `$variable` is defined.
 */
import { describe, expect, it } from 'vitest';
import { OPERATION_NAMES, isSuccessKey } from '../../../src/metrics/names.js';
import { MEASUREMENTS, MEASUREMENT_FIELDS, MEASUREMENT_TAGS } from '../../../src/outputs/influx/measurements.js';
import type { MeasurementKey } from '../../../src/outputs/influx/measurements.js';
import {
  allPanels,
  allQueryTexts,
  escapeRegex,
  influxQlNames,
  interpolate,
  loadDashboards,
  panelQueries,
  variableNames,
} from '../../helpers/grafana-dashboards.js';

const KEY_BY_NAME = new Map(Object.entries(MEASUREMENTS).map(([key, name]) => [name as string, key as MeasurementKey]));

function tagsOf(key: MeasurementKey): readonly string[] {
  return MEASUREMENT_TAGS[key];
}
function fieldsOf(key: MeasurementKey): string[] {
  return Object.keys(MEASUREMENT_FIELDS[key]);
}

/** Grafana's own variables a query or panel setting may use. */
const BUILT_IN_VARIABLES = new Set(['timeFilter', '__interval', '__interval_ms']);
/** Percentile fields: per interval, so only max() across intervals and instances is honest (a bound, never an average). */
const PERCENTILE_FIELDS = new Set(['p50_ms', 'p90_ms', 'p95_ms', 'p99_ms', 'max_ms', 'mean_ms', 'service_p95_ms']);
/** Counters per interval: only sum() adds them up across intervals and instances. */
const COUNTER_FIELDS = new Set(['count', 'errors', 'dropped', 'bytes_sent', 'bytes_received']);

describe('dashboard queries against the metric-name table', () => {
  const dashboards = loadDashboards();

  for (const { file, dashboard } of dashboards) {
    describe(file, () => {
      const queries = allQueryTexts(dashboard);

      it('has queries, all raw InfluxQL (SELECT or SHOW), none Flux', () => {
        expect(queries.length).toBeGreaterThan(5);
        for (const { where, query } of queries) expect(query, where).toMatch(/^(SELECT|SHOW TAG VALUES) /);
        for (const { panel, target } of panelQueries(dashboard)) {
          expect(target.rawQuery, panel.title).toBe(true);
          expect(['time_series', 'table'], panel.title).toContain(target.resultFormat);
        }
      });

      it('names only measurements, tags and fields of measurements.ts, each in its role', () => {
        for (const { where, query } of queries) {
          const names = influxQlNames(query);
          expect(names.unknownWords, `${where}: unquoted names`).toEqual([]);
          expect(names.measurements.length, where).toBeGreaterThan(0);
          const keys = names.measurements.map((name) => {
            const key = KEY_BY_NAME.get(name);
            expect(key, `${where}: measurement ${name}`).toBeDefined();
            return key!;
          });
          const tags = new Set(keys.flatMap(tagsOf));
          const fields = new Set(keys.flatMap(fieldsOf));
          const aliases = new Set(names.aliases);
          for (const column of names.columns) {
            expect(tags.has(column) || fields.has(column) || aliases.has(column), `${where}: ${column}`).toBe(true);
          }
          for (const tag of names.tags) expect(tags.has(tag), `${where}: ${tag} is not a tag`).toBe(true);
          for (const { fn, column } of names.calls) {
            expect(fields.has(column) || aliases.has(column), `${where}: ${fn}("${column}") is not a field`).toBe(true);
          }
          for (const { column } of names.literals) expect(tags.has(column), `${where}: ${column} compared as a tag`).toBe(true);
        }
      });

      it('compares the operation tag only with operation names of src/metrics/names.ts', () => {
        const literals = queries.flatMap(({ query }) => influxQlNames(query).literals);
        for (const { column, value } of literals.filter(({ column }) => column === 'operation')) {
          expect(OPERATION_NAMES as readonly string[], column).toContain(value);
        }
      });

      it('aggregates percentiles with max() only and counters with sum() only', () => {
        for (const { where, query } of queries) {
          for (const { fn, column } of influxQlNames(query).calls) {
            if (PERCENTILE_FIELDS.has(column)) expect(fn, `${where}: ${fn}("${column}")`).toBe('max');
            if (COUNTER_FIELDS.has(column)) expect(fn, `${where}: ${fn}("${column}")`).toBe('sum');
          }
        }
      });

      it('says in each panel that combines percentiles where the exact merged ones come from', () => {
        for (const panel of allPanels(dashboard)) {
          const combinesPercentiles = (panel.targets ?? []).some(({ query }) =>
            influxQlNames(query).calls.some(({ fn, column }) => fn === 'max' && /^p\d+_ms$/.test(column)),
          );
          if (combinesPercentiles) {
            expect(panel.description, panel.title).toMatch(/max\(\)/);
            expect(panel.description, panel.title).toMatch(/pacs-load report/);
          }
        }
      });

      it('counts as errors exactly the outcomes isSuccessKey calls failures', () => {
        const errorQueries = queries.filter(({ query }) => query.includes('"outcome" != '));
        expect(errorQueries.length).toBeGreaterThan(0);
        for (const { where, query } of errorQueries) {
          expect(query, where).toContain(`"outcome" != 'ok' AND "outcome" !~ /^dimse_warning_/`);
        }
        // The filter above, read as isSuccessKey: ok and dimse_warning_* are excluded, all else is an error.
        const isError = (key: string): boolean => key !== 'ok' && !/^dimse_warning_/.test(key);
        for (const key of ['ok', 'dimse_warning_b000', 'dimse_failure_a700', 'timeout', 'http_503', 'association_rejected_1_1_3']) {
          expect(isError(key), key).toBe(!isSuccessKey(key));
        }
      });

      it('uses only defined variables and Grafana built-ins', () => {
        const defined = new Set(dashboard.templating.list.map((variable) => variable.name));
        const texts = [
          ...queries.map(({ where, query }) => ({ where, text: query })),
          ...allPanels(dashboard).flatMap((panel) =>
            [panel.title, panel.interval ?? '', panel.timeShift ?? ''].map((text) => ({ where: `panel ${panel.id}`, text })),
          ),
        ];
        for (const { where, text } of texts) {
          for (const name of variableNames(text)) expect(defined.has(name) || BUILT_IN_VARIABLES.has(name), `${where}: $${name}`).toBe(true);
        }
        for (const panel of allPanels(dashboard)) {
          if (panel.repeat !== undefined) expect(defined.has(panel.repeat), panel.title).toBe(true);
        }
      });

      it('gives each graph the unit of what its queries compute', () => {
        const unitOf = (query: string): string | undefined => {
          if (/\* 8 \/ 1000 \/ \$__interval_ms/.test(query)) return 'Mbits';
          if (/\/ 1000 \/ \$__interval_ms/.test(query)) return 'MBs';
          if (/sum\("count"\) \* 1000 \/ \$__interval_ms/.test(query)) return 'ops';
          if (/sum\("errors"\) \/ sum\("count"\)/.test(query)) return 'percentunit';
          if (/max\("(p\d+|max|service_p95)_ms"\)/.test(query)) return 'ms';
          if (/\("(in_flight|dropped)"\)/.test(query)) return 'short';
          return undefined;
        };
        let checked = 0;
        for (const panel of allPanels(dashboard).filter((panel) => panel.type === 'timeseries' || panel.type === 'stat')) {
          const units = new Set((panel.targets ?? []).map(({ query }) => unitOf(query)).filter((unit) => unit !== undefined));
          if (units.size === 0) continue;
          expect([...units], panel.title).toEqual([panel.fieldConfig?.defaults?.unit]);
          checked += 1;
        }
        expect(checked).toBeGreaterThan(5);
      });

      it('divides by the bucket length only in queries grouped by $__interval, with the write interval as min interval', () => {
        for (const { panel, target } of panelQueries(dashboard)) {
          if (target.query.includes('$__interval_ms')) {
            expect(target.query, panel.title).toMatch(/GROUP BY time\(\$__interval\)/);
          }
          if (/GROUP BY time\(/.test(target.query)) expect(panel.interval, panel.title).toBe('$write_interval');
        }
      });

      it('reads every panel through the datasource variable, has unique panel ids and a unit on every graph', () => {
        const panels = allPanels(dashboard);
        const ids = panels.map((panel) => panel.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(dashboard.templating.list.find((variable) => variable.name === 'datasource')?.type).toBe('datasource');
        for (const panel of panels.filter((panel) => panel.type !== 'row')) {
          expect((panel as { datasource?: { uid?: string } }).datasource?.uid, panel.title).toBe('${datasource}');
          if (panel.type === 'timeseries' || panel.type === 'stat') expect(panel.fieldConfig?.defaults?.unit, panel.title).toBeTruthy();
        }
      });
    });
  }

  it('gives the two dashboards distinct uids that their links point at', () => {
    const uids = dashboards.map(({ dashboard }) => dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const { dashboard } of dashboards) {
      for (const link of (dashboard as unknown as { links: { url: string }[] }).links) {
        expect(uids.some((uid) => link.url === `/d/${uid}`), link.url).toBe(true);
      }
    }
  });
});

describe('the query helpers', () => {
  it('interpolates like Grafana: regex-escaped values, (a|b) for multi-value, time filter and interval', () => {
    const query = `SELECT sum("count") * 1000 / $__interval_ms FROM "m" WHERE "run_id" =~ /^$run$/ AND "operation" =~ /^$operation$/ AND $timeFilter GROUP BY time($__interval)`;
    const text = interpolate(query, {
      variables: { run: { value: 'r.1', multi: false }, operation: { value: ['mwl.find', 'viewer.open'], multi: true } },
      fromMs: 1000,
      toMs: 2000,
      intervalMs: 10_000,
    });
    expect(text).toBe(
      'SELECT sum("count") * 1000 / 10000 FROM "m" WHERE "run_id" =~ /^r\\.1$/ AND "operation" =~ /^(mwl\\.find|viewer\\.open)$/ AND time >= 1000ms and time <= 2000ms GROUP BY time(10s)',
    );
    expect(escapeRegex('a/b')).toBe('a\\/b');
  });

  it('finds measurements, columns, aliases, tags and stray names in a query', () => {
    const names = influxQlNames(
      `SELECT sum("in_flight") FROM (SELECT max("in_flight") AS "in_flight" FROM "pacs_load_latency" WHERE "operation" = 'mwl.find' AND $timeFilter GROUP BY time($__interval), "operation", "instance") GROUP BY time($__interval), "operation" fill(null)`,
    );
    expect(names.measurements).toEqual(['pacs_load_latency']);
    expect(names.aliases).toEqual(['in_flight']);
    expect(names.tags).toEqual(['operation', 'instance', 'operation']);
    expect(names.calls).toEqual([
      { fn: 'sum', column: 'in_flight' },
      { fn: 'max', column: 'in_flight' },
    ]);
    expect(names.literals).toEqual([{ column: 'operation', value: 'mwl.find' }]);
    expect(names.unknownWords).toEqual([]);
    expect(influxQlNames('SELECT max(p95_ms) FROM "pacs_load_latency"').unknownWords).toEqual(['p95_ms']);
  });
});
