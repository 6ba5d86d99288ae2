// IAM's state in the shared store: one row per user, role, managed policy, access key and STS session. A user's and
// a role's inline policies and attachments live in its own row, so each IAM request is one guarded write. Secret
// halves of keys are sealed (sealing/); a session token is kept only as its SHA-256.
import type { StateCache, Table } from '../store/cache.js';

export interface UserRecord {
  userName: string;
  userId: string;
  arn: string;
  path: string;
  createDate: Date;
  /** Inline policies: name -> the document as given. */
  inlinePolicies: Record<string, string>;
  /** Managed policy ARNs attached. */
  attached: string[];
}

export interface RoleRecord {
  roleName: string;
  roleId: string;
  arn: string;
  path: string;
  description?: string;
  createDate: Date;
  assumeRolePolicyDocument: string;
  maxSessionDuration: number;
  inlinePolicies: Record<string, string>;
  attached: string[];
}

export interface ManagedPolicyRecord {
  policyName: string;
  policyId: string;
  arn: string;
  path: string;
  description?: string;
  document: string;
  createDate: Date;
  updateDate: Date;
}

export interface AccessKeyRecord {
  accessKeyId: string;
  userName: string;
  /** Sealed under `iam/access-keys/ID`. */
  secretAccessKey: string;
  status: 'Active' | 'Inactive';
  createDate: Date;
}

/** Temporary keys from AssumeRole. */
export interface SessionRecord {
  accessKeyId: string;
  /** Sealed under `iam/sessions/ID`. */
  secretAccessKey: string;
  /** SHA-256 (hex) of the session token. */
  tokenHash: string;
  roleName: string;
  roleId: string;
  roleArn: string;
  sessionName: string;
  /** Who assumed the role. */
  sourceArn: string;
  expiration: Date;
}

export interface IdentityTables {
  users: Table<UserRecord>;
  roles: Table<RoleRecord>;
  policies: Table<ManagedPolicyRecord>;
  accessKeys: Table<AccessKeyRecord>;
  sessions: Table<SessionRecord>;
}

export const IAM_PREFIX = 'iam/';

/** Creates the tables on the cache; call before `cache.start()`. */
export function createIdentityTables(cache: StateCache): IdentityTables {
  return {
    users: cache.table<UserRecord>({ prefix: 'iam/users/' }),
    roles: cache.table<RoleRecord>({ prefix: 'iam/roles/' }),
    policies: cache.table<ManagedPolicyRecord>({ prefix: 'iam/policies/' }),
    accessKeys: cache.table<AccessKeyRecord>({ prefix: 'iam/access-keys/', indexes: { user: (r) => r.userName } }),
    sessions: cache.table<SessionRecord>({ prefix: 'iam/sessions/' }),
  };
}
