/**
 * The plan as text for people: peak rates per operation, ingest, retrieval,
 * storage, then every assumption with its source (issue 7: "every assumption
 * is printed with its source figure").
 */
import { formatBitsPerSec, formatBytes, formatBytesPerSec, formatRate, formatSignificant } from '../metrics/format.js';
import { renderTable } from '../outputs/table.js';
import type { CapacityPlan } from './compute-plan.js';

/** Lines of the plan (no trailing newline on each). */
export function renderPlanTable(plan: CapacityPlan): string[] {
  const lines: string[] = [];
  lines.push(`capacity plan: ${formatSignificant(plan.input.studiesPerDay)} studies/day, peak hour with ${formatSignificant(plan.input.headroom * 100)}% headroom`);
  lines.push('');
  lines.push('peak rates per operation');
  lines.push(
    ...renderTable(
      [{ header: 'scenario', align: 'left' }, { header: 'operation', align: 'left' }, { header: 'rate' }, { header: 'per hour' }, { header: 'basis', align: 'left' }],
      plan.operations.map((row) => [row.scenario, row.operation, formatRate(row.ratePerSec), formatSignificant(row.ratePerSec * 3600), row.basis]),
      { indent: '  ' },
    ),
  );
  lines.push('');
  lines.push('peak ingest (dimse.store)');
  lines.push(`  studies     ${formatRate(plan.ingest.studiesPerSec)}`);
  lines.push(`  images      ${formatRate(plan.ingest.imagesPerSec)}`);
  lines.push(`  bandwidth   ${formatBytesPerSec(plan.ingest.bytesPerSec)} = ${formatBitsPerSec(plan.ingest.bytesPerSec)}`);
  lines.push('peak retrieval (viewer.open, whole studies)');
  lines.push(`  study opens ${formatRate(plan.retrieval.studyOpensPerSec)}`);
  lines.push(`  bandwidth   ${formatBytesPerSec(plan.retrieval.bytesPerSec)} = ${formatBitsPerSec(plan.retrieval.bytesPerSec)}`);
  lines.push('storage growth (as sent, uncompressed, no headroom)');
  lines.push(`  average study ${formatBytes(plan.storage.averageStudyBytes)} (${formatSignificant(plan.storage.averageStudyImages)} images)`);
  lines.push(`  per day     ${formatBytes(plan.storage.bytesPerDay)}`);
  lines.push(`  per year    ${formatBytes(plan.storage.bytesPerYear)}`);
  lines.push('');
  lines.push('assumptions');
  lines.push(
    ...renderTable(
      [{ header: 'figure', align: 'left' }, { header: 'value', align: 'left' }, { header: 'source', align: 'left' }],
      plan.assumptions.map((assumption) => [assumption.name, assumption.value, assumption.source]),
      { indent: '  ' },
    ),
  );
  return lines;
}
