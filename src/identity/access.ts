// Who a key is, and what it may do. The root key (Wharf's own) can do everything and agents' instance keys keep
// their own checks; an IAM user's key or an assumed role's temporary key gets exactly what its identity policies
// allow. Compiled policies are cached per principal and dropped whenever a user, role or managed policy changes.
import { createHash, timingSafeEqual } from 'node:crypto';
import { ExpiredToken, NotAuthorized, QueryNotAuthorized, UnrecognizedClient } from '../domain/errors.js';
import type { Sealer } from '../sealing/index.js';
import type { StateCache } from '../store/cache.js';
import type { RequestContext } from './conditions.js';
import { evaluate, type Decision } from './evaluate.js';
import { assumedRoleArn, rootArn } from './ids.js';
import { compilePolicy, parsePolicy, type CompiledPolicy } from './policy.js';
import { actionOf, resourceOf } from './resources.js';
import type { AccessKeyRecord, IdentityTables, SessionRecord } from './tables.js';

const MAX_DECISIONS = 10_000;
const INVALID_TOKEN = 'The security token included in the request is invalid.';
const EXPIRED_TOKEN = 'The security token included in the request is expired';

/** Mirrors the gateway's Caller (identity/ does not import the gateway). */
export interface CallerIdentity {
  kind: 'root' | 'instance' | 'user' | 'role';
  arn: string;
  userId: string;
  accessKeyId: string;
}

export interface AccessDeps {
  cache: StateCache;
  tables: IdentityTables;
  sealer: Sealer;
  accountId: string;
  /** Wharf's root keys. */
  root: { accessKeyId: string; secretAccessKey: string };
  /** An agent's instance key secret, when the id is one. */
  instanceSecret: (accessKeyId: string) => string | undefined;
  /** Resolves a Secrets Manager SecretId to its ARN for resource matching. */
  secretArn?: (id: string) => string | undefined;
}

export interface Authorization {
  signingName: string;
  protocol: 'json' | 'query' | 'cbor';
  operation: string;
  input: unknown;
  region: string;
  accountId: string;
  now: Date;
}

export class Access {
  /** Principal ARN (user or role) -> its compiled identity policies. */
  private readonly compiled = new Map<string, CompiledPolicy[]>();
  private readonly opened = new WeakMap<object, string>();
  /**
   * Decisions already made, by key, action, resource and region: with the clock out of the policies, nothing else
   * a decision depends on changes without a change to the rows that clear this map. Bounded; oldest out first.
   */
  private readonly decisions = new Map<string, Decision>();
  /** Access key id -> the condition keys that come from its caller. */
  private readonly contexts = new Map<string, { arn: string; keys: Map<string, string[]> }>();
  private readonly stopWatching: () => void;

  constructor(private readonly deps: AccessDeps) {
    const watched = [deps.tables.users.prefix, deps.tables.roles.prefix, deps.tables.policies.prefix];
    this.stopWatching = deps.cache.onChange((keys) => {
      if (keys.some((k) => watched.some((p) => k.startsWith(p)))) {
        this.compiled.clear();
        this.decisions.clear();
      }
      if (keys.some((k) => k.startsWith(deps.tables.sessions.prefix) || k.startsWith(deps.tables.accessKeys.prefix))) {
        this.contexts.clear();
        this.decisions.clear();
      }
    });
  }

  close(): void {
    this.stopWatching();
  }

  /** The secret for any key Wharf knows: root, instance, an active user key, a live or expired session. */
  secretFor(id: string): string | undefined {
    if (id === this.deps.root.accessKeyId) return this.deps.root.secretAccessKey;
    const key = this.deps.tables.accessKeys.get(id)?.value;
    if (key) return key.status === 'Active' ? this.open(key, this.deps.tables.accessKeys.key(id)) : undefined;
    const session = this.deps.tables.sessions.get(id)?.value;
    if (session) return this.open(session, this.deps.tables.sessions.key(id));
    return this.deps.instanceSecret(id);
  }

  caller(id: string, token: string | undefined, _tokenSigned: boolean, now: Date): CallerIdentity {
    const { accountId } = this.deps;
    if (id === this.deps.root.accessKeyId) return { kind: 'root', arn: rootArn(accountId), userId: accountId, accessKeyId: id };
    const key = this.deps.tables.accessKeys.get(id)?.value;
    if (key) {
      const user = this.deps.tables.users.get(key.userName)?.value;
      if (!user) throw new UnrecognizedClient(INVALID_TOKEN);
      return { kind: 'user', arn: user.arn, userId: user.userId, accessKeyId: id };
    }
    const session = this.deps.tables.sessions.get(id)?.value;
    if (session) {
      // Temporary keys are only good with their own session token. It may be left out of the signature, as AWS
      // allows (its SigV4 suite's post-sts-header-after: the header added after signing); its value is what counts.
      if (token === undefined || !sameToken(session, token)) throw new UnrecognizedClient(INVALID_TOKEN);
      if (now.getTime() >= session.expiration.getTime()) throw new ExpiredToken(EXPIRED_TOKEN);
      return {
        kind: 'role', arn: assumedRoleArn(accountId, session.roleName, session.sessionName),
        userId: `${session.roleId}:${session.sessionName}`, accessKeyId: id,
      };
    }
    return { kind: 'instance', arn: rootArn(accountId), userId: accountId, accessKeyId: id };
  }

  /**
   * Who holds a key now, with no signature to check: a registry password names the key that asked for it, and
   * stops working with it. Undefined for a key deleted or made Inactive, a session expired, or one never known.
   * A session's token was checked when the password was issued.
   */
  holder(id: string, now: Date): CallerIdentity | undefined {
    const { accountId } = this.deps;
    if (id === this.deps.root.accessKeyId) return { kind: 'root', arn: rootArn(accountId), userId: accountId, accessKeyId: id };
    const key = this.deps.tables.accessKeys.get(id)?.value;
    if (key) {
      const user = key.status === 'Active' ? this.deps.tables.users.get(key.userName)?.value : undefined;
      return user && { kind: 'user', arn: user.arn, userId: user.userId, accessKeyId: id };
    }
    const session = this.deps.tables.sessions.get(id)?.value;
    if (session) {
      if (now.getTime() >= session.expiration.getTime()) return undefined;
      return {
        kind: 'role', arn: assumedRoleArn(accountId, session.roleName, session.sessionName),
        userId: `${session.roleId}:${session.sessionName}`, accessKeyId: id,
      };
    }
    return this.deps.instanceSecret(id) !== undefined ? { kind: 'instance', arn: rootArn(accountId), userId: accountId, accessKeyId: id } : undefined;
  }

  /** Undefined when the caller may take the action on the resource (root and instance keys always), else AWS's text. */
  refusal(caller: CallerIdentity, action: string, resource: string, region: string, now: Date): string | undefined {
    if (caller.kind === 'root' || caller.kind === 'instance') return undefined;
    const decision = this.decide(caller, action, resource, region, now);
    return decision === 'allow' ? undefined : deniedMessage(caller.arn, action, resource, decision);
  }

  /** The decision for a caller on an action and resource (root and instance keys are not asked). */
  decide(caller: CallerIdentity, action: string, resource: string, region: string, now: Date): Decision {
    const policies = this.policiesOf(caller);
    const memo = `${caller.accessKeyId}\n${action}\n${resource}\n${region}`;
    const known = this.decisions.get(memo);
    if (known !== undefined) return known;
    const decision = evaluate(policies, { action, resource, context: this.context(caller, region, now) });
    if (!policies.some((p) => p.readsClock)) {
      if (this.decisions.size >= MAX_DECISIONS) this.decisions.delete(this.decisions.keys().next().value!);
      this.decisions.set(memo, decision);
    }
    return decision;
  }

  /** Throws AccessDenied in the request's protocol unless the caller's policies allow the operation. */
  authorize(caller: CallerIdentity, req: Authorization): void {
    const action = actionOf(req.signingName, req.operation);
    // Every principal may ask who it is; AssumeRole is decided by the role's trust policy (sts.ts).
    if (action === 'sts:GetCallerIdentity' || action === 'sts:AssumeRole') return;
    const resource = resourceOf(req.signingName, req.operation, req.input, {
      region: req.region, accountId: req.accountId, secretArn: this.deps.secretArn,
    });
    const decision = this.decide(caller, action, resource, req.region, req.now);
    if (decision !== 'allow') throw denied(req.protocol, caller.arn, action, resource, decision);
  }

  /** The compiled identity policies of a user or role (of an assumed role's session: the role's). */
  policiesOf(caller: CallerIdentity): CompiledPolicy[] {
    const holder = this.holderOf(caller);
    return holder ? this.compiledFor(holder) : [];
  }

  /**
   * What a role's own policies decide, for a principal acting as the role without a session of its own (ECS's
   * agent reading a task's secrets with its execution role). Undefined when no such role exists.
   */
  roleDecision(roleArn: string, action: string, resource: string, region: string, now: Date): Decision | undefined {
    const role = this.deps.tables.roles.get(roleArn.slice(roleArn.lastIndexOf('/') + 1))?.value;
    if (!role || role.arn !== roleArn) return undefined;
    const keys = new Map<string, string[]>([
      ['aws:principalaccount', [this.deps.accountId]],
      ['aws:userid', [role.roleId]],
      ['aws:securetransport', ['false']],
      ['aws:principalarn', [role.arn]],
      ['aws:principaltype', ['AssumedRole']],
    ]);
    const context: RequestContext = {
      get(key: string) {
        if (key === 'aws:requestedregion') return [region];
        if (key === 'aws:currenttime') return [now.toISOString()];
        if (key === 'aws:epochtime') return [String(Math.floor(now.getTime() / 1000))];
        return keys.get(key);
      },
    };
    return evaluate(this.compiledFor(role), { action, resource, context });
  }

  private compiledFor(holder: { arn: string; inlinePolicies: Record<string, string>; attached: string[] }): CompiledPolicy[] {
    let list = this.compiled.get(holder.arn);
    if (!list) {
      list = [];
      for (const doc of Object.values(holder.inlinePolicies)) list.push(compilePolicy(parsePolicy(doc)));
      for (const arn of holder.attached) {
        const p = this.deps.tables.policies.get(arn.slice(arn.lastIndexOf('/') + 1))?.value;
        if (p && p.arn === arn) list.push(compilePolicy(parsePolicy(p.document)));
      }
      this.compiled.set(holder.arn, list);
    }
    return list;
  }

  private holderOf(caller: CallerIdentity) {
    if (caller.kind === 'user') {
      const key = this.deps.tables.accessKeys.get(caller.accessKeyId)?.value;
      return key ? this.deps.tables.users.get(key.userName)?.value : undefined;
    }
    if (caller.kind === 'role') {
      const s = this.deps.tables.sessions.get(caller.accessKeyId)?.value;
      const role = s ? this.deps.tables.roles.get(s.roleName)?.value : undefined;
      // A role deleted and made again under the same name is another role: old sessions get nothing from it.
      return role && role.roleId === s!.roleId ? role : undefined;
    }
    return undefined;
  }

  /** The condition keys Wharf provides for a request: the caller's (kept per key) and the request's own. */
  context(caller: CallerIdentity, region: string, now: Date): RequestContext {
    let fixed = this.contexts.get(caller.accessKeyId);
    if (!fixed || fixed.arn !== caller.arn) {
      fixed = { arn: caller.arn, keys: this.callerKeys(caller) };
      this.contexts.set(caller.accessKeyId, fixed);
    }
    const keys = fixed.keys;
    return {
      get(key: string) {
        switch (key) {
          case 'aws:requestedregion':
            return [region];
          case 'aws:currenttime':
            return [now.toISOString()];
          case 'aws:epochtime':
            return [String(Math.floor(now.getTime() / 1000))];
          default:
            return keys.get(key);
        }
      },
    };
  }

  private callerKeys(caller: CallerIdentity): Map<string, string[]> {
    const m = new Map<string, string[]>([
      ['aws:principalaccount', [this.deps.accountId]],
      ['aws:userid', [caller.userId]],
      ['aws:securetransport', ['false']],
    ]);
    if (caller.kind === 'user') {
      m.set('aws:username', [caller.arn.slice(caller.arn.lastIndexOf('/') + 1)]);
      m.set('aws:principalarn', [caller.arn]);
      m.set('aws:principaltype', ['User']);
    } else if (caller.kind === 'role') {
      const s = this.deps.tables.sessions.get(caller.accessKeyId)?.value;
      if (s) m.set('aws:principalarn', [s.roleArn]);
      m.set('aws:principaltype', ['AssumedRole']);
    } else {
      m.set('aws:principalarn', [caller.arn]);
      m.set('aws:principaltype', ['Account']);
    }
    return m;
  }

  private open(rec: AccessKeyRecord | SessionRecord, context: string): string {
    let s = this.opened.get(rec);
    if (s === undefined) {
      s = this.deps.sealer.openText(rec.secretAccessKey, context);
      this.opened.set(rec, s);
    }
    return s;
  }
}

export const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

function sameToken(session: SessionRecord, token: string): boolean {
  const a = Buffer.from(tokenHash(token), 'hex');
  const b = Buffer.from(session.tokenHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** AWS's refusal text, naming the principal, the action and the resource. */
export function deniedMessage(principal: string, action: string, resource: string, decision: Decision): string {
  const why = decision === 'explicit-deny'
    ? 'with an explicit deny in an identity-based policy'
    : `because no identity-based policy allows the ${action} action`;
  return `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
}

export function denied(protocol: Authorization['protocol'], principal: string, action: string, resource: string, decision: Decision) {
  const message = deniedMessage(principal, action, resource, decision);
  return protocol === 'query' ? new QueryNotAuthorized(message) : new NotAuthorized(message);
}
