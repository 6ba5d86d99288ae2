// Listing endpoints: a repository's tags (paged with n/last and a Link header), the catalog, and the referrers API
// (the manifests whose subject is a digest, as an OCI index, filterable by artifactType).
import { RegistryError } from './errors.js';
import { replyJson } from './http.js';
import { MEDIA } from './manifests.js';
import { isDigest } from './names.js';
import type { RouteContext } from './routes.js';

function page(all: string[], query: URLSearchParams, link: (n: number, last: string) => string) {
  const last = query.get('last');
  const n = query.has('n') ? Number(query.get('n')) : undefined;
  if (n !== undefined && (!Number.isInteger(n) || n < 0)) throw new RegistryError('UNSUPPORTED', 'n must be a non-negative integer', undefined, 400);
  const after = last ? all.filter((t) => t > last) : all;
  const items = n === undefined ? after : after.slice(0, n);
  const more = n !== undefined && after.length > n && items.length > 0;
  return { items, headers: more ? { link: `<${link(n, items[items.length - 1]!)}>; rel="next"` } : {} };
}

export function listHandlers() {
  return {
    tags({ reg, res, name, query }: RouteContext) {
      const all = [...reg.tables.tags.byIndex('repo', name)].map((r) => r.value.tag).sort();
      const { items, headers } = page(all, query, (n, last) => `/v2/${name}/tags/list?n=${n}&last=${encodeURIComponent(last)}`);
      replyJson(res, { name, tags: items }, headers);
    },

    catalog({ reg, res, query, may }: RouteContext) {
      // Only the repositories the caller may describe, as DescribeRepositories would answer it.
      const all = [...reg.tables.repositories.values()].map((r) => r.id).filter((n) => may('ecr:DescribeRepositories', n)).sort();
      const { items, headers } = page(all, query, (n, last) => `/v2/_catalog?n=${n}&last=${encodeURIComponent(last)}`);
      replyJson(res, { repositories: items }, headers);
    },

    referrers({ reg, res, name, ref, query }: RouteContext) {
      if (!isDigest(ref)) throw new RegistryError('DIGEST_INVALID', `invalid digest '${ref}'`);
      const want = query.get('artifactType');
      const manifests = [...reg.tables.images.byIndex('subject', ref)]
        .map((r) => r.value)
        .filter((i) => i.repositoryName === name && (!want || i.artifactType === want))
        .sort((a, b) => a.digest.localeCompare(b.digest))
        .map((i) => ({ mediaType: i.mediaType, digest: i.digest, size: i.size, artifactType: i.artifactType, annotations: i.annotations }));
      replyJson(
        res,
        { schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests },
        { 'content-type': MEDIA.ociIndex, ...(want ? { 'oci-filters-applied': 'artifactType' } : {}) },
      );
    },
  };
}
