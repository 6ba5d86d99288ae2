// GET/HEAD/DELETE of a blob in a repository. GET streams the file (with Range, answering 206), HEAD only states it.
import { RegistryError } from './errors.js';
import { parseRange, reply, API_VERSION } from './http.js';
import { linkedSize } from './links.js';
import { imageId, isDigest } from './names.js';
import type { RouteContext } from './routes.js';
import { sendFile } from './sendFile.js';
import { Txn } from '../store/cache.js';

export function blobHandlers() {
  return {
    async get({ reg, req, res, name, ref }: RouteContext) {
      if (!isDigest(ref)) throw new RegistryError('DIGEST_INVALID', `invalid digest '${ref}'`);
      const size = linkedSize(reg, name, ref);
      // GET opens the file at once (one call, where a stat and then an open were two), so a file GC took meanwhile is
      // still a clean 404 and the bytes sent are those of the file found.
      const head = req.method === 'HEAD';
      const fh = size !== undefined && !head ? await reg.blobs.open(ref) : undefined;
      if (size === undefined || (head ? (await reg.blobs.size(ref)) === undefined : !fh)) {
        throw new RegistryError('BLOB_UNKNOWN', 'blob unknown to registry', { digest: ref });
      }
      try {
        const base = {
          ...API_VERSION,
          'docker-content-digest': ref,
          'accept-ranges': 'bytes',
          'content-type': 'application/octet-stream',
          etag: `"${ref}"`,
          'cache-control': 'max-age=31536000',
        };
        const range = parseRange(req.headers.range, size);
        if (head || !fh) return reply(res, 200, { ...base, 'content-length': size });
        if (range) {
          res.writeHead(206, { ...base, 'content-length': range.end - range.start + 1, 'content-range': `bytes ${range.start}-${range.end}/${size}` });
        } else {
          res.writeHead(200, { ...base, 'content-length': size });
        }
        await sendFile(fh, res, range?.start ?? 0, range?.end ?? size - 1).then(() => res.end(), () => res.destroy());
      } finally {
        await fh?.close();
      }
    },

    /** Unlinks the blob from this repository; the bytes go when GC finds nothing else refers to them. */
    async delete({ reg, res, name, ref }: RouteContext) {
      if (!isDigest(ref)) throw new RegistryError('DIGEST_INVALID', `invalid digest '${ref}'`);
      const found = await reg.cache.update(() => {
        const row = reg.tables.links.get(imageId(name, ref));
        if (!row) return { txn: new Txn(), result: false };
        return { txn: new Txn().delete(reg.tables.links, row.id, row.modRevision), result: true };
      });
      if (!found) throw new RegistryError('BLOB_UNKNOWN', 'blob unknown to registry', { digest: ref });
      reply(res, 202, { 'docker-content-digest': ref });
    },
  };
}
