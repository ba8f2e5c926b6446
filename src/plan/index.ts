/** `pacs-load plan` (issue 7, item 1): inputs, the computation, the table and the written profile. */
export { computePlan, type CapacityPlan, type PlannedOperation, type PlanAssumption, type Bandwidth } from './compute-plan.js';
export { resolvePlanInput, PLAN_INPUT_KEYS, PLAN_DEFAULTS, type PlanInput, type PlanInputKey, type GivenInputs } from './plan-input.js';
export { renderPlanTable } from './plan-table.js';
export { planProfileYaml } from './plan-profile.js';
export { averageStudy, studySize, type StudySize } from './study-sizes.js';
export { migrationSummary } from './migration-summary.js';
