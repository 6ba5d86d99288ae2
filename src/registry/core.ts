// The registry as one object both front doors share: the OCI routes (/v2/) and the ECR JSON API. It holds the
// resolved options, the tables, the blob store and the upload sessions; the operations live in images.ts, links.ts,
// gc.ts and lifecycle runs, each a small module over this.
import type { Logger } from 'pino';
import type { Sealer } from '../sealing/index.js';
import { MAX_TOKEN_TTL_MS } from './auth.js';
import type { StateCache } from '../store/cache.js';
import { BlobStore } from './blobStore.js';
import type { ImageRecord, RegistryTables, RepositoryRecord } from './tables.js';
import { sealStoredKey } from './signingKey.js';
import { Uploads } from './uploads.js';
import { imageId, isDigest, tagId } from './names.js';

/** Who holds an access key now, as the gateway would decide it (identity/access.ts behind it). */
export interface RegistryAccess {
  /** Undefined when the key no longer works: deleted, inactive, an expired session, or never known. */
  principal(accessKeyId: string, now: Date): RegistryPrincipal | undefined;
}

export interface RegistryPrincipal {
  /** Undefined when the action on the resource is allowed, else AWS's refusal text. */
  refusal(action: string, resource: string): string | undefined;
}

export interface RegistryDeps {
  cache: StateCache;
  tables: RegistryTables;
  /** Blobs go under `<dataDir>/registry/`. */
  dataDir: string;
  accountId: string;
  region: string;
  /** `host:port` that docker reaches; a function because the gateway's port is known only once it listens. */
  publicHost: () => string;
  logger?: Logger;
  now?: () => Date;
  /** Blobs and links younger than this are never collected (a push in flight). Default one hour. */
  gcGraceMs?: number;
  /** How often GC and lifecycle policies run; 0 disables the timers. Default ten minutes. */
  sweepIntervalMs?: number;
  /** Lifetime of registry passwords. Default and most 12 hours, as ECR's. */
  tokenTtlMs?: number;
  /** Seals the password signing key in the store. */
  sealer: Sealer;
  /** Resolves a password's key to its holder and asks its policies; without it every valid password may do anything. */
  access?: RegistryAccess;
}

export type RegistryOptions = Required<Omit<RegistryDeps, 'logger' | 'access'>> & { logger?: Logger; access?: RegistryAccess };

export class Registry {
  readonly opts: RegistryOptions;
  readonly blobs: BlobStore;
  readonly uploads: Uploads;
  private timer: NodeJS.Timeout | undefined;

  constructor(deps: RegistryDeps) {
    this.opts = {
      now: () => new Date(),
      gcGraceMs: 60 * 60 * 1000,
      sweepIntervalMs: 10 * 60 * 1000,
      ...deps,
      tokenTtlMs: Math.min(deps.tokenTtlMs ?? MAX_TOKEN_TTL_MS, MAX_TOKEN_TTL_MS),
    };
    this.blobs = new BlobStore(deps.dataDir);
    this.uploads = new Uploads(this.blobs);
  }

  get cache(): StateCache {
    return this.opts.cache;
  }

  get tables(): RegistryTables {
    return this.opts.tables;
  }

  now(): Date {
    return this.opts.now();
  }

  /** Creates the directories and starts the periodic sweep (`sweep` runs GC and lifecycle policies). */
  async start(sweep: () => Promise<void>): Promise<void> {
    await this.blobs.init();
    if (await sealStoredKey(this)) this.opts.logger?.info('registry signing key sealed at rest');
    if (this.opts.sweepIntervalMs > 0) {
      this.timer = setInterval(() => {
        sweep().catch((err: unknown) => this.opts.logger?.warn({ err }, 'registry sweep failed'));
      }, this.opts.sweepIntervalMs);
      this.timer.unref();
    }
  }

  stop(): void {
    clearInterval(this.timer);
    void this.uploads.stop();
  }

  repository(name: string): RepositoryRecord | undefined {
    return this.tables.repositories.get(name)?.value;
  }

  repositoryArn(name: string): string {
    return `arn:aws:ecr:${this.opts.region}:${this.opts.accountId}:repository/${name}`;
  }

  repositoryUri(name: string): string {
    return `${this.opts.publicHost()}/${name}`;
  }

  /** The image a tag or digest names in a repository. */
  resolve(repo: string, ref: string): ImageRecord | undefined {
    const digest = isDigest(ref) ? ref : this.tables.tags.get(tagId(repo, ref))?.value.digest;
    return digest ? this.tables.images.get(imageId(repo, digest))?.value : undefined;
  }

  tagsOf(repo: string, digest: string): string[] {
    return [...this.tables.tags.byIndex('image', imageId(repo, digest))].map((r) => r.value.tag).sort();
  }

  imagesOf(repo: string): ImageRecord[] {
    return [...this.tables.images.byIndex('repo', repo)].map((r) => r.value);
  }
}
