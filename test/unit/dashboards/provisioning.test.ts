/**
 * The Grafana provisioning files and the docker compose example fit together
 * and fit the dashboards: the datasource's uid is the one the dashboards
 * default to, its minimum interval matches their write interval, the dashboard
 * provider's folder is where compose mounts every dashboard JSON, and the
 * environment variables the datasource files read are the ones compose sets.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DASHBOARD_DIR, loadDashboards } from '../../helpers/grafana-dashboards.js';

interface DatasourceFile {
  apiVersion: number;
  datasources: {
    name: string;
    uid: string;
    type: string;
    access: string;
    url: string;
    jsonData: Record<string, string>;
    secureJsonData?: Record<string, string>;
  }[];
}
interface ProviderFile {
  apiVersion: number;
  providers: { name: string; type: string; folder: string; options: { path: string } }[];
}
interface ComposeFile {
  services: Record<string, { image: string; environment?: Record<string, string>; volumes?: string[]; ports?: string[] }>;
}

function yamlFile<T>(...parts: string[]): T {
  return parse(readFileSync(join(DASHBOARD_DIR, ...parts), 'utf8')) as T;
}

/** `${NAME}` references Grafana resolves from the environment. */
function environmentNames(value: unknown): string[] {
  return [...JSON.stringify(value).matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]!);
}

describe('Grafana provisioning', () => {
  const active = yamlFile<DatasourceFile>('provisioning/datasources/pacs-load-influxdb.yaml');
  const v2v3 = yamlFile<DatasourceFile>('provisioning/examples/influxdb-v2-v3-influxql.yaml');
  const providers = yamlFile<ProviderFile>('provisioning/dashboards/pacs-load.yaml');
  const compose = yamlFile<ComposeFile>('docker-compose.yml');
  const dashboards = loadDashboards();

  it('provisions one InfluxQL datasource per file with the uid the dashboards default to', () => {
    for (const file of [active, v2v3]) {
      expect(file.apiVersion).toBe(1);
      expect(file.datasources).toHaveLength(1);
      const [datasource] = file.datasources;
      expect(datasource).toMatchObject({ type: 'influxdb', access: 'proxy', uid: 'pacs-load-influxdb' });
      expect(datasource!.jsonData.version).toBe('InfluxQL');
      expect(datasource!.jsonData.timeInterval).toBe('1s');
      for (const { dashboard } of dashboards) {
        const variable = dashboard.templating.list.find((one) => one.name === 'datasource');
        expect(variable?.current?.value).toBe(datasource!.uid);
        expect(variable?.query).toBe(datasource!.type);
        const writeInterval = dashboard.templating.list.find((one) => one.name === 'write_interval');
        expect(writeInterval?.current?.value).toBe(datasource!.jsonData.timeInterval);
      }
    }
  });

  it('sends a token header for InfluxDB 2.x/3.x and user/password for 1.x, all from the environment', () => {
    expect(v2v3.datasources[0]!.jsonData.httpHeaderName1).toBe('Authorization');
    expect(v2v3.datasources[0]!.secureJsonData?.httpHeaderValue1).toBe('Token ${PACS_LOAD_INFLUX_TOKEN}');
    expect(active.datasources[0]!.secureJsonData?.password).toBe('${PACS_LOAD_INFLUX_PASSWORD}');
    // No secret is written into the files themselves.
    for (const file of [active, v2v3]) {
      for (const value of Object.values(file.datasources[0]!.secureJsonData ?? {})) expect(value).toMatch(/\$\{\w+\}/);
    }
  });

  it('loads the dashboards from the folder compose mounts them into, every dashboard JSON included', () => {
    expect(providers.apiVersion).toBe(1);
    const [provider] = providers.providers;
    expect(provider).toMatchObject({ type: 'file', folder: 'pacs-load' });
    const grafana = compose.services.grafana!;
    const mounts = (grafana.volumes ?? []).map((volume) => volume.split(':'));
    const jsonFiles = readdirSync(DASHBOARD_DIR).filter((name) => name.endsWith('.json'));
    expect(jsonFiles.length).toBe(dashboards.length);
    for (const name of jsonFiles) {
      expect(mounts.some(([from, to]) => from === `./${name}` && to === `${provider!.options.path}/${name}`), name).toBe(true);
    }
    expect(mounts.some(([from, to]) => from === './provisioning/datasources' && to === '/etc/grafana/provisioning/datasources')).toBe(true);
    expect(mounts.some(([from, to]) => from === './provisioning/dashboards' && to === '/etc/grafana/provisioning/dashboards')).toBe(true);
    expect(grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH).toBe(`${provider!.options.path}/pacs-load-run.json`);
  });

  it('sets in compose every environment variable the 1.x datasource reads, pointing at the compose InfluxDB', () => {
    const environment = compose.services.grafana!.environment ?? {};
    for (const name of environmentNames(active)) expect(Object.keys(environment), name).toContain(name);
    expect(environment.PACS_LOAD_INFLUX_URL).toBe('http://influxdb:8086');
    expect(compose.services.influxdb?.environment?.INFLUXDB_DB).toBe(environment.PACS_LOAD_INFLUX_DB);
    // Published on loopback only.
    for (const service of Object.values(compose.services)) {
      for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
    }
  });
});
