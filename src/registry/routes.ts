// The OCI distribution API on the gateway's port: `/v2/...` requests are authenticated (Basic `AWS:<password>` as
// ECR's, or Bearer), matched to one endpoint, checked for a valid name, allowed by the password holder's policies
// (ECR's IAM action for the endpoint on the repository's ARN), checked for an existing repository, and handed to the
// blob, upload, manifest or listing handlers. Errors leave in the spec's JSON shape.
import type http from 'node:http';
import { presentedKey, verifyDownload } from './auth.js';
import { blobHandlers } from './blobRoutes.js';
import type { Registry, RegistryPrincipal } from './core.js';
import { RegistryError, sendRegistryError } from './errors.js';
import { listHandlers } from './listRoutes.js';
import { manifestHandlers } from './manifestRoutes.js';
import { isRepositoryName } from './names.js';
import { reply, API_VERSION } from './http.js';
import { uploadHandlers } from './uploadRoutes.js';

export interface RouteContext {
  reg: Registry;
  req: http.IncomingMessage;
  res: http.ServerResponse;
  name: string;
  /** The path's last part: a digest, tag or upload id. */
  ref: string;
  query: URLSearchParams;
  /** Whether the password's holder may take an ECR action on another repository (a mount's source). */
  may: (action: string, repository: string) => boolean;
}

type Handler = (c: RouteContext) => Promise<void> | void;

/** ECR's IAM action for each endpoint and method, as ECR's own registry asks them. */
const ACTIONS: Record<string, Record<string, string>> = {
  tags: { GET: 'ecr:ListImages' },
  manifests: { GET: 'ecr:BatchGetImage', HEAD: 'ecr:BatchGetImage', PUT: 'ecr:PutImage', DELETE: 'ecr:BatchDeleteImage' },
  // An upload's status and its cancellation belong to the push that started it.
  uploads: { POST: 'ecr:InitiateLayerUpload', PATCH: 'ecr:UploadLayerPart', PUT: 'ecr:CompleteLayerUpload', GET: 'ecr:UploadLayerPart', DELETE: 'ecr:InitiateLayerUpload' },
  blobs: { GET: 'ecr:GetDownloadUrlForLayer', HEAD: 'ecr:BatchCheckLayerAvailability', DELETE: 'ecr:BatchDeleteImage' },
  referrers: { GET: 'ecr:BatchGetImage' },
};

/** The presigned download's signature stands for the GetDownloadUrlForLayer call that made it. */
const EVERYTHING: RegistryPrincipal = { refusal: () => undefined };

/** The holder of the request's password: undefined when there is none, it is not valid, or its key no longer works. */
function principalOf(reg: Registry, req: http.IncomingMessage): RegistryPrincipal | undefined {
  const key = presentedKey(reg, req);
  if (key === undefined) return undefined;
  return reg.opts.access ? reg.opts.access.principal(key, reg.now()) : EVERYTHING;
}

const PATH = /^\/v2\/(.+?)\/(tags\/list|manifests\/([^/]+)|blobs\/uploads\/([^/]*)|blobs\/([^/]+)|referrers\/([^/]+))$/;

function safeDecode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

export function registryRoutes(reg: Registry): { prefix: string; handle: (req: http.IncomingMessage, res: http.ServerResponse) => void }[] {
  const blobs = blobHandlers();
  const uploads = uploadHandlers();
  const manifests = manifestHandlers();
  const lists = listHandlers();
  const table: Record<string, Record<string, Handler>> = {
    tags: { GET: lists.tags },
    manifests: { GET: manifests.get, HEAD: manifests.get, PUT: manifests.put, DELETE: manifests.delete },
    uploads: { POST: uploads.start, PATCH: uploads.patch, PUT: uploads.put, GET: uploads.status, DELETE: uploads.cancel },
    blobs: { GET: blobs.get, HEAD: blobs.get, DELETE: blobs.delete },
    referrers: { GET: lists.referrers },
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    // The raw path, not a normalized one: `/v2/a/../b` must be refused as a name, never resolved to `/v2/b`.
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const url = { pathname: q < 0 ? raw : raw.slice(0, q), searchParams: new URLSearchParams(q < 0 ? '' : raw.slice(q + 1)) };
    const method = req.method ?? 'GET';
    const m = PATH.exec(url.pathname);
    const kind = !m ? undefined : m[2] === 'tags/list' ? 'tags' : m[3] !== undefined ? 'manifests' : m[4] !== undefined ? 'uploads' : m[5] !== undefined ? 'blobs' : 'referrers';
    // Decoding can fail (`%zz`); until the caller is known that is only "not a presigned download", never an error.
    const ref = m ? safeDecode(m[3] ?? m[4] ?? m[5] ?? m[6] ?? '') : '';
    const presigned = kind === 'blobs' && method === 'GET' && ref !== undefined && url.searchParams.has('X-Wharf-Signature') && verifyDownload(reg, m![1]!, ref, url.searchParams);
    const principal = presigned ? EVERYTHING : principalOf(reg, req);
    if (!principal) {
      if (req.headers['content-length'] || req.headers['transfer-encoding']) res.setHeader('connection', 'close');
      throw new RegistryError('UNAUTHORIZED', 'authentication required', undefined);
    }
    const may = (action: string, repository: string) => principal.refusal(action, reg.repositoryArn(repository)) === undefined;
    if (url.pathname === '/v2/' || url.pathname === '/v2') return reply(res, 200, { 'content-type': 'application/json' }, '{}');
    if (url.pathname === '/v2/_catalog' && method === 'GET') return lists.catalog({ reg, req, res, name: '', ref: '', query: url.searchParams, may });
    if (!m || !kind) throw new RegistryError('UNSUPPORTED', `no such endpoint: ${method} ${url.pathname}`, undefined, 404);
    const name = m[1]!;
    if (!isRepositoryName(name)) throw new RegistryError('NAME_INVALID', `invalid repository name '${name}'`);
    // Before the repository is looked up, as ECR: a caller who may not act on a name learns nothing about it.
    const action = ACTIONS[kind]![method];
    const refusal = action && principal.refusal(action, reg.repositoryArn(name));
    if (refusal) {
      if (req.headers['content-length'] || req.headers['transfer-encoding']) res.setHeader('connection', 'close');
      throw new RegistryError('DENIED', refusal);
    }
    if (!reg.repository(name)) throw new RegistryError('NAME_UNKNOWN', `The repository with name '${name}' does not exist in the registry`, { name });
    if (ref === undefined) throw new RegistryError(kind === 'manifests' ? 'TAG_INVALID' : kind === 'uploads' ? 'BLOB_UPLOAD_UNKNOWN' : 'DIGEST_INVALID', 'the path is not valid percent-encoding');
    const h = table[kind]![method];
    if (!h) throw new RegistryError('UNSUPPORTED', `${method} is not supported here`);
    await h({ reg, req, res, name, ref, query: url.searchParams, may });
  };

  return [
    {
      prefix: '/v2',
      handle: (req, res) => {
        handle(req, res).catch((err: unknown) => {
          if (err instanceof RegistryError) {
            const extra = err.code === 'UNAUTHORIZED' ? { 'www-authenticate': `Basic realm="${reg.opts.publicHost()}",service="ecr.amazonaws.com"` } : {};
            sendRegistryError(res, err, extra);
            if (req.readable) req.resume();
            return;
          }
          reg.opts.logger?.error({ err, url: req.url }, 'registry request failed');
          if (res.headersSent) return void res.destroy();
          reply(res, 500, { ...API_VERSION, 'content-type': 'application/json' }, JSON.stringify({ errors: [{ code: 'UNKNOWN', message: 'internal error' }] }));
        });
      },
    },
  ];
}
