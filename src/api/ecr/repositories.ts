// ECR repositories: create (mutability, scanning and encryption stored), describe (by name or paged), delete (force
// takes the images with it), and the two per-repository settings.
import type {
  CreateRepositoryRequest, CreateRepositoryResponse, DeleteRepositoryRequest, DeleteRepositoryResponse,
  DescribeRepositoriesRequest, DescribeRepositoriesResponse, PutImageScanningConfigurationRequest,
  PutImageScanningConfigurationResponse, PutImageTagMutabilityRequest, PutImageTagMutabilityResponse,
} from '@aws-sdk/client-ecr';
import { InvalidParameter, RepositoryAlreadyExists, RepositoryNotEmpty } from '../../domain/errors.js';
import { paginate } from '../../domain/paging.js';
import type { RequestContext } from '../../gateway/service.js';
import type { Registry } from '../../registry/core.js';
import { isRepositoryName } from '../../registry/names.js';
import type { RepositoryRecord } from '../../registry/tables.js';
import { Txn } from '../../store/cache.js';
import { presentRepository, requireRepository } from './context.js';
import { validateEcrTags } from './tags.js';

export function repositoryOperations(reg: Registry) {
  const { repositories } = reg.tables;
  const update = (name: string | undefined, registryId: string | undefined, change: (r: RepositoryRecord) => RepositoryRecord) =>
    reg.cache.update(() => {
      const rec = requireRepository(reg, name, registryId);
      const row = repositories.get(rec.repositoryName)!;
      const next = change(row.value);
      return { txn: new Txn().put(repositories, row.id, next, row.modRevision), result: next };
    });
  const mutability = (m: string | undefined): 'MUTABLE' | 'IMMUTABLE' => {
    if (m === undefined || m === 'MUTABLE' || m === 'IMMUTABLE') return m ?? 'MUTABLE';
    throw new InvalidParameter(`Wharf does not support imageTagMutability ${m}.`);
  };

  return {
    async CreateRepository(input: CreateRepositoryRequest, ctx: RequestContext): Promise<CreateRepositoryResponse> {
      const name = input.repositoryName!;
      if (!isRepositoryName(name)) throw new InvalidParameter(`Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''`);
      validateEcrTags(input.tags ?? []);
      const enc = input.encryptionConfiguration ?? { encryptionType: 'AES256' };
      if (enc.encryptionType === 'AES256' && enc.kmsKey) throw new InvalidParameter('kmsKey may only be given with encryptionType KMS.');
      const rec: RepositoryRecord = {
        repositoryName: name,
        repositoryArn: `arn:aws:ecr:${ctx.region}:${ctx.accountId}:repository/${name}`,
        registryId: ctx.accountId,
        createdAt: ctx.now.toISOString(),
        imageTagMutability: mutability(input.imageTagMutability),
        imageScanningConfiguration: { scanOnPush: input.imageScanningConfiguration?.scanOnPush ?? false },
        encryptionConfiguration: { encryptionType: enc.encryptionType ?? 'AES256', ...(enc.kmsKey ? { kmsKey: enc.kmsKey } : {}) },
        tags: (input.tags ?? []).map((t) => ({ Key: t.Key!, Value: t.Value ?? '' })),
      };
      await reg.cache.update(() => {
        if (repositories.get(name)) {
          throw new RepositoryAlreadyExists(`The repository with name '${name}' already exists in the registry with id '${ctx.accountId}'`);
        }
        return { txn: new Txn().put(repositories, name, rec, 0), result: undefined };
      });
      return { repository: presentRepository(reg, rec) };
    },

    DescribeRepositories(input: DescribeRepositoriesRequest): DescribeRepositoriesResponse {
      if (input.repositoryNames?.length) {
        if (input.maxResults !== undefined || input.nextToken) throw new InvalidParameter('maxResults and nextToken cannot be used with repositoryNames.');
        return { repositories: input.repositoryNames.map((n) => presentRepository(reg, requireRepository(reg, n, input.registryId))) };
      }
      const all = [...repositories.values()].map((r) => r.value).sort((a, b) => a.repositoryName.localeCompare(b.repositoryName));
      const page = paginate(all, (r) => r.repositoryName, { maxResults: input.maxResults, nextToken: input.nextToken, limit: 1000 });
      return { repositories: page.items.map((r) => presentRepository(reg, r)), nextToken: page.nextToken };
    },

    async DeleteRepository(input: DeleteRepositoryRequest): Promise<DeleteRepositoryResponse> {
      const rec = await reg.cache.update(() => {
        const r = requireRepository(reg, input.repositoryName, input.registryId);
        const name = r.repositoryName;
        const images = [...reg.tables.images.byIndex('repo', name)];
        if (images.length > 0 && !input.force) {
          throw new RepositoryNotEmpty(`The repository with name '${name}' in registry with id '${reg.opts.accountId}' cannot be deleted because it still contains images`);
        }
        const txn = new Txn().delete(repositories, name, repositories.get(name)!.modRevision);
        const { tags, links } = reg.tables;
        for (const row of images) txn.delete(reg.tables.images, row.id, row.modRevision);
        for (const row of [...tags.byIndex('repo', name)]) txn.delete(tags, row.id, row.modRevision);
        for (const row of [...links.byIndex('repo', name)]) txn.delete(links, row.id, row.modRevision);
        return { txn, result: r };
      });
      return { repository: presentRepository(reg, rec) };
    },

    async PutImageTagMutability(input: PutImageTagMutabilityRequest): Promise<PutImageTagMutabilityResponse> {
      const m = mutability(input.imageTagMutability);
      const r = await update(input.repositoryName, input.registryId, (cur) => ({ ...cur, imageTagMutability: m }));
      return { registryId: r.registryId, repositoryName: r.repositoryName, imageTagMutability: m };
    },

    async PutImageScanningConfiguration(input: PutImageScanningConfigurationRequest): Promise<PutImageScanningConfigurationResponse> {
      const cfg = { scanOnPush: input.imageScanningConfiguration?.scanOnPush ?? false };
      const r = await update(input.repositoryName, input.registryId, (cur) => ({ ...cur, imageScanningConfiguration: cfg }));
      return { registryId: r.registryId, repositoryName: r.repositoryName, imageScanningConfiguration: cfg };
    },
  };
}
