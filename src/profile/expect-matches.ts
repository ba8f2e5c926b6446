/**
 * The `expectMatches` scenario key of the retrievals (qr.*, qido.*, wado.*,
 * viewer.open): whether an answer that holds nothing is a failure (`empty`)
 * or a result like any other. A PACS that holds none of the data asked for
 * answers fast and says "success, nothing found"; without this key such a run
 * reads as 100% ok.
 *
 * Defaults: true where the operation asks for something that should be there
 * (a prior of a synthetic patient, a study, series or instance the target
 * lists); false for `qido.studies`, a worklist-style search for today's
 * studies of one modality, which a quiet morning may leave empty.
 */
import type { OperationName } from '../metrics/names.js';
import { booleanField } from './fields.js';
import type { OperationParams } from './types.js';

/** The operations that take `expectMatches`, and what each expects when the profile does not say. */
export const EXPECT_MATCHES_DEFAULTS: Readonly<Partial<Record<OperationName, boolean>>> = {
  'qr.find': true,
  'qr.move': true,
  'qr.get': true,
  'qido.studies': false,
  'qido.series': true,
  'qido.instances': true,
  'wado.metadata': true,
  'wado.instance': true,
  'wado.frames': true,
  'wado.rendered': true,
  'viewer.open': true,
};

export const EXPECT_MATCHES_OPERATIONS = Object.keys(EXPECT_MATCHES_DEFAULTS) as OperationName[];

export const expectMatchesField = booleanField({
  description:
    'qr.*, qido.*, wado.*, viewer.open: an answer that holds nothing (no C-FIND match, no C-MOVE/C-GET sub-operation completed, no QIDO result, no study of `modality` to fetch) is the `empty` outcome, a failure. `false` counts it as ok (the matches and instances retrieved are still counted). Default true, except qido.studies (false: a search for today\'s studies may rightly find none).',
});

/** Whether `operation` treats an answer with nothing in it as `empty` (the profile's `expectMatches`, else the default). */
export function expectsMatches(operation: OperationName, params: Pick<OperationParams, 'expectMatches'>): boolean {
  return params.expectMatches ?? EXPECT_MATCHES_DEFAULTS[operation] ?? false;
}
