// STS: AssumeRole hands out temporary keys (ASIA...) with a session token and an expiration, once the role's trust
// policy lets the caller in. A trust policy that names the caller itself is enough; one that names the account (or
// `*`) lets in only callers whose own identity policies also allow sts:AssumeRole on the role, as within one AWS
// account. Sessions are rows of their own (secret sealed, token kept as its hash), swept once expired.
import { IamValidationError } from '../domain/errors.js';
import type { Sealer } from '../sealing/index.js';
import { Txn, type StateCache } from '../store/cache.js';
import { denied, tokenHash, type Access, type CallerIdentity } from './access.js';
import { evaluate } from './evaluate.js';
import { assumedRoleArn, newSecretKey, newSessionToken, newTemporaryKeyId, rootArn } from './ids.js';
import type { RequestContext } from './conditions.js';
import { parsePolicy, trustPrincipals } from './policy.js';
import type { IdentityTables, RoleRecord, SessionRecord } from './tables.js';

export interface StsDeps {
  cache: StateCache;
  tables: IdentityTables;
  sealer: Sealer;
  access: Access;
  accountId: string;
  now?: () => Date;
}

/** What a service assuming a role acts for: the aws:SourceAccount and aws:SourceArn of its request. */
export interface ServiceSource {
  account: string;
  arn: string;
}

export interface Assumed {
  session: SessionRecord;
  secretAccessKey: string;
  sessionToken: string;
}

/** Role chaining (a role session assuming a role) is capped at one hour, as on AWS. */
const CHAINED_MAX_SECONDS = 3600;

export class Sts {
  readonly now: () => Date;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: StsDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async assumeRole(
    caller: CallerIdentity,
    input: { RoleArn: string; RoleSessionName: string; DurationSeconds?: number },
    protocol: 'json' | 'query' | 'cbor',
    region: string,
  ): Promise<Assumed> {
    const now = this.now();
    const role = this.roleByArn(input.RoleArn);
    if (!role || !this.trusts(role, caller, region, now)) {
      throw denied(protocol, caller.arn, 'sts:AssumeRole', input.RoleArn, 'implicit-deny');
    }
    const duration = input.DurationSeconds ?? 3600;
    if (caller.kind === 'role' && duration > CHAINED_MAX_SECONDS) {
      throw new IamValidationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    }
    if (duration > role.maxSessionDuration) {
      throw new IamValidationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }
    return this.issueSession(role, input.RoleSessionName, caller.arn, now, duration, () => denied(protocol, caller.arn, 'sts:AssumeRole', input.RoleArn, 'implicit-deny'));
  }

  /**
   * Temporary keys for a role a service assumes on its own behalf (ECS for a task's role): the role's trust policy
   * must allow sts:AssumeRole to that service principal. Throws a plain Error saying why not.
   */
  async assumeAsService(roleArn: string, service: string, sessionName: string, durationSeconds = 3600, source?: ServiceSource): Promise<Assumed> {
    const now = this.now();
    const role = this.roleByArn(roleArn);
    if (!role) throw new Error(`the role ${roleArn} does not exist`);
    if (!this.trustsService(role, service, source)) throw new Error(`the trust policy of ${roleArn} does not allow ${service} to assume it`);
    const duration = Math.min(durationSeconds, role.maxSessionDuration);
    return this.issueSession(role, sessionName, service, now, duration, () => new Error(`the role ${roleArn} does not exist`));
  }

  /** Writes a new session of the role, guarded by the role's row: a role deleted or recreated meanwhile gets `gone()`. */
  private async issueSession(role: RoleRecord, sessionName: string, sourceArn: string, now: Date, duration: number, gone: () => Error): Promise<Assumed> {
    const id = newTemporaryKeyId();
    const secretAccessKey = newSecretKey();
    const sessionToken = newSessionToken();
    const session: SessionRecord = {
      accessKeyId: id,
      secretAccessKey: this.deps.sealer.seal(secretAccessKey, this.deps.tables.sessions.key(id)),
      tokenHash: tokenHash(sessionToken),
      roleName: role.roleName,
      roleId: role.roleId,
      roleArn: role.arn,
      sessionName,
      sourceArn,
      expiration: new Date(Math.floor(now.getTime() / 1000) * 1000 + duration * 1000),
    };
    await this.deps.cache.update(() => {
      const row = this.deps.tables.roles.get(role.roleName);
      if (!row || row.value.roleId !== role.roleId) throw gone();
      const txn = new Txn().put(this.deps.tables.sessions, id, session, 0).guard(this.deps.tables.roles, row.id, row.modRevision);
      return { txn, result: undefined };
    });
    return { session, secretAccessKey, sessionToken };
  }

  /**
   * Whether the role's trust policy lets a service principal (e.g. ecs-tasks.amazonaws.com) assume it. The statement's
   * conditions see what the service says it acts for (aws:SourceAccount, aws:SourceArn), as AWS's confused-deputy
   * guards expect; a condition on any other key does not hold, as on AWS.
   */
  trustsService(role: RoleRecord, service: string, source?: ServiceSource): boolean {
    const keys = new Map<string, string[]>(source ? [['aws:sourceaccount', [source.account]], ['aws:sourcearn', [source.arn]]] : []);
    const context: RequestContext = { get: (key) => keys.get(key) };
    let allowed = false;
    for (const st of trustPrincipals(parsePolicy(role.assumeRolePolicyDocument, 'trust'))) {
      if (!st.action('sts:AssumeRole') || !(st.any || st.services.includes(service))) continue;
      if (!st.conditions.every((c) => c(context))) continue;
      if (st.effect === 'Deny') return false;
      allowed = true;
    }
    return allowed;
  }

  roleByArn(arn: string): RoleRecord | undefined {
    const role = this.deps.tables.roles.get(arn.slice(arn.lastIndexOf('/') + 1))?.value;
    return role && role.arn === arn ? role : undefined;
  }

  /** The session's ARN as STS names it. */
  sessionArn(s: SessionRecord): string {
    return assumedRoleArn(this.deps.accountId, s.roleName, s.sessionName);
  }

  /** Whether the role's trust policy (and, for account-wide trust, the caller's own policies) let the caller in. */
  private trusts(role: RoleRecord, caller: CallerIdentity, region: string, now: Date): boolean {
    const { accountId, access, tables } = this.deps;
    const names = new Set([caller.arn]);
    if (caller.kind === 'role') {
      const s = tables.sessions.get(caller.accessKeyId)?.value;
      if (s) names.add(s.roleArn);
    }
    const accountNames = new Set([accountId, rootArn(accountId)]);
    const context = access.context(caller, region, now);
    let byName = false;
    let byAccount = false;
    for (const st of trustPrincipals(parsePolicy(role.assumeRolePolicyDocument, 'trust'))) {
      if (!st.action('sts:AssumeRole')) continue;
      const named = st.aws.some((p) => names.has(p));
      const account = st.any || st.aws.some((p) => accountNames.has(p));
      if (!named && !account) continue;
      if (!st.conditions.every((c) => c(context))) continue;
      if (st.effect === 'Deny') return false;
      if (named) byName = true;
      else byAccount = true;
    }
    if (byName) return true;
    if (!byAccount) return false;
    // Trust granted to the account: the account's root may, others need their own Allow.
    if (caller.kind === 'root' || caller.kind === 'instance') return true;
    return evaluate(access.policiesOf(caller), { action: 'sts:AssumeRole', resource: role.arn, context }) === 'allow';
  }

  /** Deletes sessions past their expiration (their keys are refused from that moment anyway). */
  async sweep(): Promise<number> {
    const now = this.now().getTime();
    return this.deps.cache.update(() => {
      const txn = new Txn();
      let n = 0;
      for (const row of this.deps.tables.sessions.values()) {
        if (row.value.expiration.getTime() > now) continue;
        txn.delete(this.deps.tables.sessions, row.id, row.modRevision);
        n++;
      }
      return { txn, result: n };
    });
  }

  startSweeping(everyMs = 60_000): void {
    this.timer = setInterval(() => void this.sweep().catch(() => undefined), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
