// The ECS task definition as a pure domain module: the rules a registration must pass and the definition ECS
// stores for it. The API handler and the store call these; nothing here does I/O.
export { validateRegisterTaskDefinition } from './validate.js';
export { buildTaskDefinition, type BuildMeta } from './build.js';
export { isFargateSize } from './fargate.js';
export { parseTaskCpu, parseTaskMemory } from './units.js';
export { checkRefusedOverrides } from './refusals.js';
