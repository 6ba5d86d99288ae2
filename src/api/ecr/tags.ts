// ECR resource tags (`Key`/`Value`, up to 50, on repositories by ARN) and repository policies (stored JSON text).
import type {
  DeleteRepositoryPolicyRequest, DeleteRepositoryPolicyResponse, GetRepositoryPolicyRequest, GetRepositoryPolicyResponse,
  ListTagsForResourceRequest, ListTagsForResourceResponse, SetRepositoryPolicyRequest, SetRepositoryPolicyResponse,
  Tag, TagResourceRequest, UntagResourceRequest,
} from '@aws-sdk/client-ecr';
import { InvalidParameter, InvalidTagParameter, RepositoryPolicyNotFound, TooManyTags } from '../../domain/errors.js';
import type { Registry } from '../../registry/core.js';
import type { RepositoryRecord } from '../../registry/tables.js';
import { Txn } from '../../store/cache.js';
import { requireRepository } from './context.js';

export function validateEcrTags(tags: readonly Tag[]): void {
  if (tags.length > 50) throw new TooManyTags('A resource can have at most 50 tags.');
  for (const t of tags) {
    if (!t.Key || t.Key.startsWith('aws:')) throw new InvalidTagParameter(`Invalid tag key '${t.Key ?? ''}'.`);
  }
}

export function tagAndPolicyOperations(reg: Registry) {
  const { repositories } = reg.tables;
  const byArn = (arn: string | undefined) => {
    const m = /^arn:aws:ecr:[^:]*:(\d{12}):repository\/(.+)$/.exec(arn ?? '');
    if (!m) throw new InvalidParameter(`Invalid parameter at 'resourceArn' failed to satisfy constraint: 'Invalid ARN'`);
    return requireRepository(reg, m[2], m[1]);
  };
  const update = (rec: RepositoryRecord, change: (r: RepositoryRecord) => RepositoryRecord) =>
    reg.cache.update(() => {
      const row = repositories.get(rec.repositoryName);
      const cur = requireRepository(reg, row?.id);
      return { txn: new Txn().put(repositories, row!.id, change(cur), row!.modRevision), result: change(cur) };
    });

  return {
    async TagResource(input: TagResourceRequest): Promise<object> {
      const rec = byArn(input.resourceArn);
      await update(rec, (cur) => {
        const merged = new Map(cur.tags.map((t) => [t.Key, t.Value]));
        for (const t of input.tags ?? []) merged.set(t.Key!, t.Value ?? '');
        const tags = [...merged].map(([Key, Value]) => ({ Key, Value }));
        validateEcrTags(tags);
        return { ...cur, tags };
      });
      return {};
    },

    async UntagResource(input: UntagResourceRequest): Promise<object> {
      const rec = byArn(input.resourceArn);
      const drop = new Set(input.tagKeys ?? []);
      await update(rec, (cur) => ({ ...cur, tags: cur.tags.filter((t) => !drop.has(t.Key)) }));
      return {};
    },

    ListTagsForResource(input: ListTagsForResourceRequest): ListTagsForResourceResponse {
      return { tags: byArn(input.resourceArn).tags };
    },

    async SetRepositoryPolicy(input: SetRepositoryPolicyRequest): Promise<SetRepositoryPolicyResponse> {
      const rec = requireRepository(reg, input.repositoryName, input.registryId);
      let doc: { Statement?: unknown };
      try {
        doc = JSON.parse(input.policyText ?? '') as { Statement?: unknown };
      } catch {
        throw new InvalidParameter("Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'");
      }
      if (typeof doc !== 'object' || doc === null || !doc.Statement) {
        throw new InvalidParameter("Invalid parameter at 'PolicyText' failed to satisfy constraint: 'Invalid repository policy provided'");
      }
      await update(rec, (cur) => ({ ...cur, policyText: input.policyText }));
      return { registryId: rec.registryId, repositoryName: rec.repositoryName, policyText: input.policyText };
    },

    GetRepositoryPolicy(input: GetRepositoryPolicyRequest): GetRepositoryPolicyResponse {
      const rec = requireRepository(reg, input.repositoryName, input.registryId);
      if (!rec.policyText) throw notFound(rec);
      return { registryId: rec.registryId, repositoryName: rec.repositoryName, policyText: rec.policyText };
    },

    async DeleteRepositoryPolicy(input: DeleteRepositoryPolicyRequest): Promise<DeleteRepositoryPolicyResponse> {
      const rec = requireRepository(reg, input.repositoryName, input.registryId);
      if (!rec.policyText) throw notFound(rec);
      await update(rec, (cur) => ({ ...cur, policyText: undefined }));
      return { registryId: rec.registryId, repositoryName: rec.repositoryName, policyText: rec.policyText };
    },
  };
}

const notFound = (rec: RepositoryRecord) =>
  new RepositoryPolicyNotFound(`Repository policy does not exist for the repository with name '${rec.repositoryName}' in the registry with id '${rec.registryId}'`);
