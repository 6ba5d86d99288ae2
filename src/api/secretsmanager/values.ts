// Secret values: CreateSecret, GetSecretValue, BatchGetSecretValue, PutSecretValue, UpdateSecret,
// ListSecretVersionIds and UpdateSecretVersionStage.
import type {
  BatchGetSecretValueRequest, BatchGetSecretValueResponse, CreateSecretRequest, CreateSecretResponse,
  GetSecretValueRequest, GetSecretValueResponse, ListSecretVersionIdsRequest, ListSecretVersionIdsResponse,
  PutSecretValueRequest, PutSecretValueResponse, UpdateSecretRequest, UpdateSecretResponse,
  UpdateSecretVersionStageRequest, UpdateSecretVersionStageResponse,
} from '@aws-sdk/client-secrets-manager';
import { AwsError, InvalidParameter, SmInvalidNextToken } from '../../domain/errors.js';
import { matchesFilters } from '../../domain/secrets/filters.js';
import type { RequestContext } from '../../gateway/service.js';
import type { SecretsManager } from '../../secrets/secretsManager.js';
import { pageOf } from '../cloudwatch/paging.js';

const badToken = () => new SmInvalidNextToken('The NextToken value is invalid.');

export function valueOperations(sm: SecretsManager) {
  const getOne = async (id: string, versionId?: string, stage?: string) => {
    const { rec, version, value } = await sm.getValue(id, versionId, stage);
    return { ARN: rec.arn, Name: rec.name, VersionId: version.versionId, ...value, VersionStages: [...version.stages], CreatedDate: version.createdDate };
  };
  return {
    async CreateSecret(input: CreateSecretRequest, ctx: RequestContext): Promise<CreateSecretResponse> {
      if (input.AddReplicaRegions?.length) throw new InvalidParameter('Wharf does not replicate secrets to other regions.');
      const { rec, versionId } = await sm.create(
        { ...input, Name: input.Name!, Tags: input.Tags?.map((t) => ({ Key: t.Key!, Value: t.Value ?? '' })) },
        ctx,
      );
      return { ARN: rec.arn, Name: rec.name, VersionId: versionId };
    },

    GetSecretValue(input: GetSecretValueRequest): Promise<GetSecretValueResponse> {
      return getOne(input.SecretId!, input.VersionId, input.VersionStage);
    },

    async BatchGetSecretValue(input: BatchGetSecretValueRequest): Promise<BatchGetSecretValueResponse> {
      if (input.SecretIdList?.length && input.Filters?.length) {
        throw new InvalidParameter('Either SecretIdList or Filters must be provided, not both.');
      }
      if (!input.SecretIdList?.length && !input.Filters?.length) {
        throw new InvalidParameter('Either SecretIdList or Filters must be provided.');
      }
      let ids: string[];
      let next: string | undefined;
      if (input.SecretIdList?.length) {
        if (input.MaxResults !== undefined || input.NextToken !== undefined) {
          throw new InvalidParameter('MaxResults and NextToken can be used only with Filters.');
        }
        ids = input.SecretIdList;
      } else {
        const found = sm.all().filter((s) => !s.deletedDate && matchesFilters(s, input.Filters));
        const page = pageOf(found, input.NextToken, input.MaxResults ?? 20, badToken);
        ids = page.page.map((s) => s.arn);
        next = page.next;
      }
      const SecretValues: BatchGetSecretValueResponse['SecretValues'] = [];
      const Errors: BatchGetSecretValueResponse['Errors'] = [];
      for (const id of ids) {
        try {
          SecretValues.push(await getOne(id));
        } catch (e) {
          if (!(e instanceof AwsError)) throw e;
          Errors.push({ SecretId: id, ErrorCode: e.code, Message: e.message });
        }
      }
      return { SecretValues, Errors, NextToken: next };
    },

    async PutSecretValue(input: PutSecretValueRequest): Promise<PutSecretValueResponse> {
      const { rec, versionId, stages } = await sm.putValue(input.SecretId!, input, input.ClientRequestToken, input.VersionStages);
      return { ARN: rec.arn, Name: rec.name, VersionId: versionId, VersionStages: stages };
    },

    async UpdateSecret(input: UpdateSecretRequest): Promise<UpdateSecretResponse> {
      const hasValue = input.SecretString !== undefined || input.SecretBinary !== undefined;
      const changes = { Description: input.Description, KmsKeyId: input.KmsKeyId };
      if (!hasValue) {
        const rec = await sm.update(input.SecretId!, changes);
        return { ARN: rec.arn, Name: rec.name };
      }
      // The new version and the other changes are one write.
      const put = await sm.putValue(input.SecretId!, input, input.ClientRequestToken, undefined, changes);
      return { ARN: put.rec.arn, Name: put.rec.name, VersionId: put.versionId };
    },

    ListSecretVersionIds(input: ListSecretVersionIdsRequest): ListSecretVersionIdsResponse {
      const rec = sm.find(input.SecretId!);
      const versions = rec.versions.filter((v) => input.IncludeDeprecated || v.stages.length > 0).reverse();
      const { page, next } = pageOf(versions, input.NextToken, input.MaxResults ?? 100, badToken);
      return {
        ARN: rec.arn,
        Name: rec.name,
        Versions: page.map((v) => ({
          VersionId: v.versionId,
          VersionStages: v.stages.length ? [...v.stages] : undefined,
          CreatedDate: v.createdDate,
          LastAccessedDate: v.lastAccessedDate,
          KmsKeyIds: [rec.kmsKeyId ?? 'DefaultEncryptionKey'],
        })),
        NextToken: next,
      };
    },

    async UpdateSecretVersionStage(input: UpdateSecretVersionStageRequest): Promise<UpdateSecretVersionStageResponse> {
      const rec = await sm.moveStage(input.SecretId!, input.VersionStage!, input.MoveToVersionId, input.RemoveFromVersionId);
      return { ARN: rec.arn, Name: rec.name };
    },
  };
}
