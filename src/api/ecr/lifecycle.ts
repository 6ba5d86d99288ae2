// ECR lifecycle policies: put (validated, then applied at once), get, delete, and the preview (computed when started,
// read back with GetLifecyclePolicyPreview).
import type {
  DeleteLifecyclePolicyRequest, DeleteLifecyclePolicyResponse, GetLifecyclePolicyPreviewRequest,
  GetLifecyclePolicyPreviewResponse, GetLifecyclePolicyRequest, GetLifecyclePolicyResponse, PutLifecyclePolicyRequest,
  PutLifecyclePolicyResponse, StartLifecyclePolicyPreviewRequest, StartLifecyclePolicyPreviewResponse,
} from '@aws-sdk/client-ecr';
import { LifecyclePolicyNotFound, LifecyclePolicyPreviewNotFound } from '../../domain/errors.js';
import type { Registry } from '../../registry/core.js';
import { parseLifecyclePolicy } from '../../registry/lifecycle.js';
import { previewLifecycle, runLifecycle } from '../../registry/lifecycleRun.js';
import type { RepositoryRecord } from '../../registry/tables.js';
import { Txn } from '../../store/cache.js';
import { requireRepository } from './context.js';

export function lifecycleOperations(reg: Registry) {
  const { repositories, meta } = reg.tables;
  const setPolicy = (name: string, text: string | undefined) =>
    reg.cache.update(() => {
      const row = repositories.get(name);
      const cur = requireRepository(reg, row?.id);
      const next: RepositoryRecord = { ...cur, lifecyclePolicyText: text };
      return { txn: new Txn().put(repositories, name, next, row!.modRevision), result: next };
    });
  const missing = (r: RepositoryRecord) =>
    new LifecyclePolicyNotFound(`Lifecycle policy does not exist for the repository with name '${r.repositoryName}' in the registry with id '${r.registryId}'`);

  return {
    async PutLifecyclePolicy(input: PutLifecyclePolicyRequest): Promise<PutLifecyclePolicyResponse> {
      const r = requireRepository(reg, input.repositoryName, input.registryId);
      parseLifecyclePolicy(input.lifecyclePolicyText ?? '');
      await setPolicy(r.repositoryName, input.lifecyclePolicyText);
      // ECR applies a policy within a day; Wharf applies it now, then on every sweep.
      await runLifecycle(reg, r.repositoryName);
      return { registryId: r.registryId, repositoryName: r.repositoryName, lifecyclePolicyText: input.lifecyclePolicyText };
    },

    GetLifecyclePolicy(input: GetLifecyclePolicyRequest): GetLifecyclePolicyResponse {
      const r = requireRepository(reg, input.repositoryName, input.registryId);
      if (!r.lifecyclePolicyText) throw missing(r);
      return {
        registryId: r.registryId, repositoryName: r.repositoryName, lifecyclePolicyText: r.lifecyclePolicyText,
        lastEvaluatedAt: r.lifecycleEvaluatedAt ? new Date(r.lifecycleEvaluatedAt) : undefined,
      };
    },

    async DeleteLifecyclePolicy(input: DeleteLifecyclePolicyRequest): Promise<DeleteLifecyclePolicyResponse> {
      const r = requireRepository(reg, input.repositoryName, input.registryId);
      if (!r.lifecyclePolicyText) throw missing(r);
      await setPolicy(r.repositoryName, undefined);
      return {
        registryId: r.registryId, repositoryName: r.repositoryName, lifecyclePolicyText: r.lifecyclePolicyText,
        lastEvaluatedAt: r.lifecycleEvaluatedAt ? new Date(r.lifecycleEvaluatedAt) : undefined,
      };
    },

    async StartLifecyclePolicyPreview(input: StartLifecyclePolicyPreviewRequest): Promise<StartLifecyclePolicyPreviewResponse> {
      const r = requireRepository(reg, input.repositoryName, input.registryId);
      const text = input.lifecyclePolicyText ?? r.lifecyclePolicyText;
      if (!text) throw missing(r);
      const results = previewLifecycle(reg, r.repositoryName, text).map((e) => ({
        imageTags: e.tags, imageDigest: e.digest, imagePushedAt: e.pushedAt.toISOString(),
        action: { type: 'EXPIRE' }, appliedRulePriority: e.rulePriority,
      }));
      const id = `preview/${r.repositoryName}`;
      await reg.cache.update(() => ({ txn: new Txn().put(meta, id, { text, results }), result: undefined }));
      return { registryId: r.registryId, repositoryName: r.repositoryName, lifecyclePolicyText: text, status: 'COMPLETE' };
    },

    GetLifecyclePolicyPreview(input: GetLifecyclePolicyPreviewRequest): GetLifecyclePolicyPreviewResponse {
      const r = requireRepository(reg, input.repositoryName, input.registryId);
      const saved = meta.get(`preview/${r.repositoryName}`)?.value as
        | { text: string; results: { imageTags: string[]; imageDigest: string; imagePushedAt: string; action: { type: 'EXPIRE' }; appliedRulePriority: number }[] }
        | undefined;
      if (!saved) throw new LifecyclePolicyPreviewNotFound(`There is no preview for the repository with name '${r.repositoryName}'`);
      return {
        registryId: r.registryId, repositoryName: r.repositoryName, lifecyclePolicyText: saved.text, status: 'COMPLETE',
        previewResults: saved.results.map((p) => ({ ...p, imagePushedAt: new Date(p.imagePushedAt) })),
        summary: { expiringImageTotalCount: saved.results.length },
      };
    },
  };
}
