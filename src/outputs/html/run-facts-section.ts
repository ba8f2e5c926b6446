/**
 * The report's closing sections: what ran where (run, target, tool, the load
 * generator's machine), what the outputs that deliver elsewhere delivered,
 * and the profile as run, verbatim. All of it is input, so all of it is
 * escaped.
 */
import { formatBytes, formatDurationUs } from '../../metrics/format.js';
import type { OutputDelivery, RunSummary } from '../../metrics/types.js';
import { formatCount } from '../console-summary.js';
import { escapeHtml } from './escape-html.js';
import { htmlTable } from './html-table.js';

const END_REASON_LABEL: Record<RunSummary['run']['endReason'], string> = {
  completed: 'completed',
  'threshold-abort': 'stopped by an abortOnFail threshold',
  interrupted: 'interrupted',
  'worker-failed': 'ended early: a worker thread failed',
  running: 'still running (a checkpoint)',
};

export function renderRunFactsSection(summary: RunSummary): string {
  const { run } = summary;
  const facts: [string, string][] = [
    ['run id', run.id],
    ['profile', run.profile],
    ['started', run.startedAt],
    ['ended', run.endedAt],
    ['duration', formatDurationUs(run.durationSeconds * 1_000_000)],
    ['end', END_REASON_LABEL[run.endReason] ?? String(run.endReason)],
    ['target', run.target],
    ['workers', String(run.workers)],
    ['tool', `${run.tool.name} ${run.tool.version}`],
    ['Node.js', run.tool.node],
  ];
  const environment = run.environment;
  if (environment !== undefined) {
    facts.push(
      ['host', environment.hostname],
      ['platform', `${environment.platform} ${environment.arch}`],
      ['CPUs', `${environment.cpus} × ${environment.cpuModel}`],
      ['memory', formatBytes(environment.memoryBytes)],
    );
  } else {
    facts.push(['load generator', 'not recorded (a summary merged from several machines keeps no single machine)']);
  }
  return [
    '<h2 id="run">Run, target and environment</h2>',
    `<dl class="facts">\n${facts.map(([name, value]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd>`).join('\n')}\n</dl>`,
    renderOutputs(summary.outputs),
  ].join('\n');
}

function renderOutputs(outputs: Record<string, OutputDelivery> | undefined): string {
  if (outputs === undefined || Object.keys(outputs).length === 0) return '';
  const rows = Object.entries(outputs).map(([name, delivery]) => ({
    cells: [name, formatCount(delivery.written), formatCount(delivery.retried), formatCount(delivery.dropped), delivery.lastError ?? ''],
    ...(delivery.dropped > 0 ? { className: 'failed' } : {}),
  }));
  return [
    '<h3>Outputs delivered</h3>',
    htmlTable(
      [{ header: 'output', text: true }, { header: 'written' }, { header: 'retried' }, { header: 'dropped' }, { header: 'last error', text: true }],
      rows,
    ),
  ].join('\n');
}

export function renderProfileSection(summary: RunSummary): string {
  const source = summary.run.profileSource;
  const body =
    source === undefined
      ? '<p class="muted">The summary does not hold the profile text (a summary merged from runs of different profiles keeps none).</p>'
      : `<pre class="profile">${escapeHtml(source)}</pre>`;
  return `<h2 id="profile">Profile as run</h2>\n${body}`;
}
