// The registry's own state tables (repositories, images, tags, blob links, blobs), kept in the same store as the
// rest of Wharf so an HA control plane shares them. Blob bytes live on disk (blobStore.ts); these hold the facts.
import type { StateCache, Table } from '../store/cache.js';

export interface RepositoryRecord {
  repositoryName: string;
  repositoryArn: string;
  registryId: string;
  createdAt: string;
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE';
  imageScanningConfiguration: { scanOnPush: boolean };
  encryptionConfiguration: { encryptionType: string; kmsKey?: string };
  tags: { Key: string; Value: string }[];
  policyText?: string;
  lifecyclePolicyText?: string;
  lifecycleEvaluatedAt?: string;
}

/** One manifest stored in one repository. Tags point at it from the tags table. */
export interface ImageRecord {
  repositoryName: string;
  digest: string;
  mediaType: string;
  artifactType?: string;
  /** Manifest bytes. */
  size: number;
  /** Sum of the layers (image manifests) or of the children (indexes), as ECR's imageSizeInBytes. */
  imageSizeInBytes: number;
  pushedAt: string;
  /** Blob digests this manifest needs (config, layers) and child manifest digests (index). */
  blobs: string[];
  children: string[];
  subject?: string;
  annotations?: Record<string, string>;
}

export interface TagRecord {
  repositoryName: string;
  tag: string;
  digest: string;
  updatedAt: string;
}

/** A blob made visible in a repository (by upload, mount or manifest put). */
export interface LinkRecord {
  repositoryName: string;
  digest: string;
  size: number;
  linkedAt: string;
}

/** A blob on disk. Every link to it rewrites this row, so GC's guarded delete loses any race with a new link. */
export interface BlobRecord {
  digest: string;
  size: number;
  lastLinkedAt: string;
}

export interface RegistryTables {
  repositories: Table<RepositoryRecord>;
  images: Table<ImageRecord>;
  tags: Table<TagRecord>;
  links: Table<LinkRecord>;
  blobs: Table<BlobRecord>;
  /** Registry-wide facts: the token signing key, lifecycle previews. */
  meta: Table<unknown>;
}

/** Creates the tables on the cache; call before `cache.start()`. */
export function createRegistryTables(cache: StateCache): RegistryTables {
  const byRepo = { repo: (r: { repositoryName: string }) => r.repositoryName };
  return {
    repositories: cache.table<RepositoryRecord>({ prefix: 'ecr/repositories/' }),
    images: cache.table<ImageRecord>({ prefix: 'ecr/images/', indexes: { ...byRepo, subject: (r) => r.subject } }),
    tags: cache.table<TagRecord>({
      prefix: 'ecr/tags/',
      indexes: { ...byRepo, image: (r) => `${r.repositoryName}@${r.digest}` },
    }),
    links: cache.table<LinkRecord>({ prefix: 'ecr/links/', indexes: { ...byRepo, digest: (r) => r.digest } }),
    blobs: cache.table<BlobRecord>({ prefix: 'ecr/blobs/' }),
    meta: cache.table<unknown>({ prefix: 'ecr/meta/' }),
  };
}
