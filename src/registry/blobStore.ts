// Content-addressed blob bytes under `<dataDir>/registry/blobs/<alg>/<xx>/<hex>`. A blob file appears only by
// rename(2) of a fully written, fsynced temp file from the same file system, and the directory is fsynced after, so
// a crash leaves either no blob or a whole one; never a torn one under a digest name.
import { mkdir, open, readdir, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RegistryError } from './errors.js';
import { isDigest } from './names.js';

export class BlobStore {
  readonly root: string;
  readonly uploadsDir: string;
  private readonly locks = new Map<string, Promise<void>>();

  constructor(dataDir: string) {
    this.root = join(dataDir, 'registry', 'blobs');
    this.uploadsDir = join(dataDir, 'registry', 'uploads');
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await mkdir(this.uploadsDir, { recursive: true });
  }

  /** Only a well-formed digest names a file, so no name can reach outside the blob directory. */
  path(digest: string): string {
    if (!isDigest(digest)) throw new RegistryError('DIGEST_INVALID', `invalid digest '${digest}'`);
    const [alg, hex] = digest.split(':') as [string, string];
    return join(this.root, alg, hex.slice(0, 2), hex);
  }

  async size(digest: string): Promise<number | undefined> {
    try {
      return (await stat(this.path(digest))).size;
    } catch {
      return undefined;
    }
  }

  /** Moves a complete, fsynced file into place under its digest (or drops it when that blob is already there). */
  async adopt(tempFile: string, digest: string): Promise<void> {
    const target = this.path(digest);
    if ((await this.size(digest)) !== undefined) {
      await rm(tempFile, { force: true });
      return;
    }
    await mkdir(dirname(target), { recursive: true });
    await rename(tempFile, target);
    await fsyncDir(dirname(target));
  }

  /** Writes small content (a manifest) the same crash-safe way. */
  async write(digest: string, data: Buffer): Promise<void> {
    if ((await this.size(digest)) !== undefined) return;
    const tmp = join(this.uploadsDir, `manifest-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await this.adopt(tmp, digest);
  }

  /** The blob's file opened for reading, or undefined when there is none. */
  async open(digest: string): Promise<FileHandle | undefined> {
    const p = this.path(digest);
    return open(p, 'r').catch(() => undefined);
  }

  async remove(digest: string): Promise<void> {
    await unlink(this.path(digest)).catch(() => undefined);
  }

  /** Every digest with a file on disk (for GC's orphan sweep). */
  async *list(): AsyncGenerator<{ digest: string; mtimeMs: number }> {
    for (const alg of await readdir(this.root).catch(() => [] as string[])) {
      for (const prefix of await readdir(join(this.root, alg)).catch(() => [] as string[])) {
        for (const hex of await readdir(join(this.root, alg, prefix)).catch(() => [] as string[])) {
          const st = await stat(join(this.root, alg, prefix, hex)).catch(() => undefined);
          if (st && isDigest(`${alg}:${hex}`)) yield { digest: `${alg}:${hex}`, mtimeMs: st.mtimeMs };
        }
      }
    }
  }

  /** Serializes work on one digest in this process (adopting vs. GC removing the same blob). */
  async withLock<R>(digest: string, fn: () => Promise<R>): Promise<R> {
    const prev = this.locks.get(digest) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const chained = prev.then(() => mine);
    this.locks.set(digest, chained);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.locks.get(digest) === chained) this.locks.delete(digest);
    }
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
