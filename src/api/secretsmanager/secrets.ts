// The secret as a whole: DescribeSecret, ListSecrets, DeleteSecret, RestoreSecret, tags, resource policies,
// GetRandomPassword, and the rotation operations Wharf refuses (rotation runs a Lambda function; Wharf has none).
import { randomInt } from 'node:crypto';
import type {
  DeleteResourcePolicyRequest, DeleteResourcePolicyResponse, DeleteSecretRequest, DeleteSecretResponse,
  DescribeSecretRequest, DescribeSecretResponse, GetRandomPasswordRequest, GetRandomPasswordResponse,
  GetResourcePolicyRequest, GetResourcePolicyResponse, ListSecretsRequest, ListSecretsResponse,
  PutResourcePolicyRequest, PutResourcePolicyResponse, RestoreSecretRequest, RestoreSecretResponse, TagResourceRequest,
  UntagResourceRequest, ValidateResourcePolicyRequest, ValidateResourcePolicyResponse,
} from '@aws-sdk/client-secrets-manager';
import { InvalidRequest, SmInvalidNextToken } from '../../domain/errors.js';
import { matchesFilters } from '../../domain/secrets/filters.js';
import { randomPassword } from '../../domain/secrets/password.js';
import { policyProblems, requireWellFormedPolicy } from '../../domain/secrets/policy.js';
import type { SecretRecord } from '../../domain/secrets/secret.js';
import type { SecretsManager } from '../../secrets/secretsManager.js';
import { pageOf } from '../cloudwatch/paging.js';
import { describeSecret, listEntry } from './present.js';

const badToken = () => new SmInvalidNextToken('The NextToken value is invalid.');
export const NO_ROTATION =
  'Wharf cannot rotate secrets: rotation runs an AWS Lambda function, and Wharf has no Lambda. Put a new value with PutSecretValue instead.';

const SORT: Record<string, (s: SecretRecord) => number | string> = {
  'created-date': (s) => s.createdDate.getTime(),
  'last-accessed-date': (s) => s.lastAccessedDate?.getTime() ?? 0,
  'last-changed-date': (s) => s.lastChangedDate.getTime(),
  name: (s) => s.name,
};

export function secretOperations(sm: SecretsManager) {
  return {
    DescribeSecret(input: DescribeSecretRequest): DescribeSecretResponse {
      return describeSecret(sm.find(input.SecretId!));
    },

    ListSecrets(input: ListSecretsRequest): ListSecretsResponse {
      const key = SORT[input.SortBy ?? 'created-date'] ?? SORT['created-date']!;
      const found = sm
        .all()
        .filter((s) => (input.IncludePlannedDeletion || !s.deletedDate) && matchesFilters(s, input.Filters))
        .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
      if (input.SortOrder === 'desc') found.reverse();
      const { page, next } = pageOf(found, input.NextToken, input.MaxResults ?? 100, badToken);
      return { SecretList: page.map(listEntry), NextToken: next };
    },

    async DeleteSecret(input: DeleteSecretRequest): Promise<DeleteSecretResponse> {
      const { rec, deletionDate } = await sm.delete(input.SecretId!, input);
      return { ARN: rec.arn, Name: rec.name, DeletionDate: deletionDate };
    },

    async RestoreSecret(input: RestoreSecretRequest): Promise<RestoreSecretResponse> {
      const rec = await sm.restore(input.SecretId!);
      return { ARN: rec.arn, Name: rec.name };
    },

    async TagResource(input: TagResourceRequest): Promise<Record<string, never>> {
      await sm.tag(input.SecretId!, (input.Tags ?? []).map((t) => ({ Key: t.Key!, Value: t.Value ?? '' })));
      return {};
    },

    async UntagResource(input: UntagResourceRequest): Promise<Record<string, never>> {
      await sm.untag(input.SecretId!, input.TagKeys ?? []);
      return {};
    },

    async PutResourcePolicy(input: PutResourcePolicyRequest): Promise<PutResourcePolicyResponse> {
      requireWellFormedPolicy(input.ResourcePolicy!);
      const rec = await sm.setPolicy(input.SecretId!, input.ResourcePolicy);
      return { ARN: rec.arn, Name: rec.name };
    },

    GetResourcePolicy(input: GetResourcePolicyRequest): GetResourcePolicyResponse {
      const rec = sm.find(input.SecretId!);
      return { ARN: rec.arn, Name: rec.name, ResourcePolicy: rec.policy };
    },

    async DeleteResourcePolicy(input: DeleteResourcePolicyRequest): Promise<DeleteResourcePolicyResponse> {
      const rec = await sm.setPolicy(input.SecretId!, undefined);
      return { ARN: rec.arn, Name: rec.name };
    },

    ValidateResourcePolicy(input: ValidateResourcePolicyRequest): ValidateResourcePolicyResponse {
      if (input.SecretId) sm.find(input.SecretId);
      const problems = policyProblems(input.ResourcePolicy!);
      return { PolicyValidationPassed: problems.length === 0, ValidationErrors: problems };
    },

    GetRandomPassword(input: GetRandomPasswordRequest): GetRandomPasswordResponse {
      return { RandomPassword: randomPassword(input, randomInt) };
    },

    RotateSecret(input: { SecretId?: string }): never {
      sm.find(input.SecretId!);
      throw new InvalidRequest(NO_ROTATION);
    },

    CancelRotateSecret(input: { SecretId?: string }): never {
      sm.find(input.SecretId!);
      throw new InvalidRequest(`${NO_ROTATION} No rotation is configured, so there is none to cancel.`);
    },
  };
}
