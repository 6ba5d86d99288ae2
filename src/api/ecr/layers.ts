// ECR's layer API (what the AWS SDK-based pushers use instead of /v2/): initiate, upload parts in order, complete
// with the digest, check availability, and a signed download URL. Upload sessions are the registry's own, so a
// layer pushed either way is the same blob.
import type {
  BatchCheckLayerAvailabilityRequest, BatchCheckLayerAvailabilityResponse, CompleteLayerUploadRequest,
  CompleteLayerUploadResponse, GetDownloadUrlForLayerRequest, GetDownloadUrlForLayerResponse, InitiateLayerUploadRequest,
  InitiateLayerUploadResponse, UploadLayerPartRequest, UploadLayerPartResponse,
} from '@aws-sdk/client-ecr';
import { Readable } from 'node:stream';
import {
  EmptyUpload, InvalidLayer, InvalidLayerPart, LayerAlreadyExists, LayerInaccessible, UploadNotFound,
} from '../../domain/errors.js';
import { signDownload } from '../../registry/auth.js';
import type { Registry } from '../../registry/core.js';
import { RegistryError } from '../../registry/errors.js';
import { linkBlob, linkedSize } from '../../registry/links.js';
import { isDigest } from '../../registry/names.js';
import { requireRepository } from './context.js';

const PART_SIZE = 10 * 1024 * 1024;

export function layerOperations(reg: Registry) {
  const session = async (repo: string, id: string | undefined) => {
    try {
      return await reg.uploads.get(id ?? '', repo);
    } catch {
      throw new UploadNotFound(`Upload with id '${id}' is not found`);
    }
  };
  return {
    async InitiateLayerUpload(input: InitiateLayerUploadRequest): Promise<InitiateLayerUploadResponse> {
      const repo = requireRepository(reg, input.repositoryName, input.registryId).repositoryName;
      const s = await reg.uploads.create(repo);
      return { uploadId: s.id, partSize: PART_SIZE };
    },

    async UploadLayerPart(input: UploadLayerPartRequest): Promise<UploadLayerPartResponse> {
      const repo = requireRepository(reg, input.repositoryName, input.registryId).repositoryName;
      const s = await session(repo, input.uploadId);
      const blob = input.layerPartBlob as unknown as Buffer;
      const first = input.partFirstByte!;
      const last = input.partLastByte!;
      if (first !== s.size || last - first + 1 !== blob.length) {
        throw new InvalidLayerPart(`The part (${first}-${last}) does not continue upload '${s.id}' at byte ${s.size} with ${blob.length} bytes`);
      }
      await reg.uploads.append(s, Readable.from([blob]));
      return { registryId: reg.opts.accountId, repositoryName: repo, uploadId: s.id, lastByteReceived: s.size - 1 };
    },

    async CompleteLayerUpload(input: CompleteLayerUploadRequest): Promise<CompleteLayerUploadResponse> {
      const repo = requireRepository(reg, input.repositoryName, input.registryId).repositoryName;
      const s = await session(repo, input.uploadId);
      const digest = input.layerDigests?.[0] ?? '';
      if (input.layerDigests?.length !== 1 || !isDigest(digest)) {
        // As with a digest that does not match: the upload ends, so no file is left behind for it.
        await reg.uploads.cancel(s);
        throw new InvalidLayer('Exactly one valid layer digest is required.');
      }
      if (s.size === 0) throw new EmptyUpload(`The upload with id '${s.id}' contains no data.`);
      if (linkedSize(reg, repo, digest) !== undefined) {
        await reg.uploads.cancel(s);
        throw new LayerAlreadyExists(`Layer with digest '${digest}' already exists in the repository with name '${repo}'`);
      }
      try {
        const size = await reg.uploads.finish(s, digest);
        await linkBlob(reg, repo, digest, size);
      } catch (err) {
        if (err instanceof RegistryError && err.code === 'DIGEST_INVALID') throw new InvalidLayer(`The calculated digest does not match the provided digest ${digest}.`);
        throw err;
      }
      return { registryId: reg.opts.accountId, repositoryName: repo, uploadId: s.id, layerDigest: digest };
    },

    BatchCheckLayerAvailability(input: BatchCheckLayerAvailabilityRequest): BatchCheckLayerAvailabilityResponse {
      const repo = requireRepository(reg, input.repositoryName, input.registryId).repositoryName;
      const res: BatchCheckLayerAvailabilityResponse = { layers: [], failures: [] };
      for (const d of input.layerDigests ?? []) {
        const size = isDigest(d) ? linkedSize(reg, repo, d) : undefined;
        if (!isDigest(d)) res.failures!.push({ layerDigest: d, failureCode: 'InvalidLayerDigest', failureReason: 'Invalid layer digest' });
        else if (size === undefined) res.failures!.push({ layerDigest: d, failureCode: 'MissingLayerDigest', failureReason: 'Could not find layer' });
        else res.layers!.push({ layerDigest: d, layerAvailability: 'AVAILABLE', layerSize: size, mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip' });
      }
      return res;
    },

    async GetDownloadUrlForLayer(input: GetDownloadUrlForLayerRequest): Promise<GetDownloadUrlForLayerResponse> {
      const repo = requireRepository(reg, input.repositoryName, input.registryId).repositoryName;
      const digest = input.layerDigest ?? '';
      if (!isDigest(digest) || linkedSize(reg, repo, digest) === undefined) {
        throw new LayerInaccessible(`The layer with digest '${digest}' is not accessible in the repository with name '${repo}'`);
      }
      const query = await signDownload(reg, repo, digest);
      return { downloadUrl: `http://${reg.opts.publicHost()}/v2/${repo}/blobs/${digest}?${query}`, layerDigest: digest };
    },
  };
}
