// Blob upload sessions, shared by the OCI upload endpoints and ECR's InitiateLayerUpload/UploadLayerPart. Bytes are
// appended to a temp file in the uploads directory while a running hash follows them (both on a worker thread:
// uploadWriter.ts); finishing verifies the digest, fsyncs and hands the file to the blob store. A session survives a
// restart (its file and meta are on disk); only the running hash is lost, and the file is then hashed again when the
// upload finishes.
import { randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore } from './blobStore.js';
import { RegistryError } from './errors.js';
import { digestAlgorithm } from './names.js';
import { UploadWriter } from './uploadWriter.js';
import { Writeback } from './writeback.js';

export interface UploadSession {
  id: string;
  repositoryName: string;
  startedAt: number;
  size: number;
  file: string;
  busy: boolean;
}

const ID = /^[0-9a-f-]{36}$/;

export class Uploads {
  private readonly sessions = new Map<string, UploadSession>();
  private readonly writer = new UploadWriter();
  private readonly writeback = new Writeback();

  constructor(private readonly blobs: BlobStore) {}

  async create(repositoryName: string): Promise<UploadSession> {
    const id = randomUUID();
    const s: UploadSession = {
      id, repositoryName, startedAt: Date.now(), size: 0, file: join(this.blobs.uploadsDir, id), busy: false,
    };
    await writeFile(s.file, '', { mode: 0o600 });
    await writeFile(s.file + '.json', JSON.stringify({ repositoryName, startedAt: s.startedAt }), { mode: 0o600 });
    this.sessions.set(id, s);
    return s;
  }

  /** The session, in memory or recovered from disk; BLOB_UPLOAD_UNKNOWN when absent or of another repository. */
  async get(id: string, repositoryName: string): Promise<UploadSession> {
    let s = this.sessions.get(id);
    if (!s && ID.test(id)) s = await this.recover(id);
    if (!s || s.repositoryName !== repositoryName) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry');
    return s;
  }

  /** Appends a body; `start` (from Content-Range) must be where the upload stands. Returns the new size. */
  async append(s: UploadSession, body: Readable, start?: number): Promise<number> {
    if (s.busy) throw new RegistryError('RANGE_INVALID', 'another request is writing this upload');
    if (start !== undefined && start !== s.size) {
      throw new RegistryError('RANGE_INVALID', `upload is at offset ${s.size}, not ${start}`, { offset: s.size });
    }
    s.busy = true;
    const early = this.writeback.follow(s.file);
    try {
      // A request's body chunks are its own, so they move to the worker; others' (ECR's parts) are copied.
      await pipeline(body, this.writer.sink(s.id, s.file, body instanceof IncomingMessage, early.written));
      await early.done();
      s.size = (await stat(s.file)).size;
    } catch (err) {
      await early.done();
      // Part of the body may or may not have reached the file: trust only the file, hash it again at the end. The
      // worker answers after the writes sent before, so the size read next counts every byte that got there.
      await this.writer.drop(s.id).catch(() => undefined);
      s.size = (await stat(s.file).catch(() => ({ size: 0 }))).size;
      throw new RegistryError('BLOB_UPLOAD_INVALID', `upload interrupted: ${(err as Error).message}`);
    } finally {
      s.busy = false;
    }
    return s.size;
  }

  /** Verifies `digest` against the bytes and moves them into the blob store. The session ends either way. */
  async finish(s: UploadSession, digest: string): Promise<number> {
    if (s.busy) throw new RegistryError('RANGE_INVALID', 'another request is writing this upload');
    this.sessions.delete(s.id);
    try {
      const actual = await this.writer.digest(s.id, s.file, digestAlgorithm(digest));
      if (actual !== digest) throw new RegistryError('DIGEST_INVALID', 'provided digest did not match uploaded content', { digest, actual });
      const fh = await open(s.file, 'r+');
      // The size of the bytes the digest was checked over (another replica may have appended to the shared file).
      await fh.stat().then((st) => (s.size = st.size)).then(() => fh.sync()).finally(() => fh.close());
      await this.blobs.withLock(digest, () => this.blobs.adopt(s.file, digest));
      return s.size;
    } finally {
      await rm(s.file, { force: true });
      await rm(s.file + '.json', { force: true });
    }
  }

  async cancel(s: UploadSession): Promise<void> {
    this.sessions.delete(s.id);
    await this.writer.drop(s.id).catch(() => undefined);
    await rm(s.file, { force: true });
    await rm(s.file + '.json', { force: true });
  }

  /** Ends the worker thread (a later upload starts another). */
  stop(): Promise<void> {
    return this.writer.stop();
  }

  private async recover(id: string): Promise<UploadSession | undefined> {
    const file = join(this.blobs.uploadsDir, id);
    try {
      const meta = JSON.parse(await readFile(file + '.json', 'utf8')) as { repositoryName: string; startedAt: number };
      const s: UploadSession = { id, ...meta, size: (await stat(file)).size, file, busy: false };
      this.sessions.set(id, s);
      return s;
    } catch {
      return undefined;
    }
  }
}
