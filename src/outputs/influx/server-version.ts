/**
 * Which write API a server has, from the version it names (issue 16, item 4).
 *
 * InfluxDB answers every request, `/ping` included, with an
 * `X-Influxdb-Version` header (`1.6.7~rc0`, `v2.7.4`, `3.0.0`). The v2 write
 * endpoint `/api/v2/write` arrived in 1.8: a 1.7 or older server answers it
 * with `404 page not found`, so only its v1 `/write?db=` can take points.
 *
 * A server that names no version is not judged: VictoriaMetrics answers
 * `/ping` without the header (only its write endpoints send one, `1.8.0`),
 * and proxies may strip it. Both keep the v2 write, which VictoriaMetrics
 * accepts; a 404 there still says what to do (influx-writer.ts).
 */

/** The header InfluxDB puts on every answer. */
export const VERSION_HEADER = 'x-influxdb-version';

/** The first InfluxDB release with `/api/v2/write` (1.8.0). */
const FIRST_V2_WRITE = { major: 1, minor: 8 } as const;

/**
 * True when the server names an InfluxDB version older than 1.8, which has
 * no v2 write API. False when it names 1.8 or later, or no readable version.
 */
export function lacksV2WriteApi(version: string | undefined): boolean {
  const match = /^v?(\d+)\.(\d+)/.exec(version?.trim() ?? '');
  if (match === null) return false;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return major < FIRST_V2_WRITE.major || (major === FIRST_V2_WRITE.major && minor < FIRST_V2_WRITE.minor);
}
