/**
 * The InfluxDB test helper itself: a real influxd on free loopback ports, one
 * database, writes that read back, auth when asked, nothing left behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { hasInfluxDb, startInfluxDb } from '../../helpers/influxdb.js';
import type { RunningInfluxDb } from '../../helpers/influxdb.js';
import { skipWithoutPeer } from '../../helpers/peers.js';

interface QueryBody {
  results: { series?: { name: string; columns: string[]; values: unknown[][] }[] }[];
}

describe.skipIf(skipWithoutPeer(hasInfluxDb))('startInfluxDb', () => {
  const started: RunningInfluxDb[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((influx) => influx.stop()));
  });

  it('writes line protocol and reads it back from the created database', async () => {
    const influx = await startInfluxDb({ database: 'helper_test' });
    started.push(influx);
    expect(influx.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(influx.port).not.toBe(8086);
    await influx.write('m,tag=a value=1i 1700000000000\nm,tag=b value=2i 1700000001000', 'ms');
    const body = (await influx.query('SELECT "value", "tag" FROM "m" ORDER BY time', { epoch: 'ms' })) as QueryBody;
    expect(body.results[0]?.series?.[0]?.values).toEqual([
      [1700000000000, 1, 'a'],
      [1700000001000, 2, 'b'],
    ]);
    await expect(influx.query('SELECT nonsense FROM')).rejects.toThrow(/InfluxDB query/);
  });

  it('runs two servers side by side and removes its folder on stop', async () => {
    const [a, b] = await Promise.all([startInfluxDb(), startInfluxDb()]);
    started.push(a, b);
    expect(a.port).not.toBe(b.port);
    await a.stop();
    await expect(fetch(`${a.url}/ping`)).rejects.toThrow();
    await b.write('m value=1');
  });

  it('requires the admin credentials when auth is on', async () => {
    const influx = await startInfluxDb({ admin: { username: 'admin', password: "s3cr'et" } });
    started.push(influx);
    await influx.write('m value=1');
    const anonymous = await fetch(`${influx.url}/query?db=${influx.database}&q=${encodeURIComponent('SHOW MEASUREMENTS')}`);
    expect(anonymous.status).toBe(401);
    const wrong = await fetch(`${influx.url}/write?db=${influx.database}&u=admin&p=wrong`, { method: 'POST', body: 'm value=2' });
    expect(wrong.status).toBe(401);
    const body = (await influx.query('SHOW MEASUREMENTS')) as QueryBody;
    expect(body.results[0]?.series?.[0]?.values).toEqual([['m']]);
  });
});
