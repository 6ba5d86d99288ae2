// Secrets Manager and Parameter Store state, sealed at rest (see tables.ts for the keys and sealing contexts).
export { createSecretTables, type SecretTables } from './tables.js';
export { SecretsManager, type SecretsDeps } from './secretsManager.js';
export { ParameterStore, type ParameterDeps } from './parameterStore.js';
