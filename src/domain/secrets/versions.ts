// How versions and their staging labels move, as on AWS: a new value becomes AWSCURRENT (unless other stages are
// asked for) and the version that held AWSCURRENT becomes AWSPREVIOUS; a label lives on one version at a time;
// versions left without labels are deprecated and the oldest of them go past 100 versions. Pure functions over
// copies: cached records are never changed in place.
import { InvalidParameter, ResourceNotFound } from '../errors.js';
import { CURRENT, PREVIOUS, type SecretVersion } from './secret.js';

export const MAX_VERSIONS = 100;
export const MAX_STAGES_PER_VERSION = 20;

/** `versions` with `added` appended, carrying `stages` (default AWSCURRENT), the labels moved accordingly. */
export function addVersion(versions: readonly SecretVersion[], added: SecretVersion, stages: readonly string[] = [CURRENT]): SecretVersion[] {
  if (stages.length > MAX_STAGES_PER_VERSION) {
    throw new InvalidParameter(`A version can have at most ${MAX_STAGES_PER_VERSION} staging labels.`);
  }
  let out = versions.map((v) => ({ ...v, stages: [...v.stages] }));
  out.push({ ...added, stages: [] });
  for (const s of new Set(stages)) out = attach(out, s, added.versionId);
  return prune(out);
}

/**
 * UpdateSecretVersionStage: moves `stage` to `moveTo` and/or takes it off `removeFrom`. A label held by another
 * version must be named in RemoveFromVersionId; AWSCURRENT can only be moved, never just removed.
 */
export function moveStage(versions: readonly SecretVersion[], stage: string, moveTo?: string, removeFrom?: string): SecretVersion[] {
  const holder = versions.find((v) => v.stages.includes(stage));
  if (moveTo !== undefined && !versions.some((v) => v.versionId === moveTo)) {
    throw new ResourceNotFound(`Secrets Manager can't find the specified secret version: ${moveTo}`);
  }
  if (removeFrom !== undefined && holder?.versionId !== removeFrom) {
    throw new InvalidParameter(`The staging label ${stage} is not attached to version ${removeFrom}, so you can't remove it.`);
  }
  if (moveTo !== undefined && holder && holder.versionId !== moveTo && removeFrom === undefined) {
    throw new InvalidParameter(
      `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder.versionId}, so you must explicitly reference that version in RemoveFromVersionId.`,
    );
  }
  if (moveTo === undefined && stage === CURRENT) {
    throw new InvalidParameter(`You can't remove the staging label ${CURRENT} from a version without moving it to another version.`);
  }
  let out = versions.map((v) => ({ ...v, stages: [...v.stages] }));
  if (moveTo === undefined) {
    for (const v of out) v.stages = v.stages.filter((s) => s !== stage);
  } else {
    const target = out.find((v) => v.versionId === moveTo)!;
    if (!target.stages.includes(stage) && target.stages.length >= MAX_STAGES_PER_VERSION) {
      throw new InvalidParameter(`A version can have at most ${MAX_STAGES_PER_VERSION} staging labels.`);
    }
    out = attach(out, stage, moveTo);
  }
  return prune(out);
}

/** Puts `stage` on version `id` alone; when AWSCURRENT moves, its previous holder becomes AWSPREVIOUS. */
function attach(versions: SecretVersion[], stage: string, id: string): SecretVersion[] {
  const holder = versions.find((v) => v.stages.includes(stage));
  if (holder?.versionId === id) return versions;
  for (const v of versions) v.stages = v.stages.filter((s) => s !== stage);
  versions.find((v) => v.versionId === id)!.stages.push(stage);
  if (stage === CURRENT && holder) {
    for (const v of versions) v.stages = v.stages.filter((s) => s !== PREVIOUS);
    holder.stages.push(PREVIOUS);
  }
  return versions;
}

/** Past MAX_VERSIONS, the oldest deprecated (label-less) versions go. */
function prune(versions: SecretVersion[]): SecretVersion[] {
  let excess = versions.length - MAX_VERSIONS;
  if (excess <= 0) return versions;
  return versions.filter((v) => (excess > 0 && v.stages.length === 0 ? (excess--, false) : true));
}

/** The version GetSecretValue answers with: by id and/or stage (default AWSCURRENT); both must agree. */
export function pickVersion(versions: readonly SecretVersion[], versionId?: string, stage?: string): SecretVersion {
  if (versionId !== undefined) {
    const v = versions.find((x) => x.versionId === versionId);
    if (!v) throw new ResourceNotFound(`Secrets Manager can't find the specified secret value for VersionId: ${versionId}`);
    if (stage !== undefined && !v.stages.includes(stage)) {
      throw new ResourceNotFound(`Secrets Manager can't find the specified secret value for VersionId: ${versionId} and staging label: ${stage}`);
    }
    return v;
  }
  const want = stage ?? CURRENT;
  const v = versions.find((x) => x.stages.includes(want));
  if (!v) throw new ResourceNotFound(`Secrets Manager can't find the specified secret value for staging label: ${want}`);
  return v;
}

/** VersionIdsToStages for DescribeSecret: deprecated versions are not listed. */
export function versionIdsToStages(versions: readonly SecretVersion[]): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  for (const v of versions) if (v.stages.length) out[v.versionId] = [...v.stages];
  return Object.keys(out).length ? out : undefined;
}
