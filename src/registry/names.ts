// The grammar of what clients name: repositories, tags and digests, as the OCI distribution spec and ECR define them.
// Everything a path or an API call names passes through here before it touches the store or the disk.

/** OCI repository name: lowercase components split by `/`; `..`, leading separators and empty parts never match. */
const NAME = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;
const SHA512 = /^sha512:[a-f0-9]{128}$/;

/** ECR allows 2 to 256 characters. */
export function isRepositoryName(name: string): boolean {
  return name.length >= 2 && name.length <= 256 && NAME.test(name);
}

export function isTag(tag: string): boolean {
  return TAG.test(tag);
}

/** Digests Wharf stores: sha256 (and sha512, verified the same way). */
export function isDigest(ref: string): boolean {
  return SHA256.test(ref) || SHA512.test(ref);
}

export function digestAlgorithm(digest: string): 'sha256' | 'sha512' {
  return digest.startsWith('sha512:') ? 'sha512' : 'sha256';
}

/** Key of one image (manifest) or blob link in a repository. */
export const imageId = (repo: string, digest: string) => `${repo}@${digest}`;
/** Key of one tag in a repository; tags cannot hold `:` or `/`, so the split is unambiguous. */
export const tagId = (repo: string, tag: string) => `${repo}:${tag}`;
