/**
 * The scenario keys of the Query/Retrieve operations (src/operations/qr-*.ts):
 * which patients are looked up, at which level, and where C-MOVE sends. They
 * join the scenario mapping (scenario-schema.ts), which rejects them for other
 * operations. MPPS (src/operations/mpps-*.ts) takes `stations` and `modality`,
 * which the scenario mapping already has.
 */
import { enumField, intField, textField } from './fields.js';
import { problemText } from './problems.js';
import type { OperationParams } from './types.js';

export const QR_LEVEL_NAMES = ['study', 'series'] as const;

/**
 * An AE title (PS3.5 Table 6.2-1, AE VR): 1 to 16 characters of the default
 * repertoire, no backslash, no control characters; leading and trailing spaces
 * are not significant, so a title of spaces only is empty.
 */
const aeTitleField = textField({
  description:
    'qr.move: the Move Destination AE title the target knows for the tool\'s store SCP (host: this machine, port: storeScpPort). Default `PLSCP:<port>`, which only the embedded simulator resolves.',
  example: 'PACSLOAD-SCP',
}).superRefine((value, ctx) => {
  if (value.length <= 16 && value.trim() !== '' && ![...value].some(isForbiddenInAeTitle)) return;
  ctx.addIssue({
    code: 'custom',
    message: problemText(
      `\`${value}\` is not an AE title (1 to 16 characters, no backslash or control characters; PS3.5 Table 6.2-1)`,
      'write e.g. `moveDestination: PACSLOAD-SCP`',
    ),
  });
});

export const retrieveParamShape = {
  patients: intField({
    description: 'qr.find, qr.move, qr.get: look up the priors of this many synthetic patients (PLSYN-000001...), round robin. Default: `seedPriors.patients` when the profile seeds priors, else 100 (patients beyond the seeded ones have no priors).',
    example: '100',
    min: 1,
    max: 999_999,
  }).optional(),
  level: enumField(QR_LEVEL_NAMES, {
    description: 'qr.find: `study` queries studies by Patient ID; `series` also queries the series of the studies found (a second association). Default study.',
    noun: 'query level',
  }).optional(),
  moveDestination: aeTitleField.optional(),
  storeScpPort: intField({
    description:
      'qr.move: port of the tool\'s store SCP (the C-MOVE destination); worker i listens on storeScpPort + i. Default 0: a free port, which only the embedded simulator can learn (via `PLSCP:<port>`).',
    example: '11113',
    min: 0,
    max: 65_535,
  }).optional(),
};

/** The resolved Q/R parameters of a valid scenario. */
export function resolveRetrieveParams(scenario: {
  patients?: number | undefined;
  level?: (typeof QR_LEVEL_NAMES)[number] | undefined;
  moveDestination?: string | undefined;
  storeScpPort?: number | undefined;
}): Pick<OperationParams, 'patients' | 'level' | 'moveDestination' | 'storeScpPort'> {
  return {
    patients: scenario.patients,
    level: scenario.level,
    moveDestination: scenario.moveDestination?.trim(),
    storeScpPort: scenario.storeScpPort,
  };
}

function isForbiddenInAeTitle(character: string): boolean {
  const code = character.charCodeAt(0);
  return character === '\\' || code < 0x20 || code === 0x7f;
}
