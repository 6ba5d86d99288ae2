// Secrets Manager's state: every operation reads the cache, applies the domain rules (domain/secrets/) and commits
// one guarded put or delete of the secret's row. Values are sealed before they reach the row and opened only to
// answer GetSecretValue; a refused request writes nothing.
import { randomInt, randomUUID } from 'node:crypto';
import { DecryptionFailure, InvalidParameter, InvalidRequest, ResourceExists } from '../domain/errors.js';
import { purgeTime, type DeletionRequest } from '../domain/secrets/deletion.js';
import {
  isPurged, requireLive, resolveSecret, secretArn, validateSecretName, type SecretRecord, type SecretTag, type SecretVersion,
} from '../domain/secrets/secret.js';
import { addVersion, moveStage, pickVersion } from '../domain/secrets/versions.js';
import type { Sealer } from '../sealing/index.js';
import { Txn, type StateCache } from '../store/cache.js';
import { OpenedValues } from './opened.js';
import { secretContext, type SecretTables } from './tables.js';

export const MAX_SECRET_BYTES = 65_536;
export const MAX_TAGS = 50;

export interface SecretValue {
  SecretString?: string;
  SecretBinary?: Uint8Array;
}

export interface SecretsDeps {
  cache: StateCache;
  tables: SecretTables;
  sealer: Sealer;
  /** Clock, injectable for tests. */
  now?: () => Date;
}

export class SecretsManager {
  readonly now: () => Date;
  private readonly values: OpenedValues;
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: SecretsDeps) {
    this.now = deps.now ?? (() => new Date());
    this.values = new OpenedValues(deps.sealer);
  }

  get tables(): SecretTables {
    return this.deps.tables;
  }

  /** The secret a SecretId names (ARN, partial ARN or name), scheduled for deletion or not. */
  find(id: string): SecretRecord {
    return resolveSecret(id, (n) => this.deps.tables.secrets.get(n)?.value, this.now());
  }

  /** Every secret not purged yet, oldest first. */
  all(): SecretRecord[] {
    const now = this.now();
    return [...this.deps.tables.secrets.values()]
      .map((r) => r.value)
      .filter((s) => !isPurged(s, now))
      .sort((a, b) => a.createdDate.getTime() - b.createdDate.getTime() || (a.name < b.name ? -1 : 1));
  }

  async create(
    input: { Name: string; ClientRequestToken?: string; Description?: string; KmsKeyId?: string; Tags?: SecretTag[] } & SecretValue,
    ctx: { region: string; accountId: string },
  ): Promise<{ rec: SecretRecord; versionId?: string }> {
    validateSecretName(input.Name);
    const value = checkValue(input, false);
    const token = input.ClientRequestToken ?? randomUUID();
    return this.deps.cache.update(() => {
      const now = this.now();
      const row = this.deps.tables.secrets.get(input.Name);
      if (row && !isPurged(row.value, now)) {
        const old = row.value;
        if (old.deletedDate) {
          throw new InvalidRequest("You can't create this secret because a secret with this name is already scheduled for deletion.");
        }
        // The same request again (same token, same value) answers as the first did.
        const same = old.versions.find((v) => v.versionId === token);
        if (same && value && this.sameValue(old, same, value)) return { txn: new Txn(), result: { rec: old, versionId: token } };
        throw new ResourceExists(`The operation failed because the secret ${input.Name} already exists.`);
      }
      const rec: SecretRecord = {
        name: input.Name,
        arn: secretArn(ctx.region, ctx.accountId, input.Name, randomInt),
        description: input.Description,
        kmsKeyId: input.KmsKeyId,
        tags: mergeTags([], input.Tags ?? []),
        createdDate: now,
        lastChangedDate: now,
        versions: [],
      };
      if (value) rec.versions = addVersion([], this.version(rec, token, value, now));
      const txn = new Txn().put(this.deps.tables.secrets, rec.name, rec, row?.modRevision ?? 0);
      return { txn, result: { rec, versionId: value ? token : undefined } };
    });
  }

  /** The value of one version (default AWSCURRENT); marks the secret accessed today. */
  async getValue(id: string, versionId?: string, stage?: string): Promise<{ rec: SecretRecord; version: SecretVersion; value: SecretValue }> {
    const rec = requireLive(this.find(id));
    const version = pickVersion(rec.versions, versionId, stage);
    const value = this.open(rec, version);
    const today = startOfDay(this.now());
    if (rec.lastAccessedDate?.getTime() !== today.getTime()) await this.touch(rec.name, version.versionId, today);
    return { rec, version, value };
  }

  /** PutSecretValue and UpdateSecret with a value: a new version, staged AWSCURRENT unless told otherwise. */
  async putValue(
    id: string,
    value: SecretValue,
    token: string | undefined,
    stages?: string[],
    changes: { Description?: string; KmsKeyId?: string } = {},
  ): Promise<{ rec: SecretRecord; versionId: string; stages: string[] }> {
    const v = checkValue(value, true)!;
    const versionId = token ?? randomUUID();
    return this.write(id, (rec, now) => {
      const existing = rec.versions.find((x) => x.versionId === versionId);
      if (existing) {
        if (!this.sameValue(rec, existing, v)) throw new ResourceExists("You can't modify an existing version, you can only create new versions.");
        return undefined;
      }
      const versions = addVersion(rec.versions, this.version(rec, versionId, v, now), stages?.length ? stages : undefined);
      return {
        ...rec,
        versions,
        lastChangedDate: now,
        description: changes.Description ?? rec.description,
        kmsKeyId: changes.KmsKeyId ?? rec.kmsKeyId,
      };
    }).then((rec) => ({ rec, versionId, stages: rec.versions.find((x) => x.versionId === versionId)?.stages ?? [] }));
  }

  async update(id: string, changes: { Description?: string; KmsKeyId?: string }): Promise<SecretRecord> {
    return this.write(id, (rec, now) => ({
      ...rec,
      description: changes.Description ?? rec.description,
      kmsKeyId: changes.KmsKeyId ?? rec.kmsKeyId,
      lastChangedDate: now,
    }));
  }

  async moveStage(id: string, stage: string, moveTo?: string, removeFrom?: string): Promise<SecretRecord> {
    return this.write(id, (rec, now) => ({ ...rec, versions: moveStage(rec.versions, stage, moveTo, removeFrom), lastChangedDate: now }));
  }

  async tag(id: string, tags: SecretTag[]): Promise<void> {
    await this.write(id, (rec, now) => ({ ...rec, tags: mergeTags(rec.tags, tags), lastChangedDate: now }));
  }

  async untag(id: string, keys: string[]): Promise<void> {
    await this.write(id, (rec, now) => ({ ...rec, tags: rec.tags.filter((t) => !keys.includes(t.Key)), lastChangedDate: now }));
  }

  async setPolicy(id: string, policy: string | undefined): Promise<SecretRecord> {
    return this.write(id, (rec, now) => ({ ...rec, policy, lastChangedDate: now }));
  }

  /** Schedules the deletion, or purges at once when forced (also for a secret already scheduled). */
  async delete(id: string, req: DeletionRequest): Promise<{ rec: SecretRecord; deletionDate: Date }> {
    return this.deps.cache.update(() => {
      const now = this.now();
      const rec = this.find(id);
      const row = this.deps.tables.secrets.get(rec.name)!;
      const purgeAt = purgeTime(req, now);
      const txn = new Txn();
      if (req.ForceDeleteWithoutRecovery) {
        txn.delete(this.deps.tables.secrets, rec.name, row.modRevision);
        return { txn, result: { rec, deletionDate: now } };
      }
      requireLive(rec);
      const next = { ...rec, deletedDate: now, purgeAt };
      txn.put(this.deps.tables.secrets, rec.name, next, row.modRevision);
      return { txn, result: { rec: next, deletionDate: purgeAt } };
    });
  }

  async restore(id: string): Promise<SecretRecord> {
    return this.deps.cache.update(() => {
      const rec = this.find(id);
      const row = this.deps.tables.secrets.get(rec.name)!;
      if (!rec.deletedDate) return { txn: new Txn(), result: rec };
      const next: SecretRecord = { ...rec, lastChangedDate: this.now() };
      delete next.deletedDate;
      delete next.purgeAt;
      return { txn: new Txn().put(this.deps.tables.secrets, rec.name, next, row.modRevision), result: next };
    });
  }

  /** Deletes the rows of secrets whose recovery window has passed. */
  async purgeExpired(): Promise<number> {
    const now = this.now();
    let purged = 0;
    for (const row of [...this.deps.tables.secrets.values()]) {
      if (!isPurged(row.value, now)) continue;
      try {
        await this.deps.cache.commit(new Txn().delete(this.deps.tables.secrets, row.id, row.modRevision));
        purged++;
      } catch {
        // restored or changed meanwhile: the next sweep looks again
      }
    }
    return purged;
  }

  startSweeping(intervalMs = 60_000): void {
    this.sweepTimer = setInterval(() => void this.purgeExpired().catch(() => undefined), intervalMs);
    this.sweepTimer.unref();
  }

  stop(): void {
    clearInterval(this.sweepTimer);
  }

  private async write(id: string, change: (rec: SecretRecord, now: Date) => SecretRecord | undefined): Promise<SecretRecord> {
    return this.deps.cache.update(() => {
      const rec = requireLive(this.find(id));
      const row = this.deps.tables.secrets.get(rec.name)!;
      const next = change(rec, this.now());
      if (!next) return { txn: new Txn(), result: rec };
      return { txn: new Txn().put(this.deps.tables.secrets, rec.name, next, row.modRevision), result: next };
    });
  }

  /** LastAccessedDate is a day (as on AWS), so it costs one write per secret per day. */
  private async touch(name: string, versionId: string, today: Date): Promise<void> {
    await this.deps.cache.update(() => {
      const row = this.deps.tables.secrets.get(name);
      const txn = new Txn();
      if (!row || row.value.lastAccessedDate?.getTime() === today.getTime()) return { txn, result: undefined };
      const versions = row.value.versions.map((v) => (v.versionId === versionId ? { ...v, lastAccessedDate: today } : v));
      txn.put(this.deps.tables.secrets, name, { ...row.value, lastAccessedDate: today, versions }, row.modRevision);
      return { txn, result: undefined };
    });
  }

  private version(rec: SecretRecord, versionId: string, value: SecretValue, now: Date): SecretVersion {
    const binary = value.SecretBinary !== undefined;
    const plain = binary ? Buffer.from(value.SecretBinary!) : value.SecretString!;
    return { versionId, createdDate: now, stages: [], binary, sealed: this.deps.sealer.seal(plain, secretContext(this.deps.tables, rec, versionId)) };
  }

  private open(rec: SecretRecord, v: SecretVersion): SecretValue {
    let raw: Buffer;
    try {
      raw = this.values.open(v.sealed, secretContext(this.deps.tables, rec, v.versionId));
    } catch {
      // Another sealing key, or a value moved from another row: it does not open here.
      throw new DecryptionFailure("Secrets Manager can't decrypt the protected secret text using the provided KMS key.");
    }
    return v.binary ? { SecretBinary: raw } : { SecretString: raw.toString('utf8') };
  }

  private sameValue(rec: SecretRecord, v: SecretVersion, value: SecretValue): boolean {
    const mine = this.open(rec, v);
    if (v.binary !== (value.SecretBinary !== undefined)) return false;
    return v.binary ? Buffer.from(mine.SecretBinary!).equals(Buffer.from(value.SecretBinary!)) : mine.SecretString === value.SecretString;
  }
}

/** The value given, checked: one of string or binary, at most 65,536 bytes; `required` for PutSecretValue. */
function checkValue(v: SecretValue, required: boolean): SecretValue | undefined {
  if (v.SecretString !== undefined && v.SecretBinary !== undefined) {
    throw new InvalidParameter("You can't specify both a binary secret value and a string secret value in the same secret.");
  }
  if (v.SecretString === undefined && v.SecretBinary === undefined) {
    if (required) throw new InvalidParameter('You must provide either SecretString or SecretBinary.');
    return undefined;
  }
  const size = v.SecretString !== undefined ? Buffer.byteLength(v.SecretString, 'utf8') : v.SecretBinary!.length;
  if (size > MAX_SECRET_BYTES) throw new InvalidParameter(`The secret value can be at most ${MAX_SECRET_BYTES} bytes; this one is ${size}.`);
  return v.SecretString !== undefined ? { SecretString: v.SecretString } : { SecretBinary: v.SecretBinary };
}

function mergeTags(current: readonly SecretTag[], added: readonly SecretTag[]): SecretTag[] {
  const byKey = new Map(current.map((t) => [t.Key, t]));
  for (const t of added) byKey.set(t.Key, { Key: t.Key, Value: t.Value ?? '' });
  if (byKey.size > MAX_TAGS) throw new InvalidParameter(`A secret can have at most ${MAX_TAGS} tags.`);
  return [...byKey.values()];
}

function startOfDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}
