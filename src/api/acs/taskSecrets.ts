// What an agent may read for the tasks placed on its instance: container secrets, log driver secret options and
// private registry credentials (resolved from Secrets Manager and Parameter Store as the task's execution role
// allows, as ECS's agent does with that role), and the task role's temporary credentials. Answers go back on the
// channel only; nothing here stores or logs a value, and every refusal is the task's stop reason in ECS's words.
import type { AgentTask, ContainerSecrets, TaskRoleCredentials } from '../../agent/protocol.js';
import { AwsError } from '../../domain/errors.js';
import { jsonKeyOf, parameterArnOf, parseValueFrom, type SecretSource } from '../../domain/secrets/valueFrom.js';
import { taskIdOf } from '../../domain/task.js';
import { deniedMessage, type Access, type ServiceSource, type Sts } from '../../identity/index.js';
import type { ParameterStore, SecretsManager } from '../../secrets/index.js';
import type { Tables } from '../../state/tables.js';
import { findTaskDefinition } from '../ecs/taskDefinitions.js';
import { agentTask } from './payload.js';

/** The service principal a role's trust policy must name for ECS to use it for a task. */
export const ECS_TASKS_PRINCIPAL = 'ecs-tasks.amazonaws.com';
const PREFIX = 'ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: ';
/** How long a task role session lasts (capped by the role's MaxSessionDuration); the agent renews it before. */
const TASK_SESSION_SECONDS = 6 * 3600;

export interface TaskSecretsDeps {
  tables: Tables;
  secrets: SecretsManager;
  parameters: ParameterStore;
  access: Access;
  sts: Sts;
  accountId: string;
  now?: () => Date;
}

/** A refusal the agent turns into the task's stop reason. */
export class TaskSecretsError extends Error {}

/** What ECS acts for when it assumes a task's roles: the task's account and its cluster (aws:SourceArn). */
function ecsSource(taskArn: string): ServiceSource {
  const [, , , region, account, resource] = taskArn.split(':');
  return { account: account!, arn: `arn:aws:ecs:${region}:${account}:cluster/${resource!.split('/')[1]}` };
}

export class TaskSecrets {
  private readonly now: () => Date;

  constructor(private readonly deps: TaskSecretsDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /** Every secret value the task's containers need, by container name. */
  async resolve(instanceKey: string, taskArn: string): Promise<Record<string, ContainerSecrets>> {
    const { task, executionRoleArn } = this.placed(instanceKey, taskArn);
    const region = taskArn.split(':')[3]!;
    const reader = new Reader(this.deps, region, taskIdOf(taskArn), executionRoleArn, this.now(), ecsSource(taskArn));
    const out: Record<string, ContainerSecrets> = {};
    for (const c of task.containers) {
      const d = c.definition;
      const got: ContainerSecrets = { env: [], logOptions: {} };
      for (const s of d.secrets ?? []) got.env.push([s.name!, await reader.value(s.valueFrom!)]);
      for (const s of d.logConfiguration?.secretOptions ?? []) got.logOptions[s.name!] = await reader.value(s.valueFrom!);
      const param = d.repositoryCredentials?.credentialsParameter;
      if (param) got.registryAuth = await reader.registryAuth(param);
      out[c.name] = got;
    }
    return out;
  }

  /** Fresh temporary credentials of the task's role (a new session each time; the agent renews before expiry). */
  async credentials(instanceKey: string, taskArn: string): Promise<TaskRoleCredentials> {
    const { task } = this.placed(instanceKey, taskArn);
    if (!task.taskRoleArn) throw new TaskSecretsError(`task ${taskArn} has no task role`);
    try {
      const a = await this.deps.sts.assumeAsService(task.taskRoleArn, ECS_TASKS_PRINCIPAL, taskIdOf(taskArn), TASK_SESSION_SECONDS, ecsSource(taskArn));
      return {
        AccessKeyId: a.session.accessKeyId,
        SecretAccessKey: a.secretAccessKey,
        Token: a.sessionToken,
        Expiration: a.session.expiration.toISOString(),
        RoleArn: a.session.roleArn,
      };
    } catch (err) {
      throw new TaskSecretsError(`ResourceInitializationError: unable to get the task role's credentials: ${(err as Error).message}`);
    }
  }

  /** The task, only for the agent of the instance it is placed on, and only while it should run. */
  private placed(instanceKey: string, taskArn: string): { task: AgentTask; executionRoleArn?: string } {
    const cluster = taskArn.split('/').at(-2);
    const row = this.deps.tables.tasks.get(`${cluster}/${taskIdOf(taskArn)}`);
    if (!row || row.value.task.taskArn !== taskArn || row.value.instanceKey !== instanceKey) {
      throw new TaskSecretsError(`task ${taskArn} is not placed on this container instance`);
    }
    if (row.value.task.desiredStatus === 'STOPPED') throw new TaskSecretsError(`task ${taskArn} is stopping`);
    const task = agentTask(this.deps.tables, row.value);
    if (!task) throw new TaskSecretsError(`the task definition of ${taskArn} is gone`);
    const td = findTaskDefinition(this.deps.tables, row.value.task.taskDefinitionArn!)?.value.taskDefinition;
    return { task, executionRoleArn: row.value.task.overrides?.executionRoleArn ?? td?.executionRoleArn };
  }
}

/** Reads values for one task as its execution role may (the agent's own standing when the task has none). */
class Reader {
  constructor(
    private readonly deps: TaskSecretsDeps,
    private readonly region: string,
    private readonly session: string,
    private readonly roleArn: string | undefined,
    private readonly now: Date,
    private readonly source: ServiceSource,
  ) {}

  async value(valueFrom: string): Promise<string> {
    const src = parseValueFrom(valueFrom);
    return src.store === 'asm' ? this.fromSecretsManager(src) : this.fromParameterStore(src.name);
  }

  async registryAuth(id: string): Promise<{ username: string; password: string }> {
    const fail = (why: string) =>
      new TaskSecretsError(`${PREFIX}unable to get registry auth from asm: service call has been retried 1 time(s): asm fetching secret from the service for ${id}: ${why}`);
    const arn = this.secretArnOf(id);
    this.authorize('secretsmanager:GetSecretValue', arn, (m) => fail(`AccessDeniedException: ${m}`));
    this.authorizeKey(this.secretKeyOf(id), 'aws/secretsmanager', fail);
    let text: string | undefined;
    try {
      text = (await this.deps.secrets.getValue(id)).value.SecretString;
    } catch (err) {
      throw fail(errorText(err));
    }
    const username = text === undefined ? undefined : jsonKeyOf(text, 'username');
    const password = text === undefined ? undefined : jsonKeyOf(text, 'password');
    if (username === undefined || password === undefined) throw fail('the secret must be JSON with "username" and "password"');
    return { username, password };
  }

  private async fromSecretsManager(src: Extract<SecretSource, { store: 'asm' }>): Promise<string> {
    const fail = (why: string) =>
      new TaskSecretsError(
        `${PREFIX}unable to retrieve secret from asm: service call has been retried 1 time(s): failed to fetch secret ${src.secretArn} from secrets manager: ${why}`,
      );
    this.authorize('secretsmanager:GetSecretValue', this.secretArnOf(src.secretArn), (m) => fail(`AccessDeniedException: ${m}`));
    this.authorizeKey(this.secretKeyOf(src.secretArn), 'aws/secretsmanager', fail);
    let value: { SecretString?: string; SecretBinary?: Uint8Array };
    try {
      value = (await this.deps.secrets.getValue(src.secretArn, src.versionId, src.versionStage)).value;
    } catch (err) {
      throw fail(errorText(err));
    }
    const text = value.SecretString ?? Buffer.from(value.SecretBinary ?? []).toString('base64');
    if (!src.jsonKey) return text;
    const v = jsonKeyOf(text, src.jsonKey);
    if (v === undefined) {
      throw new TaskSecretsError(`${PREFIX}unable to retrieve secret from asm: retrieved secret from Secrets Manager did not contain json key ${src.jsonKey}`);
    }
    return v;
  }

  private async fromParameterStore(name: string): Promise<string> {
    const fail = (why: string) => new TaskSecretsError(`${PREFIX}unable to retrieve secrets from ssm: service call has been retried 1 time(s): ${why}`);
    this.authorize('ssm:GetParameters', parameterArnOf(name, this.region, this.deps.accountId), (m) => fail(`AccessDeniedException: ${m}`));
    let read: ReturnType<ParameterStore['read']>;
    try {
      read = this.deps.parameters.read(name);
    } catch (err) {
      if (err instanceof AwsError && err.code.startsWith('Parameter')) throw fail(`invalid parameters: ${name}`);
      throw fail(errorText(err));
    }
    if (read.version.type === 'SecureString') this.authorizeKey(read.version.keyId, 'aws/ssm', fail);
    try {
      return this.deps.parameters.value(read.rec, read.version, true);
    } catch (err) {
      throw fail(errorText(err));
    }
  }

  /** The full ARN of a secret that exists (what policies name), else the reference as given. */
  private secretArnOf(id: string): string {
    try {
      return this.deps.secrets.find(id).arn;
    } catch {
      return id;
    }
  }

  private secretKeyOf(id: string): string | undefined {
    try {
      return this.deps.secrets.find(id).kmsKeyId;
    } catch {
      return undefined; // a missing secret fails with its own error when it is read
    }
  }

  /**
   * A value under a customer managed KMS key also needs kms:Decrypt on that key (ECS's guide: "only if your key uses
   * a custom KMS key and not the default key"); the AWS managed key (`alias/aws/...`) needs nothing more.
   */
  private authorizeKey(keyId: string | undefined, managedAlias: string, fail: (why: string) => TaskSecretsError): void {
    if (!keyId || keyId === `alias/${managedAlias}` || keyId.endsWith(`:alias/${managedAlias}`)) return;
    const arn = keyId.startsWith('arn:') ? keyId : `arn:aws:kms:${this.region}:${this.deps.accountId}:${keyId.startsWith('alias/') ? keyId : `key/${keyId}`}`;
    this.authorize('kms:Decrypt', arn, () => fail('AccessDeniedException: Access to KMS is not allowed'));
  }

  private authorize(action: string, resource: string, fail: (message: string) => TaskSecretsError): void {
    if (!this.roleArn) return;
    const roleName = this.roleArn.slice(this.roleArn.lastIndexOf('/') + 1);
    const principal = `arn:aws:sts::${this.deps.accountId}:assumed-role/${roleName}/${this.session}`;
    const role = this.deps.sts.roleByArn(this.roleArn);
    if (!role || !this.deps.sts.trustsService(role, ECS_TASKS_PRINCIPAL, this.source)) {
      throw fail(`User: ${ECS_TASKS_PRINCIPAL} is not authorized to perform: sts:AssumeRole on resource: ${this.roleArn}`);
    }
    const decision = this.deps.access.roleDecision(this.roleArn, action, resource, this.region, this.now) ?? 'implicit-deny';
    if (decision !== 'allow') throw fail(deniedMessage(principal, action, resource, decision));
  }
}

function errorText(err: unknown): string {
  return err instanceof AwsError ? `${err.code}: ${err.message}` : (err as Error).message;
}
