// Parsing a pushed manifest: which media types Wharf stores, what the manifest references (blobs, child manifests, a
// subject), and the checks that make a body MANIFEST_INVALID. Pure: no store, no disk.
import { RegistryError } from './errors.js';
import { isDigest } from './names.js';

export const MEDIA = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
} as const;

const INDEXES: readonly string[] = [MEDIA.dockerList, MEDIA.ociIndex];
const IMAGES: readonly string[] = [MEDIA.dockerManifest, MEDIA.ociManifest];
/** ECR's limit on a manifest's size. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  artifactType?: string;
  urls?: string[];
}

export interface ParsedManifest {
  mediaType: string;
  artifactType?: string;
  /** Blobs that must exist in the repository: config and layers. */
  blobs: { digest: string; size: number }[];
  /** Manifests an index lists, which must exist in the repository. */
  children: { digest: string; size: number }[];
  subject?: string;
  annotations?: Record<string, string>;
  imageSizeInBytes: number;
}

export function isIndex(mediaType: string): boolean {
  return INDEXES.includes(mediaType);
}

/** Parses body; `contentType` is the request's Content-Type (or ECR's imageManifestMediaType). */
export function parseManifest(body: Buffer, contentType: string | undefined): ParsedManifest {
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new RegistryError('MANIFEST_INVALID', 'manifest is not valid JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw invalid('manifest must be a JSON object');
  if (doc.schemaVersion !== 2) throw invalid('only schemaVersion 2 manifests are supported');
  const declared = typeof doc.mediaType === 'string' ? doc.mediaType : undefined;
  const header = contentType?.split(';')[0]?.trim();
  if (declared && header && header !== declared && header !== 'application/json') {
    throw invalid(`Content-Type ${header} does not match the manifest's mediaType ${declared}`);
  }
  const mediaType = declared ?? (header && header !== 'application/json' ? header : guess(doc));
  const subject = doc.subject === undefined ? undefined : descriptor(doc.subject, 'subject').digest;
  const annotations = doc.annotations as Record<string, string> | undefined;
  if (isIndex(mediaType)) {
    if (!Array.isArray(doc.manifests)) throw invalid('an index needs a manifests array');
    const children = doc.manifests.map((m, i) => descriptor(m, `manifests[${i}]`));
    const artifactType = typeof doc.artifactType === 'string' ? doc.artifactType : undefined;
    return { mediaType, artifactType, blobs: [], children, subject, annotations, imageSizeInBytes: sum(children) };
  }
  if (!IMAGES.includes(mediaType)) throw invalid(`unsupported manifest media type ${mediaType}`);
  const config = descriptor(doc.config, 'config');
  if (!Array.isArray(doc.layers)) throw invalid('an image manifest needs a layers array');
  const layers = doc.layers.map((l, i) => descriptor(l, `layers[${i}]`));
  // Foreign (non-distributable) layers with URLs live elsewhere; everything else must be pushed first.
  const blobs = [config, ...layers.filter((l) => !l.urls?.length)];
  const artifactType =
    typeof doc.artifactType === 'string' ? doc.artifactType : mediaType === MEDIA.ociManifest ? config.mediaType : undefined;
  return { mediaType, artifactType, blobs, children: [], subject, annotations, imageSizeInBytes: sum(layers) };
}

function descriptor(v: unknown, where: string): Descriptor {
  const d = v as Descriptor | undefined;
  if (!d || typeof d !== 'object' || typeof d.digest !== 'string' || !isDigest(d.digest)) {
    throw invalid(`${where}: a descriptor needs a valid digest`);
  }
  if (!Number.isSafeInteger(d.size) || d.size < 0) throw invalid(`${where}: a descriptor needs a size`);
  return d;
}

function guess(doc: Record<string, unknown>): string {
  return Array.isArray(doc.manifests) ? MEDIA.ociIndex : MEDIA.ociManifest;
}

const sum = (ds: { size: number }[]) => ds.reduce((n, d) => n + d.size, 0);
const invalid = (message: string) => new RegistryError('MANIFEST_INVALID', message);
