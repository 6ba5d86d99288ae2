// ECR image operations over the registry's stored manifests: list, describe, batch get and delete, and PutImage (the
// same store path `docker push` takes, so immutability and layer checks agree).
import type {
  BatchDeleteImageRequest, BatchDeleteImageResponse, BatchGetImageRequest, BatchGetImageResponse, DescribeImagesRequest,
  DescribeImagesResponse, ImageDetail, ImageFailure, ImageIdentifier, ListImagesRequest, ListImagesResponse,
  PutImageRequest, PutImageResponse,
} from '@aws-sdk/client-ecr';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ImageAlreadyExists, ImageDigestDoesNotMatch, ImageNotFound, InvalidParameter } from '../../domain/errors.js';
import { paginate } from '../../domain/paging.js';
import type { Registry } from '../../registry/core.js';
import { deleteImage, putManifest, untag } from '../../registry/images.js';
import { isDigest } from '../../registry/names.js';
import type { ImageRecord } from '../../registry/tables.js';
import { asEcr, requireRepository } from './context.js';

type Found = { image: ImageRecord; id: ImageIdentifier } | { failure: ImageFailure };

export function imageOperations(reg: Registry) {
  const find = (repo: string, id: ImageIdentifier): Found => {
    if (id.imageDigest && !isDigest(id.imageDigest)) return { failure: { imageId: id, failureCode: 'InvalidImageDigest', failureReason: 'Invalid request parameters: image digest should satisfy the regex \'[a-zA-Z0-9-_+.]+:[a-fA-F0-9]+\'' } };
    if (!id.imageDigest && !id.imageTag) return { failure: { imageId: id, failureCode: 'MissingDigestAndTag', failureReason: 'Invalid request parameters: both tag and digest cannot be null' } };
    const byTag = id.imageTag ? reg.resolve(repo, id.imageTag) : undefined;
    const image = id.imageDigest ? reg.resolve(repo, id.imageDigest) : byTag;
    if (!image || (id.imageTag && !byTag)) return { failure: { imageId: id, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' } };
    if (byTag && byTag.digest !== image.digest) return { failure: { imageId: id, failureCode: 'ImageTagDoesNotMatchDigest', failureReason: 'Invalid request parameters: given tag does not map to the given digest' } };
    return { image, id: { imageDigest: image.digest, imageTag: id.imageTag } };
  };
  const detail = (repo: string, i: ImageRecord): ImageDetail => {
    const tags = reg.tagsOf(repo, i.digest);
    return {
      registryId: reg.opts.accountId, repositoryName: repo, imageDigest: i.digest, imageTags: tags.length ? tags : undefined,
      imageSizeInBytes: i.imageSizeInBytes, imagePushedAt: new Date(i.pushedAt), imageManifestMediaType: i.mediaType,
      artifactMediaType: i.artifactType,
    };
  };
  const tagFilter = (status: string | undefined, tags: string[]) =>
    status === 'TAGGED' ? tags.length > 0 : status === 'UNTAGGED' ? tags.length === 0 : true;

  return {
    ListImages(input: ListImagesRequest): ListImagesResponse {
      const repo = requireRepository(reg, input.repositoryName, input.registryId).repositoryName;
      const ids: ImageIdentifier[] = [];
      for (const i of reg.imagesOf(repo)) {
        const tags = reg.tagsOf(repo, i.digest);
        if (!tagFilter(input.filter?.tagStatus, tags)) continue;
        if (tags.length === 0) ids.push({ imageDigest: i.digest });
        for (const t of tags) ids.push({ imageDigest: i.digest, imageTag: t });
      }
      const key = (id: ImageIdentifier) => `${id.imageDigest}|${id.imageTag ?? ''}`;
      ids.sort((a, b) => key(a).localeCompare(key(b)));
      const page = paginate(ids, key, { maxResults: input.maxResults, nextToken: input.nextToken, limit: 1000 });
      return { imageIds: page.items, nextToken: page.nextToken };
    },

    DescribeImages(input: DescribeImagesRequest): DescribeImagesResponse {
      const repo = requireRepository(reg, input.repositoryName, input.registryId).repositoryName;
      if (input.imageIds?.length) {
        const details = input.imageIds.map((id) => {
          const f = find(repo, id);
          if ('failure' in f) throw new ImageNotFound(`The image with imageId {imageDigest:'${id.imageDigest ?? 'null'}', imageTag:'${id.imageTag ?? 'null'}'} does not exist within the repository with name '${repo}' in the registry with id '${reg.opts.accountId}'`);
          return detail(repo, f.image);
        });
        return { imageDetails: details };
      }
      const all = reg.imagesOf(repo).map((i) => detail(repo, i)).filter((d) => tagFilter(input.filter?.tagStatus, d.imageTags ?? []));
      all.sort((a, b) => a.imageDigest!.localeCompare(b.imageDigest!));
      const page = paginate(all, (d) => d.imageDigest!, { maxResults: input.maxResults, nextToken: input.nextToken, limit: 1000 });
      return { imageDetails: page.items, nextToken: page.nextToken };
    },

    async BatchGetImage(input: BatchGetImageRequest): Promise<BatchGetImageResponse> {
      const repo = requireRepository(reg, input.repositoryName, input.registryId).repositoryName;
      const res: BatchGetImageResponse = { images: [], failures: [] };
      for (const id of input.imageIds ?? []) {
        const f = find(repo, id);
        if ('failure' in f) { res.failures!.push(f.failure); continue; }
        if (input.acceptedMediaTypes?.length && !input.acceptedMediaTypes.includes(f.image.mediaType)) {
          res.failures!.push({ imageId: id, failureCode: 'ImageNotFound', failureReason: `The image's media type ${f.image.mediaType} is not among the accepted media types` });
          continue;
        }
        const manifest = await readFile(reg.blobs.path(f.image.digest), 'utf8');
        res.images!.push({ registryId: reg.opts.accountId, repositoryName: repo, imageId: f.id, imageManifest: manifest, imageManifestMediaType: f.image.mediaType });
      }
      return res;
    },

    async BatchDeleteImage(input: BatchDeleteImageRequest): Promise<BatchDeleteImageResponse> {
      const repo = requireRepository(reg, input.repositoryName, input.registryId).repositoryName;
      const res: BatchDeleteImageResponse = { imageIds: [], failures: [] };
      for (const id of input.imageIds ?? []) {
        const f = find(repo, id);
        if ('failure' in f) { res.failures!.push(f.failure); continue; }
        // By tag: the tag goes, and the image with it once no tag is left (ECR). By digest: the image and its tags.
        if (id.imageTag) await untag(reg, repo, id.imageTag);
        if (!id.imageTag || (id.imageDigest ?? '') !== '' || reg.tagsOf(repo, f.image.digest).length === 0) await deleteImage(reg, repo, f.image.digest);
        res.imageIds!.push(f.id);
      }
      return res;
    },

    async PutImage(input: PutImageRequest): Promise<PutImageResponse> {
      const repo = requireRepository(reg, input.repositoryName, input.registryId).repositoryName;
      const body = Buffer.from(input.imageManifest ?? '', 'utf8');
      if (input.imageTag !== undefined && input.imageTag.includes(':')) throw new InvalidParameter('Invalid parameter at \'imageTag\'');
      const before = input.imageTag ? reg.resolve(repo, input.imageTag) : undefined;
      const { image, created } = await asEcr(async () => {
        const actual = 'sha256:' + createHash('sha256').update(body).digest('hex');
        if (input.imageDigest && input.imageDigest !== actual) {
          throw new ImageDigestDoesNotMatch(`Invalid parameter at 'imageDigest' failed to satisfy constraint: 'manifest digest ${actual} does not match ${input.imageDigest}'`);
        }
        return putManifest(reg, repo, input.imageTag ?? input.imageDigest, body, input.imageManifestMediaType);
      });
      if (!created && (!input.imageTag || before?.digest === image.digest)) {
        throw new ImageAlreadyExists(`Image with digest '${image.digest}'${input.imageTag ? ` and tag '${input.imageTag}'` : ''} already exists in the repository with name '${repo}' in registry with id '${reg.opts.accountId}'`);
      }
      return {
        image: {
          registryId: reg.opts.accountId, repositoryName: repo, imageId: { imageDigest: image.digest, imageTag: input.imageTag },
          imageManifest: input.imageManifest, imageManifestMediaType: image.mediaType,
        },
      };
    },
  };
}
