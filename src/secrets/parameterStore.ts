// Parameter Store's state: PutParameter's rules (names, types, tiers, patterns, versions), reads by name, version
// or label, labels and tags, each write one guarded put or delete of the parameter's row. SecureString values are
// sealed with the row's key and version as context; String and StringList values stay plain.
import {
  InvalidAllowedPattern, InvalidResourceId, InvalidResourceType, ParameterAlreadyExists, ParameterNotFound,
  ParameterPatternMismatch, TooManyTagsError, ValidationError,
} from '../domain/errors.js';
import {
  current, parseParameterRef, validateParameterName, type ParameterRecord, type ParameterTag, type ParameterType,
  type ParameterVersionRecord,
} from '../domain/parameters/parameter.js';
import { resolveTier } from '../domain/parameters/tiers.js';
import { appendVersion, attachLabels, detachLabels, findVersion } from '../domain/parameters/versions.js';
import type { Sealer } from '../sealing/index.js';
import { Txn, type StateCache } from '../store/cache.js';
import { OpenedValues } from './opened.js';
import { parameterContext, type SecretTables } from './tables.js';

export const MAX_PARAMETER_TAGS = 50;
export const DEFAULT_KEY_ID = 'alias/aws/ssm';
const SEALED_PREFIX = 'wharf-sealed:v1:';

export interface PutParameterInput {
  Name: string;
  Value: string;
  Type?: string;
  Description?: string;
  KeyId?: string;
  Overwrite?: boolean;
  AllowedPattern?: string;
  Tags?: ParameterTag[];
  Tier?: string;
  Policies?: string;
  DataType?: string;
}

export interface ParameterDeps {
  cache: StateCache;
  tables: SecretTables;
  sealer: Sealer;
  now?: () => Date;
}

export class ParameterStore {
  readonly now: () => Date;
  private readonly values: OpenedValues;

  constructor(private readonly deps: ParameterDeps) {
    this.now = deps.now ?? (() => new Date());
    this.values = new OpenedValues(deps.sealer);
  }

  async put(input: PutParameterInput, ctx: { region: string; accountId: string; principalArn: string }): Promise<{ version: number; tier: string }> {
    validateParameterName(input.Name, ctx.region, ctx.accountId);
    if (input.Policies !== undefined) throw new ValidationError('Wharf does not support parameter policies (expiration and change notifications).');
    const dataType = input.DataType ?? 'text';
    if (dataType !== 'text') throw new ValidationError(`The following data type is not supported: ${dataType}. Wharf supports the data type text.`);
    const pattern = input.AllowedPattern !== undefined ? compileAllowed(input.AllowedPattern) : undefined;
    return this.deps.cache.update(() => {
      const row = this.deps.tables.parameters.get(input.Name);
      const old = row?.value;
      if (old && !input.Overwrite) {
        throw new ParameterAlreadyExists('The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
      }
      if (old && input.Tags?.length) {
        throw new ValidationError(
          "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
        );
      }
      const prev = old ? current(old) : undefined;
      const type = (input.Type ?? prev?.type) as ParameterType | undefined;
      if (!type) throw new ValidationError('A parameter type is required when you create a parameter.');
      if (input.KeyId !== undefined && type !== 'SecureString') throw new ValidationError('KeyId is required for SecureString type parameter only.');
      const allowed = input.AllowedPattern ?? prev?.allowedPattern;
      const regex = pattern ?? (allowed !== undefined ? compileAllowed(allowed) : undefined);
      if (regex && !regex.test(input.Value)) {
        throw new ParameterPatternMismatch(`Parameter value, cannot be validated against allowedPattern: ${allowed}`);
      }
      const tier = resolveTier(input.Tier, prev?.tier, input.Value);
      const version = (prev?.version ?? 0) + 1;
      const secure = type === 'SecureString';
      const versions = appendVersion(
        old,
        {
          type,
          value: secure ? this.deps.sealer.seal(input.Value, parameterContext(this.deps.tables, input.Name, version)) : input.Value,
          keyId: secure ? (input.KeyId ?? (prev?.type === 'SecureString' ? prev.keyId : undefined) ?? DEFAULT_KEY_ID) : undefined,
          description: input.Description ?? prev?.description,
          allowedPattern: allowed,
          tier,
          dataType,
          lastModifiedDate: this.now(),
          lastModifiedUser: ctx.principalArn,
        },
        input.Name,
      );
      const tags = old?.tags ?? mergeTags([], input.Tags ?? []);
      const rec: ParameterRecord = { name: input.Name, tags, versions };
      return { txn: new Txn().put(this.deps.tables.parameters, input.Name, rec, row?.modRevision ?? 0), result: { version, tier } };
    });
  }

  /** The parameter a name, ARN, `name:version` or `name:label` designates, and the version it selects. */
  read(ref: string): { rec: ParameterRecord; version: ParameterVersionRecord; selector?: string } {
    const parsed = parseParameterRef(ref);
    const rec = this.lookup(parsed.candidates);
    if (!rec) throw new ParameterNotFound(`Parameter ${ref} not found.`);
    if (!parsed.selector) return { rec, version: current(rec) };
    if ('version' in parsed.selector) return { rec, version: findVersion(rec, parsed.selector.version), selector: `:${parsed.selectorText}` };
    const label = parsed.selector.label;
    const version = rec.versions.find((v) => v.labels.includes(label));
    if (!version) throw new ParameterNotFound(`Parameter ${ref} not found.`);
    return { rec, version, selector: `:${parsed.selectorText}` };
  }

  /** A parameter by name (or ARN), without selector. */
  require(ref: string): ParameterRecord {
    const rec = this.lookup(parseParameterRef(ref).candidates);
    if (!rec) throw new ParameterNotFound(`Parameter ${ref} not found.`);
    return rec;
  }

  /** The value as a read shows it: SecureString values opened only when decryption is asked for. */
  value(rec: ParameterRecord, v: ParameterVersionRecord, decrypt: boolean): string {
    if (v.type !== 'SecureString') return v.value;
    if (!decrypt) return v.value.slice(SEALED_PREFIX.length);
    return this.values.open(v.value, parameterContext(this.deps.tables, rec.name, v.version)).toString('utf8');
  }

  /** Every parameter, by name. */
  all(): ParameterRecord[] {
    return [...this.deps.tables.parameters.values()].map((r) => r.value).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async delete(names: readonly string[]): Promise<{ deleted: string[]; invalid: string[] }> {
    return this.deps.cache.update(() => {
      const txn = new Txn();
      const deleted: string[] = [];
      const invalid: string[] = [];
      const ids = new Set<string>();
      for (const n of new Set(names)) {
        const rec = this.lookup(parseParameterRef(n).candidates);
        const row = rec && this.deps.tables.parameters.get(rec.name);
        if (!row || ids.has(row.id)) {
          invalid.push(n);
          continue;
        }
        ids.add(row.id);
        txn.delete(this.deps.tables.parameters, row.id, row.modRevision);
        deleted.push(n);
      }
      return { txn, result: { deleted, invalid } };
    });
  }

  async label(ref: string, version: number | undefined, labels: string[]): Promise<{ version: number; invalid: string[] }> {
    return this.change(ref, (rec) => {
      const v = version ?? current(rec).version;
      const { versions, invalid } = attachLabels(rec, v, labels);
      return { next: { ...rec, versions }, result: { version: v, invalid } };
    });
  }

  async unlabel(ref: string, version: number, labels: string[]): Promise<{ removed: string[]; invalid: string[] }> {
    return this.change(ref, (rec) => {
      const { versions, removed, invalid } = detachLabels(rec, version, labels);
      return { next: { ...rec, versions }, result: { removed, invalid } };
    });
  }

  async addTags(type: string, id: string, tags: ParameterTag[]): Promise<void> {
    await this.change(taggable(type, id, this), (rec) => ({ next: { ...rec, tags: mergeTags(rec.tags, tags) }, result: undefined }));
  }

  async removeTags(type: string, id: string, keys: string[]): Promise<void> {
    await this.change(taggable(type, id, this), (rec) => ({ next: { ...rec, tags: rec.tags.filter((t) => !keys.includes(t.Key)) }, result: undefined }));
  }

  tagsOf(type: string, id: string): ParameterTag[] {
    return this.require(taggable(type, id, this)).tags;
  }

  private async change<R>(ref: string, f: (rec: ParameterRecord) => { next: ParameterRecord; result: R }): Promise<R> {
    return this.deps.cache.update(() => {
      const rec = this.require(ref);
      const row = this.deps.tables.parameters.get(rec.name)!;
      const { next, result } = f(rec);
      return { txn: new Txn().put(this.deps.tables.parameters, rec.name, next, row.modRevision), result };
    });
  }

  private lookup(candidates: readonly string[]): ParameterRecord | undefined {
    for (const c of candidates) {
      const row = this.deps.tables.parameters.get(c);
      if (row) return row.value;
    }
    return undefined;
  }
}

/** Tag operations reach parameters only (the one SSM resource Wharf has). */
function taggable(type: string, id: string, store: ParameterStore): string {
  if (type !== 'Parameter') throw new InvalidResourceType(`Wharf's SSM supports tags on resources of type Parameter only, not ${type}.`);
  try {
    store.require(id);
  } catch {
    throw new InvalidResourceId('The resource ID is not valid. Verify the ID and try again.');
  }
  return id;
}

function mergeTags(current: readonly ParameterTag[], added: readonly ParameterTag[]): ParameterTag[] {
  const byKey = new Map(current.map((t) => [t.Key, t]));
  for (const t of added) byKey.set(t.Key, { Key: t.Key, Value: t.Value ?? '' });
  if (byKey.size > MAX_PARAMETER_TAGS) throw new TooManyTagsError(`A parameter can have at most ${MAX_PARAMETER_TAGS} tags.`);
  return [...byKey.values()];
}

/** An AllowedPattern is a regular expression the whole value must match. */
function compileAllowed(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`, 'u');
  } catch {
    throw new InvalidAllowedPattern(`The allowed pattern ${pattern} is not a valid regular expression.`);
  }
}
