// What a secret is in Wharf's state, and the rules that name and find one: the name's characters, the ARN with
// AWS's six-character random suffix, and SecretId resolution (full ARN, partial ARN without the suffix, or name).
import { InvalidRequest, ResourceNotFound, ValidationError } from '../errors.js';

export const CURRENT = 'AWSCURRENT';
export const PREVIOUS = 'AWSPREVIOUS';
export const PENDING = 'AWSPENDING';

export interface SecretVersion {
  versionId: string;
  createdDate: Date;
  /** Staging labels; a version with none is deprecated. */
  stages: string[];
  /** The value as kept at rest: sealed, never plain. */
  sealed: string;
  binary: boolean;
  lastAccessedDate?: Date;
}

export interface SecretTag {
  Key: string;
  Value: string;
}

export interface SecretRecord {
  name: string;
  arn: string;
  description?: string;
  kmsKeyId?: string;
  tags: SecretTag[];
  createdDate: Date;
  lastChangedDate: Date;
  lastAccessedDate?: Date;
  /** Set while the secret is scheduled for deletion. */
  deletedDate?: Date;
  /** When a scheduled secret is purged for good. */
  purgeAt?: Date;
  policy?: string;
  /** Oldest first. */
  versions: SecretVersion[];
}

export const NOT_FOUND = "Secrets Manager can't find the specified secret.";
export const MARKED_FOR_DELETION = "You can't perform this operation on the secret because it was marked for deletion.";
const NAME = /^[A-Za-z0-9/_+=.@!-]+$/;
const SUFFIX_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function validateSecretName(name: string): void {
  if (!NAME.test(name)) {
    throw new ValidationError('Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!');
  }
}

/** AWS appends a hyphen and six random characters, so a deleted and re-created secret gets a new ARN. */
export function secretArn(region: string, accountId: string, name: string, random: (n: number) => number): string {
  let suffix = '';
  for (let i = 0; i < 6; i++) suffix += SUFFIX_CHARS[random(SUFFIX_CHARS.length)];
  return `arn:aws:secretsmanager:${region}:${accountId}:secret:${name}-${suffix}`;
}

const ARN = /^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:(.+)$/;

/**
 * The secret a SecretId designates: its full ARN, a partial ARN (without the random suffix), or its name. Throws
 * ResourceNotFoundException when none does, or when the secret was purged.
 */
export function resolveSecret(id: string, lookup: (name: string) => SecretRecord | undefined, now: Date): SecretRecord {
  let rec: SecretRecord | undefined;
  const m = ARN.exec(id);
  if (!m) {
    rec = lookup(id);
  } else {
    const full = /^(.+)-[A-Za-z0-9]{6}$/.exec(m[1]!);
    const byFull = full ? lookup(full[1]!) : undefined;
    if (byFull?.arn === id) rec = byFull;
    const byPartial = rec ? undefined : lookup(m[1]!);
    if (byPartial?.arn.startsWith(`${id}-`)) rec = byPartial;
  }
  if (!rec || isPurged(rec, now)) throw new ResourceNotFound(NOT_FOUND);
  return rec;
}

export function isPurged(rec: SecretRecord, now: Date): boolean {
  return rec.purgeAt !== undefined && rec.purgeAt.getTime() <= now.getTime();
}

/** Reads and writes of values, tags and policies are refused while the secret is scheduled for deletion. */
export function requireLive(rec: SecretRecord): SecretRecord {
  if (rec.deletedDate) throw new InvalidRequest(MARKED_FOR_DELETION);
  return rec;
}
