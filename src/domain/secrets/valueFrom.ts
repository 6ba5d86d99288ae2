// What a container's `valueFrom` names, as ECS reads it: a Secrets Manager ARN, optionally followed by
// `:json-key:version-stage:version-id` (each part may be empty), or an SSM parameter given by name or ARN. Pure.

export type SecretSource =
  | { store: 'asm'; secretArn: string; jsonKey?: string; versionStage?: string; versionId?: string }
  | { store: 'ssm'; name: string };

/** A Secrets Manager ARN has seven colon-separated fields; secret names cannot hold a colon. */
const ASM_FIELDS = 7;

export function parseValueFrom(valueFrom: string): SecretSource {
  const fields = valueFrom.split(':');
  if (fields[0] === 'arn' && fields[2] === 'secretsmanager' && fields[5] === 'secret' && fields.length >= ASM_FIELDS) {
    const [jsonKey, versionStage, versionId] = fields.slice(ASM_FIELDS).map((f) => f || undefined);
    return { store: 'asm', secretArn: fields.slice(0, ASM_FIELDS).join(':'), jsonKey, versionStage, versionId };
  }
  return { store: 'ssm', name: valueFrom };
}

/** The parameter's ARN (what an execution role's policy names), from a name or an ARN. */
export function parameterArnOf(name: string, region: string, accountId: string): string {
  if (name.startsWith('arn:')) return name;
  return `arn:aws:ssm:${region}:${accountId}:parameter/${name.replace(/^\//, '')}`;
}

/** One top-level key of a JSON secret, as a string (ECS's agent reads only top-level keys). */
export function jsonKeyOf(secretString: string, key: string): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(secretString);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !(key in doc)) return undefined;
  const v = (doc as Record<string, unknown>)[key];
  return typeof v === 'string' ? v : JSON.stringify(v);
}
