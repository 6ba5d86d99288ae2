// How a parameter's versions and labels move: each put adds version N+1; at 100 versions the oldest goes, unless a
// label holds it; a label lives on one version at a time, at most 10 labels a version, and a label has AWS's shape
// (letters, digits, `.-_`, not starting with a digit, `aws` or `ssm`). Pure functions over copies.
import { ParameterMaxVersionLimitExceeded, ParameterVersionLabelLimitExceeded, ParameterVersionNotFound } from '../errors.js';
import type { ParameterRecord, ParameterVersionRecord } from './parameter.js';

export const MAX_VERSIONS = 100;
export const MAX_LABELS_PER_VERSION = 10;

/** The versions after a put: `added` appended, the oldest dropped past 100 (refused when it carries labels). */
export function appendVersion(p: ParameterRecord | undefined, added: Omit<ParameterVersionRecord, 'version' | 'labels'>, name: string): ParameterVersionRecord[] {
  const versions = p ? [...p.versions] : [];
  const last = versions.at(-1)?.version ?? 0;
  if (versions.length >= MAX_VERSIONS) {
    const oldest = versions[0]!;
    if (oldest.labels.length > 0) {
      throw new ParameterMaxVersionLimitExceeded(
        `You attempted to create a new version of ${name} by calling the PutParameter API with the overwrite flag. Version ${oldest.version}, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.`,
      );
    }
    versions.shift();
  }
  versions.push({ ...added, version: last + 1, labels: [] });
  return versions;
}

export function findVersion(p: ParameterRecord, version: number): ParameterVersionRecord {
  const v = p.versions.find((x) => x.version === version);
  if (!v) throw new ParameterVersionNotFound(`Systems Manager could not find version ${version} of ${p.name}. Verify the version and try again.`);
  return v;
}

export function isValidLabel(label: string): boolean {
  return label.length >= 1 && label.length <= 100 && /^[A-Za-z0-9_.-]+$/.test(label) && !/^[0-9]/.test(label) && !/^(aws|ssm)/i.test(label);
}

/** LabelParameterVersion: the new versions and the labels refused for their shape. */
export function attachLabels(p: ParameterRecord, version: number, labels: readonly string[]): { versions: ParameterVersionRecord[]; invalid: string[] } {
  findVersion(p, version);
  const invalid = labels.filter((l) => !isValidLabel(l));
  const good = [...new Set(labels.filter(isValidLabel))];
  const versions = p.versions.map((v) => {
    if (v.version === version) return { ...v, labels: [...v.labels, ...good.filter((l) => !v.labels.includes(l))] };
    return v.labels.some((l) => good.includes(l)) ? { ...v, labels: v.labels.filter((l) => !good.includes(l)) } : v;
  });
  if (versions.find((v) => v.version === version)!.labels.length > MAX_LABELS_PER_VERSION) {
    throw new ParameterVersionLabelLimitExceeded(
      'An error occurred (ParameterVersionLabelLimitExceeded) when calling the LabelParameterVersion operation: A parameter version can have maximum 10 labels.Move one or more labels to another version and try again.',
    );
  }
  return { versions, invalid };
}

/** UnlabelParameterVersion: labels not on that version are reported back as invalid. */
export function detachLabels(p: ParameterRecord, version: number, labels: readonly string[]): { versions: ParameterVersionRecord[]; removed: string[]; invalid: string[] } {
  const v = findVersion(p, version);
  const removed = [...new Set(labels.filter((l) => v.labels.includes(l)))];
  const invalid = labels.filter((l) => !v.labels.includes(l));
  const versions = p.versions.map((x) => (x.version === version ? { ...x, labels: x.labels.filter((l) => !removed.includes(l)) } : x));
  return { versions, removed, invalid };
}
