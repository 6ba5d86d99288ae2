// The blob upload endpoints: start (plain, monolithic with ?digest=, or a cross-repository mount with ?mount=&from=),
// PATCH chunks (Content-Range checked, so a client can resume after GET tells it the offset), PUT to finish with
// the digest, GET status, DELETE to cancel.
import { RegistryError } from './errors.js';
import { hasBody, reply, uploadRange } from './http.js';
import { linkBlob, linkedSize } from './links.js';
import { isDigest, isRepositoryName } from './names.js';
import type { RouteContext } from './routes.js';
import type { UploadSession } from './uploads.js';

const location = (name: string, id: string) => `/v2/${name}/blobs/uploads/${id}`;

function progress(res: RouteContext['res'], name: string, s: UploadSession, status: number) {
  reply(res, status, { location: location(name, s.id), range: uploadRange(s.size), 'docker-upload-uuid': s.id });
}

async function finish(c: RouteContext, s: UploadSession, digest: string | null) {
  if (!digest || !isDigest(digest)) {
    if (hasBody(c.req)) c.req.resume();
    // The session cannot finish without a digest it could trust, so it ends here, its file with it.
    await c.reg.uploads.cancel(s);
    throw new RegistryError('DIGEST_INVALID', 'a valid digest query parameter is required to finish an upload');
  }
  if (hasBody(c.req)) await c.reg.uploads.append(s, c.req);
  const size = await c.reg.uploads.finish(s, digest);
  await linkBlob(c.reg, c.name, digest, size);
  reply(c.res, 201, { location: `/v2/${c.name}/blobs/${digest}`, 'docker-content-digest': digest });
}

export function uploadHandlers() {
  return {
    async start(c: RouteContext) {
      const { reg, name, query } = c;
      const mount = query.get('mount');
      const from = query.get('from');
      // A mount from a repository the caller may not pull from falls back to a plain upload, as the spec allows.
      if (mount && isDigest(mount) && from && isRepositoryName(from) && c.may('ecr:GetDownloadUrlForLayer', from) && reg.repository(from)) {
        const size = linkedSize(reg, from, mount);
        if (size !== undefined && (await reg.blobs.size(mount)) !== undefined) {
          await linkBlob(reg, name, mount, size);
          return reply(c.res, 201, { location: `/v2/${name}/blobs/${mount}`, 'docker-content-digest': mount });
        }
      }
      const s = await reg.uploads.create(name);
      if (query.has('digest')) return finish(c, s, query.get('digest'));
      if (hasBody(c.req)) await reg.uploads.append(s, c.req);
      progress(c.res, name, s, 202);
    },

    async patch(c: RouteContext) {
      const s = await c.reg.uploads.get(c.ref, c.name);
      const cr = /^(?:bytes )?(\d+)-(\d+)/.exec(c.req.headers['content-range'] ?? '');
      await c.reg.uploads.append(s, c.req, cr ? Number(cr[1]) : undefined);
      progress(c.res, c.name, s, 202);
    },

    async put(c: RouteContext) {
      const s = await c.reg.uploads.get(c.ref, c.name);
      await finish(c, s, c.query.get('digest'));
    },

    async status(c: RouteContext) {
      const s = await c.reg.uploads.get(c.ref, c.name);
      progress(c.res, c.name, s, 204);
    },

    async cancel(c: RouteContext) {
      const s = await c.reg.uploads.get(c.ref, c.name);
      await c.reg.uploads.cancel(s);
      reply(c.res, 204);
    },
  };
}
