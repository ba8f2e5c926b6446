/** Short profiles for the InfluxDB output tests: a few seconds against the embedded simulator, with some failures. */

/** DIMSE and DICOMweb for `seconds`, the simulator failing `errorRate` of the requests, one threshold that passes and one that fails. */
export function influxTestProfile(seconds: number, errorRate = '5%'): string {
  return [
    'name: influx-write-path',
    'simulator:',
    '  stations: 4',
    '  stepsPerStation: 2',
    '  studies: 10',
    `  errorRate: ${errorRate}`,
    'scenarios:',
    '  echo:',
    '    operation: dimse.echo',
    '    executor: constant-arrival-rate',
    '    rate: 20/s',
    `    duration: ${seconds}s`,
    '  search:',
    '    operation: qido.studies',
    '    executor: constant-arrival-rate',
    '    rate: 30/s',
    `    duration: ${seconds}s`,
    'thresholds:',
    '  dimse.echo: ["p99 < 10s"]',
    '  search: ["errors < 0.001%"]',
    '',
  ].join('\n');
}
