// How a secret is shown: DescribeSecret's shape and ListSecrets' entries, from one stored record.
import type { DescribeSecretResponse, SecretListEntry } from '@aws-sdk/client-secrets-manager';
import type { SecretRecord } from '../../domain/secrets/secret.js';
import { versionIdsToStages } from '../../domain/secrets/versions.js';

export function describeSecret(rec: SecretRecord): DescribeSecretResponse {
  return {
    ARN: rec.arn,
    Name: rec.name,
    Description: rec.description,
    KmsKeyId: rec.kmsKeyId,
    RotationEnabled: false,
    LastChangedDate: rec.lastChangedDate,
    LastAccessedDate: rec.lastAccessedDate,
    DeletedDate: rec.deletedDate,
    Tags: rec.tags.length ? rec.tags : undefined,
    VersionIdsToStages: versionIdsToStages(rec.versions),
    CreatedDate: rec.createdDate,
  };
}

export function listEntry(rec: SecretRecord): SecretListEntry {
  const { VersionIdsToStages, ...rest } = describeSecret(rec);
  return { ...rest, SecretVersionsToStages: VersionIdsToStages };
}
