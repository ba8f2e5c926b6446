/** Public library API of pacs-load: re-exports only. */
export * from './errors.js';
export * from './metrics/names.js';
export type * from './metrics/types.js';
export type * from './profile/types.js';
