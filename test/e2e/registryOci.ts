// Helpers for the registry tests that speak the OCI distribution API directly: blobs, image manifests, indexes.
import { createHash } from 'node:crypto';
import { v2, type RegistryWharf } from './registryHarness.js';

export const sha = (b: Buffer | string) => 'sha256:' + createHash('sha256').update(b).digest('hex');

export async function pushBlob(w: RegistryWharf, pw: string, repo: string, data: Buffer | string): Promise<string> {
  const digest = sha(data);
  const r = await v2(w, pw, 'POST', `/v2/${repo}/blobs/uploads/?digest=${digest}`, data, { 'content-type': 'application/octet-stream' });
  if (r.status !== 201) throw new Error(`blob push ${r.status}: ${await r.text()}`);
  return digest;
}

/** Pushes a config and one layer, then an OCI image manifest under `ref`; returns the manifest's digest and body. */
export async function pushImage(
  w: RegistryWharf, pw: string, repo: string, ref: string, seed: string, extra: Record<string, unknown> = {},
): Promise<{ digest: string; body: string }> {
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', seed });
  const layer = Buffer.from(`layer of ${seed}`);
  const cd = await pushBlob(w, pw, repo, config);
  const ld = await pushBlob(w, pw, repo, layer);
  const body = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: cd, size: Buffer.byteLength(config) },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: ld, size: layer.length }],
    ...extra,
  });
  const r = await v2(w, pw, 'PUT', `/v2/${repo}/manifests/${ref}`, body, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
  if (r.status !== 201) throw new Error(`manifest push ${r.status}: ${await r.text()}`);
  return { digest: r.headers.get('docker-content-digest')!, body };
}

export async function errorCode(r: Response): Promise<string | undefined> {
  const j = (await r.json()) as { errors?: { code: string }[] };
  return j.errors?.[0]?.code;
}
