// The tables of Secrets Manager and Parameter Store in the shared store: one row per secret (its versions inside,
// values sealed) and one row per parameter (its versions inside, SecureString values sealed). One row each means
// every write is one guarded put: a refused or interrupted write leaves the old row or the new one, never half.
import type { SecretRecord } from '../domain/secrets/secret.js';
import type { ParameterRecord } from '../domain/parameters/parameter.js';
import type { StateCache, Table } from '../store/cache.js';

export interface SecretTables {
  /** `secretsmanager/secrets/NAME` */
  secrets: Table<SecretRecord>;
  /** `ssm/parameters/NAME` (the name as given, leading slash and all) */
  parameters: Table<ParameterRecord>;
}

/** Creates the tables on the cache; call before `cache.start()`. */
export function createSecretTables(cache: StateCache): SecretTables {
  return {
    secrets: cache.table<SecretRecord>({ prefix: 'secretsmanager/secrets/' }),
    parameters: cache.table<ParameterRecord>({ prefix: 'ssm/parameters/' }),
  };
}

/** The sealing context of one secret version: the row's key, the secret's ARN and the version id. */
export const secretContext = (tables: SecretTables, rec: { name: string; arn: string }, versionId: string) =>
  `${tables.secrets.key(rec.name)}#${rec.arn}#${versionId}`;

/** The sealing context of one SecureString version: the row's key and the version number. */
export const parameterContext = (tables: SecretTables, name: string, version: number) => `${tables.parameters.key(name)}#${version}`;
