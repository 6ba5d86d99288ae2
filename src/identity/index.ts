// Identity and access: IAM's state (users, keys, roles, policies), STS sessions, and the policy evaluation the
// gateway runs for every request signed by an IAM user's key or an assumed role's temporary key.
export { Access, deniedMessage, type AccessDeps, type CallerIdentity } from './access.js';
export { Iam, LIMITS, type IamDeps } from './iam.js';
export { Sts, type ServiceSource, type StsDeps } from './sts.js';
export { createIdentityTables, type IdentityTables } from './tables.js';
export { evaluate, type Decision } from './evaluate.js';
export { compilePolicy, parsePolicy } from './policy.js';
