// IAM's operations on its state: users, access keys, inline and managed policies, roles. Every write reads the cache,
// checks IAM's rules (names, limits, conflicts, policy grammar) and commits one guarded transaction, so a refused
// request writes nothing. Secret access keys are sealed before they enter a row and handed out once, at creation.
import {
  DeleteConflict, EntityAlreadyExists, IamLimitExceeded, NoSuchEntity,
} from '../domain/errors.js';
import type { Sealer } from '../sealing/index.js';
import { Txn, type Row, type StateCache, type Table } from '../store/cache.js';
import {
  newAccessKeyId, newPolicyId, newRoleId, newSecretKey, newUserId, policyArn, roleArn, userArn,
} from './ids.js';
import { parsePolicy } from './policy.js';
import type { AccessKeyRecord, IdentityTables, ManagedPolicyRecord, RoleRecord, UserRecord } from './tables.js';

/** IAM's default quotas. */
export const LIMITS = {
  accessKeysPerUser: 2,
  managedPoliciesPerEntity: 10,
  userInlineBytes: 2048,
  roleInlineBytes: 10240,
  managedPolicyBytes: 6144,
  trustPolicyBytes: 2048,
};

export interface IamDeps {
  cache: StateCache;
  tables: IdentityTables;
  sealer: Sealer;
  accountId: string;
  now?: () => Date;
}

/** The sealing context of a stored secret key: the row's key. */
export const keyContext = (tables: IdentityTables, id: string) => tables.accessKeys.key(id);

type Holder = 'user' | 'role';

export class Iam {
  readonly now: () => Date;
  constructor(readonly deps: IamDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  get tables(): IdentityTables {
    return this.deps.tables;
  }

  // --- users -------------------------------------------------------------------------------------------------------

  user(name: string): UserRecord {
    const row = this.tables.users.get(name);
    if (!row) throw new NoSuchEntity(`The user with name ${name} cannot be found.`);
    return row.value;
  }

  createUser(name: string, path = '/'): Promise<UserRecord> {
    return this.deps.cache.update(() => {
      if (this.tables.users.get(name)) throw new EntityAlreadyExists(`User with name ${name} already exists.`);
      const rec: UserRecord = {
        userName: name, userId: newUserId(), arn: userArn(this.deps.accountId, path, name), path,
        createDate: this.now(), inlinePolicies: {}, attached: [],
      };
      return { txn: new Txn().put(this.tables.users, name, rec, 0), result: rec };
    });
  }

  deleteUser(name: string): Promise<void> {
    return this.deps.cache.update(() => {
      const row = this.row(this.tables.users, name, 'user');
      if (this.tables.accessKeys.countByIndex('user', name) > 0) throw new DeleteConflict('Cannot delete entity, must delete access keys first.');
      if (Object.keys(row.value.inlinePolicies).length > 0) throw new DeleteConflict('Cannot delete entity, must delete policies first.');
      if (row.value.attached.length > 0) throw new DeleteConflict('Cannot delete entity, must detach all policies first.');
      return { txn: new Txn().delete(this.tables.users, name, row.modRevision), result: undefined };
    });
  }

  users(): UserRecord[] {
    return [...this.tables.users.values()].map((r) => r.value).sort((a, b) => (a.userName < b.userName ? -1 : 1));
  }

  // --- access keys -------------------------------------------------------------------------------------------------

  /** A new key; the only time its secret is shown. */
  createAccessKey(userName: string): Promise<{ rec: AccessKeyRecord; secret: string }> {
    return this.deps.cache.update(() => {
      const user = this.row(this.tables.users, userName, 'user');
      if (this.tables.accessKeys.countByIndex('user', userName) >= LIMITS.accessKeysPerUser) {
        throw new IamLimitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${LIMITS.accessKeysPerUser}`);
      }
      const id = newAccessKeyId();
      const secret = newSecretKey();
      const rec: AccessKeyRecord = {
        accessKeyId: id, userName, status: 'Active', createDate: this.now(),
        secretAccessKey: this.deps.sealer.seal(secret, keyContext(this.tables, id)),
      };
      const txn = new Txn().put(this.tables.accessKeys, id, rec, 0).guard(this.tables.users, userName, user.modRevision);
      return { txn, result: { rec, secret } };
    });
  }

  private key(userName: string, id: string): Row<AccessKeyRecord> {
    this.user(userName);
    const row = this.tables.accessKeys.get(id);
    if (!row || row.value.userName !== userName) throw new NoSuchEntity(`The Access Key with id ${id} cannot be found.`);
    return row;
  }

  deleteAccessKey(userName: string, id: string): Promise<void> {
    return this.deps.cache.update(() => {
      const row = this.key(userName, id);
      return { txn: new Txn().delete(this.tables.accessKeys, id, row.modRevision), result: undefined };
    });
  }

  updateAccessKey(userName: string, id: string, status: 'Active' | 'Inactive'): Promise<void> {
    return this.deps.cache.update(() => {
      const row = this.key(userName, id);
      return { txn: new Txn().put(this.tables.accessKeys, id, { ...row.value, status }, row.modRevision), result: undefined };
    });
  }

  accessKeys(userName: string): AccessKeyRecord[] {
    this.user(userName);
    return [...this.tables.accessKeys.byIndex('user', userName)].map((r) => r.value).sort((a, b) => a.createDate.getTime() - b.createDate.getTime());
  }

  // --- roles -------------------------------------------------------------------------------------------------------

  role(name: string): RoleRecord {
    const row = this.tables.roles.get(name);
    if (!row) throw new NoSuchEntity(`The role with name ${name} cannot be found.`);
    return row.value;
  }

  async createRole(input: { name: string; path?: string; trust: string; description?: string; maxSessionDuration?: number }): Promise<RoleRecord> {
    const trust = checkSize(input.trust, LIMITS.trustPolicyBytes, 'ACLSizePerRole');
    parsePolicy(trust, 'trust');
    return this.deps.cache.update(() => {
      if (this.tables.roles.get(input.name)) throw new EntityAlreadyExists(`Role with name ${input.name} already exists.`);
      const path = input.path ?? '/';
      const rec: RoleRecord = {
        roleName: input.name, roleId: newRoleId(), arn: roleArn(this.deps.accountId, path, input.name), path,
        description: input.description, createDate: this.now(), assumeRolePolicyDocument: input.trust,
        maxSessionDuration: input.maxSessionDuration ?? 3600, inlinePolicies: {}, attached: [],
      };
      return { txn: new Txn().put(this.tables.roles, input.name, rec, 0), result: rec };
    });
  }

  deleteRole(name: string): Promise<void> {
    return this.deps.cache.update(() => {
      const row = this.row(this.tables.roles, name, 'role');
      if (Object.keys(row.value.inlinePolicies).length > 0) throw new DeleteConflict('Cannot delete entity, must delete policies first.');
      if (row.value.attached.length > 0) throw new DeleteConflict('Cannot delete entity, must detach all policies first.');
      return { txn: new Txn().delete(this.tables.roles, name, row.modRevision), result: undefined };
    });
  }

  roles(): RoleRecord[] {
    return [...this.tables.roles.values()].map((r) => r.value).sort((a, b) => (a.roleName < b.roleName ? -1 : 1));
  }

  // --- inline policies (users and roles alike) ----------------------------------------------------------------------

  async putInline(kind: Holder, holder: string, policyName: string, document: string): Promise<void> {
    const limit = kind === 'user' ? LIMITS.userInlineBytes : LIMITS.roleInlineBytes;
    if (stripped(document) > limit) {
      throw new IamLimitExceeded(`Maximum policy size of ${limit} bytes exceeded for ${kind} ${holder}`);
    }
    parsePolicy(document, 'identity');
    return this.change(kind, holder, (rec) => ({ ...rec, inlinePolicies: { ...rec.inlinePolicies, [policyName]: document } }));
  }

  getInline(kind: Holder, holder: string, policyName: string): string {
    const rec = kind === 'user' ? this.user(holder) : this.role(holder);
    const doc = Object.hasOwn(rec.inlinePolicies, policyName) ? rec.inlinePolicies[policyName] : undefined;
    if (doc === undefined) throw new NoSuchEntity(`The ${kind} policy with name ${policyName} cannot be found.`);
    return doc;
  }

  deleteInline(kind: Holder, holder: string, policyName: string): Promise<void> {
    return this.change(kind, holder, (rec) => {
      if (!Object.hasOwn(rec.inlinePolicies, policyName)) throw new NoSuchEntity(`The ${kind} policy with name ${policyName} cannot be found.`);
      const inlinePolicies = { ...rec.inlinePolicies };
      delete inlinePolicies[policyName];
      return { ...rec, inlinePolicies };
    });
  }

  listInline(kind: Holder, holder: string): string[] {
    const rec = kind === 'user' ? this.user(holder) : this.role(holder);
    return Object.keys(rec.inlinePolicies).sort();
  }

  // --- managed policies --------------------------------------------------------------------------------------------

  async createPolicy(input: { name: string; path?: string; document: string; description?: string }): Promise<ManagedPolicyRecord> {
    if (stripped(input.document) > LIMITS.managedPolicyBytes) throw new IamLimitExceeded(`Cannot exceed quota for PolicySize: ${LIMITS.managedPolicyBytes}`);
    parsePolicy(input.document, 'identity');
    return this.deps.cache.update(() => {
      if (this.tables.policies.get(input.name)) {
        throw new EntityAlreadyExists(`A policy called ${input.name} already exists. Duplicate names are not allowed.`);
      }
      const path = input.path ?? '/';
      const now = this.now();
      const rec: ManagedPolicyRecord = {
        policyName: input.name, policyId: newPolicyId(), arn: policyArn(this.deps.accountId, path, input.name), path,
        description: input.description, document: input.document, createDate: now, updateDate: now,
      };
      return { txn: new Txn().put(this.tables.policies, input.name, rec, 0), result: rec };
    });
  }

  /** The managed policy an ARN names; NoSuchEntity as IAM words it. */
  policyRow(arn: string): Row<ManagedPolicyRecord> {
    const name = arn.slice(arn.lastIndexOf('/') + 1);
    const row = this.tables.policies.get(name);
    if (!row || row.value.arn !== arn) throw new NoSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
    return row;
  }

  policy(arn: string): ManagedPolicyRecord {
    return this.policyRow(arn).value;
  }

  /** How many users and roles a managed policy is attached to. */
  attachmentCount(arn: string): number {
    let n = 0;
    for (const r of this.tables.users.values()) if (r.value.attached.includes(arn)) n++;
    for (const r of this.tables.roles.values()) if (r.value.attached.includes(arn)) n++;
    return n;
  }

  deletePolicy(arn: string): Promise<void> {
    return this.deps.cache.update(() => {
      const row = this.policyRow(arn);
      if (this.attachmentCount(arn) > 0) throw new DeleteConflict('Cannot delete a policy attached to entities.');
      // Guard every holder: an attach racing this delete re-runs it and finds the attachment.
      const txn = new Txn().delete(this.tables.policies, row.id, row.modRevision);
      for (const r of this.tables.users.values()) txn.guard(this.tables.users, r.id, r.modRevision);
      for (const r of this.tables.roles.values()) txn.guard(this.tables.roles, r.id, r.modRevision);
      return { txn, result: undefined };
    });
  }

  policies(): ManagedPolicyRecord[] {
    return [...this.tables.policies.values()].map((r) => r.value).sort((a, b) => (a.policyName < b.policyName ? -1 : 1));
  }

  attach(kind: Holder, holder: string, arn: string): Promise<void> {
    return this.change(kind, holder, (rec, txn) => {
      const p = this.policyRow(arn);
      txn.guard(this.tables.policies, p.id, p.modRevision);
      if (rec.attached.includes(arn)) return rec;
      if (rec.attached.length >= LIMITS.managedPoliciesPerEntity) {
        throw new IamLimitExceeded(`Cannot exceed quota for PoliciesPer${kind === 'user' ? 'User' : 'Role'}: ${LIMITS.managedPoliciesPerEntity}`);
      }
      return { ...rec, attached: [...rec.attached, arn] };
    });
  }

  detach(kind: Holder, holder: string, arn: string): Promise<void> {
    return this.change(kind, holder, (rec) => {
      if (!rec.attached.includes(arn)) throw new NoSuchEntity(`Policy ${arn} was not found.`);
      return { ...rec, attached: rec.attached.filter((a) => a !== arn) };
    });
  }

  attached(kind: Holder, holder: string): ManagedPolicyRecord[] {
    const rec = kind === 'user' ? this.user(holder) : this.role(holder);
    return rec.attached.flatMap((arn) => {
      const row = this.tables.policies.get(arn.slice(arn.lastIndexOf('/') + 1));
      return row ? [row.value] : [];
    });
  }

  // --- helpers -----------------------------------------------------------------------------------------------------

  private row<T>(table: Table<T>, name: string, kind: Holder): Row<T> {
    const row = table.get(name);
    if (!row) throw new NoSuchEntity(`The ${kind} with name ${name} cannot be found.`);
    return row;
  }

  private change<T extends UserRecord | RoleRecord>(kind: Holder, holder: string, fn: (rec: T, txn: Txn) => T): Promise<void> {
    const table = (kind === 'user' ? this.tables.users : this.tables.roles) as unknown as Table<T>;
    return this.deps.cache.update(() => {
      const row = this.row(table, holder, kind);
      const txn = new Txn();
      const next = fn(row.value, txn);
      if (next !== row.value) txn.put(table, holder, next, row.modRevision);
      return { txn, result: undefined };
    });
  }
}

/** A policy's size as IAM counts it: without whitespace. */
function stripped(doc: string): number {
  return Buffer.byteLength(doc.replace(/\s+/g, ''));
}

function checkSize(doc: string, limit: number, quota: string): string {
  if (stripped(doc) > limit) throw new IamLimitExceeded(`Cannot exceed quota for ${quota}: ${limit}`);
  return doc;
}
