/**
 * Preflight of the synthetic marking (issue 10, item 5). The one way pacs-load
 * could send data it did not make is a chain scenario: its `mwl.find` step
 * reads a worklist item from the target, and its MPPS and C-STORE steps copy
 * that item's patient into what they send. Against a real target, the worklist
 * is queried once before the load (the same C-FIND as `mwl.find`, with every
 * station: universal matching, PS3.4 C.2.2.2.3), and any item without the
 * marking (src/synth/marking.ts) stops the run before anything is sent, unless
 * `--allow-unmarked-data`. The chain also refuses such items one by one during
 * the run (src/operations/chain.ts), so a worklist that changes later is safe too.
 */
import { PacsLoadError, type Problem } from '../errors.js';
import { requireDimseTarget } from '../operations/dimse-target.js';
import { worklistItemFromIdentifier } from '../operations/chain-worklist-item.js';
import { queryWorklist } from '../operations/mwl-find.js';
import { DEFAULT_CHAIN_STEPS } from '../profile/chain-steps.js';
import type { ResolvedProfile, ResolvedScenario, ResolvedTarget } from '../profile/types.js';
import { ALLOW_UNMARKED_DATA_FLAG, missingSyntheticMarks } from '../synth/marking.js';

/** The chain steps that send something built from the worklist item. */
const SENDING_STEPS = new Set(['mpps.inProgress', 'dimse.store', 'mpps.completed']);

/** How long the one worklist query may take. */
const QUERY_TIMEOUT_MS = 30_000;

/** True when a scenario sends data built from the target's worklist items. */
export function sendsWorklistData(scenario: ResolvedScenario): boolean {
  if (scenario.operation !== 'chain') return false;
  const steps = scenario.params.steps ?? DEFAULT_CHAIN_STEPS;
  return steps.includes('mwl.find') && steps.some((step) => SENDING_STEPS.has(step));
}

/**
 * For each modality of the profile's chain scenarios that send worklist data
 * (`sendsWorklistData`), one MWL C-FIND for today at every station. Resolves
 * when there is no such scenario, when every item found carries the synthetic
 * marking, or when the query itself fails (the run then measures that failure,
 * and the chain still refuses unmarked items one by one). Throws PacsLoadError
 * ERR_UNMARKED_DATA (exit 2) naming how many items lack which mark (never
 * their values) and the flag that allows them. Call it for real targets only:
 * the embedded simulator's worklist is synthetic.
 */
export async function preflightWorklistMarking(
  profile: ResolvedProfile,
  target: ResolvedTarget,
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const modalities = [...new Set(profile.scenarios.filter(sendsWorklistData).map((scenario) => scenario.params.modality))];
  if (modalities.length === 0 || target.dimse === undefined) return;
  const connection = requireDimseTarget(
    { target, params: { stations: 1, modality: 'CT', expectItems: undefined, limit: undefined }, workerIndex: 0, workerCount: 1, seed: 1, env },
    'chain',
  );
  for (const modality of modalities) {
    // An empty station is universal matching: every station's items for today.
    const answer = await queryWorklist(connection, '', modality, AbortSignal.timeout(QUERY_TIMEOUT_MS));
    const outcome = answer.association.outcome.kind;
    if (outcome !== 'ok' && outcome !== 'dimse-warning') continue;
    const unmarkedByMark = new Map<string, number>();
    let unmarked = 0;
    for (const identifier of answer.items) {
      const item = worklistItemFromIdentifier(identifier.getElements() as Record<string, unknown>, '', modality);
      const missing = missingSyntheticMarks(item);
      if (missing.length > 0) unmarked++;
      for (const mark of missing) unmarkedByMark.set(mark, (unmarkedByMark.get(mark) ?? 0) + 1);
    }
    if (unmarked === 0) continue;
    const where = `${connection.calledAe}@${connection.host}:${connection.port}`;
    const problems: Problem[] = [...unmarkedByMark].map(([mark, count]) => ({
      path: '',
      message: `${count} of ${answer.items.length} items: ${mark}`,
      fix: 'use a worklist of synthetic patients, or pass ' + ALLOW_UNMARKED_DATA_FLAG,
    }));
    throw new PacsLoadError(
      'ERR_UNMARKED_DATA',
      `Refusing to run: ${unmarked} of ${answer.items.length} ${modality} worklist items on ${where} lack the synthetic marking, so they may be real patients; nothing was sent.`,
      {
        hint: `A chain copies each worklist item's patient into its MPPS and C-STORE requests, and pacs-load sends only data it made (patient IDs starting PLSYN-, names PACSLOAD^SYNTH^). If ${where} is a test system whose worklist holds test patients without this marking, run again with ${ALLOW_UNMARKED_DATA_FLAG}.`,
        problems,
      },
    );
  }
}
