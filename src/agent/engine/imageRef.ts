// Image references as versionConsistency needs them: the repository of a reference (tag and digest dropped), the
// manifest digest Docker recorded for that repository when it pulled or pushed the image (its RepoDigests), and the
// reference that pins a repository to one digest (repo@sha256:...), which any host can pull from the registry.

/** `host:5000/a/b:tag` → `host:5000/a/b`; `a@sha256:..` → `a`. A colon before the last slash is a registry port. */
export function repositoryOf(image: string): string {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref;
}

/** Docker Hub's short names: `docker.io/library/busybox` and `busybox` are one repository. */
function familiar(repo: string): string {
  return repo.replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '');
}

const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}$/;

export function isDigest(s: string): boolean {
  return DIGEST.test(s);
}

/**
 * The manifest digest (sha256:...) of `image` among an image's RepoDigests (`repo@sha256:...`), or undefined for an
 * image no registry gave or took (built here and never pushed). A reference by digest names its own.
 */
export function repoDigestOf(image: string, repoDigests: readonly string[]): string | undefined {
  const at = image.indexOf('@');
  if (at >= 0 && isDigest(image.slice(at + 1))) return image.slice(at + 1);
  const repo = familiar(repositoryOf(image));
  for (const rd of repoDigests) {
    const i = rd.lastIndexOf('@');
    if (i > 0 && familiar(rd.slice(0, i)) === repo && isDigest(rd.slice(i + 1))) return rd.slice(i + 1);
  }
  return undefined;
}

/** The reference that runs `image`'s repository at `digest`. */
export function pinnedReference(image: string, digest: string): string {
  return `${repositoryOf(image)}@${digest}`;
}
