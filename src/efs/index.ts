// EFS's state and rules, for the API handlers and the agent channel (which resolves tasks' EFS volumes).
export { Efs, type EfsDeps } from './efs.js';
export { createEfsTables, type EfsTables } from './tables.js';
export * from './errors.js';
export type * from './records.js';
