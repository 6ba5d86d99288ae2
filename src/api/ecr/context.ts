// What every ECR handler shares: the registry, the repository lookup that throws ECR's error, how a repository is
// shown, and the translation of registry (OCI) errors into ECR's error codes.
import type { Repository } from '@aws-sdk/client-ecr';
import {
  AwsError, ImageDigestDoesNotMatch, ImageTagAlreadyExists, InvalidParameter, LayersNotFound, ReferencedImagesNotFound,
  RepositoryNotFound,
} from '../../domain/errors.js';
import type { Registry } from '../../registry/core.js';
import { RegistryError } from '../../registry/errors.js';
import type { RepositoryRecord } from '../../registry/tables.js';

export function requireRepository(reg: Registry, name: string | undefined, registryId?: string): RepositoryRecord {
  const rec = name ? reg.repository(name) : undefined;
  if (!rec || (registryId && registryId !== reg.opts.accountId)) {
    throw new RepositoryNotFound(`The repository with name '${name}' does not exist in the registry with id '${registryId ?? reg.opts.accountId}'`);
  }
  return rec;
}

export function presentRepository(reg: Registry, r: RepositoryRecord): Repository {
  return {
    repositoryArn: r.repositoryArn,
    registryId: r.registryId,
    repositoryName: r.repositoryName,
    repositoryUri: reg.repositoryUri(r.repositoryName),
    createdAt: new Date(r.createdAt),
    imageTagMutability: r.imageTagMutability,
    imageScanningConfiguration: r.imageScanningConfiguration,
    encryptionConfiguration: r.encryptionConfiguration as Repository['encryptionConfiguration'],
  };
}

/** Runs registry code and turns its OCI errors into the ECR codes the API documents. */
export async function asEcr<R>(fn: () => Promise<R>): Promise<R> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof RegistryError)) throw err;
    throw toEcrError(err);
  }
}

function toEcrError(err: RegistryError): AwsError {
  switch (err.code) {
    case 'NAME_UNKNOWN':
      return new RepositoryNotFound(err.message);
    case 'TAG_INVALID':
      return err.message.includes('immutable') ? new ImageTagAlreadyExists(err.message) : new InvalidParameter(err.message);
    case 'DIGEST_INVALID':
      return new ImageDigestDoesNotMatch(err.message);
    case 'MANIFEST_BLOB_UNKNOWN': {
      const d = (err.detail as { digest?: string } | undefined)?.digest;
      return err.message.startsWith('manifest')
        ? new ReferencedImagesNotFound(`The referenced image ${d} does not exist in the repository.`)
        : new LayersNotFound(`Layers with digests '[${d}]' required for pushing image into repository are not found.`);
    }
    default:
      return new InvalidParameter(`Invalid parameter: ${err.message}`);
  }
}
