// Manifests by tag or digest: GET/HEAD serve the stored bytes with their media type and digest, PUT stores one
// (images.ts checks it), DELETE removes an image by digest or just a tag.
import { readFile } from 'node:fs/promises';
import { RegistryError } from './errors.js';
import { readBounded, reply } from './http.js';
import { deleteImage, putManifest, untag } from './images.js';
import { MAX_MANIFEST_BYTES } from './manifests.js';
import { isDigest, isTag } from './names.js';
import type { RouteContext } from './routes.js';

function checkRef(ref: string): void {
  if (!isDigest(ref) && !isTag(ref)) {
    throw new RegistryError(ref.includes(':') ? 'DIGEST_INVALID' : 'TAG_INVALID', `invalid reference '${ref}'`);
  }
}

export function manifestHandlers() {
  return {
    async get({ reg, req, res, name, ref }: RouteContext) {
      checkRef(ref);
      const image = reg.resolve(name, ref);
      const unknown = () => new RegistryError('MANIFEST_UNKNOWN', `manifest unknown: '${ref}' is not in '${name}'`, { name, reference: ref });
      if (!image) throw unknown();
      const body = await readFile(reg.blobs.path(image.digest)).catch(() => undefined);
      if (!body) throw unknown();
      const headers = {
        'content-type': image.mediaType,
        'docker-content-digest': image.digest,
        etag: `"${image.digest}"`,
        'content-length': body.length,
      };
      if (req.method === 'HEAD') return reply(res, 200, headers);
      reply(res, 200, headers, body);
    },

    async put({ reg, req, res, name, ref }: RouteContext) {
      checkRef(ref);
      const body = await readBounded(req, MAX_MANIFEST_BYTES);
      const { image } = await putManifest(reg, name, ref, body, req.headers['content-type']);
      reply(res, 201, {
        location: `/v2/${name}/manifests/${image.digest}`,
        'docker-content-digest': image.digest,
        ...(image.subject ? { 'oci-subject': image.subject } : {}),
      });
    },

    async delete({ reg, res, name, ref }: RouteContext) {
      checkRef(ref);
      const found = isDigest(ref) ? await deleteImage(reg, name, ref) : await untag(reg, name, ref);
      if (!found) throw new RegistryError('MANIFEST_UNKNOWN', `manifest unknown: '${ref}' is not in '${name}'`);
      reply(res, 202);
    },
  };
}
