// What an authorized request is about: its action (`<service prefix>:<Operation>`) and its main resource's ARN where
// the input names one plainly, else `*`. Kept small and table-driven (docs/architecture.md lists the mapping): a
// policy that names resources works for these operations; every other operation is checked against `*`.

/** Signing name -> IAM action prefix, where they differ. */
const ACTION_PREFIX: Record<string, string> = { monitoring: 'cloudwatch' };

export const actionOf = (signingName: string, operation: string) => `${ACTION_PREFIX[signingName] ?? signingName}:${operation}`;

export interface ResourceContext {
  region: string;
  accountId: string;
  /** The ARN a secret id (name or ARN) resolves to, when it exists. */
  secretArn?: (id: string) => string | undefined;
}

type Input = Record<string, unknown>;
type Rule = (input: Input, c: ResourceContext, operation: string) => string | undefined;

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const isArn = (v: string) => v.startsWith('arn:');

/** ECS: the cluster of a cluster-scoped operation (`default` when omitted, as ECS does). */
const ecsCluster: Rule = (i, c) => {
  const cluster = str(i.cluster) ?? str(i.clusterName) ?? 'default';
  return isArn(cluster) ? cluster : `arn:aws:ecs:${c.region}:${c.accountId}:cluster/${cluster}`;
};
const ECS_CLUSTER_SCOPED = new Set([
  'CreateCluster', 'DeleteCluster', 'UpdateCluster', 'UpdateClusterSettings', 'PutClusterCapacityProviders',
  'RunTask', 'StartTask', 'StopTask', 'DescribeTasks', 'ListTasks', 'CreateService', 'UpdateService', 'DeleteService',
  'DescribeServices', 'ListServices', 'ListContainerInstances', 'DescribeContainerInstances',
  'UpdateContainerInstancesState', 'DeregisterContainerInstance', 'RegisterContainerInstance', 'ExecuteCommand',
]);

const RULES: Record<string, Rule> = {
  ecs: (i, c, op) => (ECS_CLUSTER_SCOPED.has(op) ? ecsCluster(i, c, op) : undefined),
  ecr: (i, c) => {
    const name = str(i.repositoryName);
    return name && `arn:aws:ecr:${c.region}:${c.accountId}:repository/${name}`;
  },
  secretsmanager: (i, c) => {
    const id = str(i.SecretId) ?? str(i.Name);
    if (!id) return undefined;
    if (isArn(id)) return id;
    return c.secretArn?.(id) ?? `arn:aws:secretsmanager:${c.region}:${c.accountId}:secret:${id}`;
  },
  ssm: (i, c) => {
    const name = str(i.Name);
    return name && (isArn(name) ? name : `arn:aws:ssm:${c.region}:${c.accountId}:parameter/${name.replace(/^\//, '')}`);
  },
  elasticloadbalancing: (i) => str(i.LoadBalancerArn) ?? str(i.TargetGroupArn) ?? str(i.ListenerArn) ?? str(i.RuleArn),
  iam: (i, c) => {
    const user = str(i.UserName);
    if (user) return `arn:aws:iam::${c.accountId}:user/${user}`;
    const role = str(i.RoleName);
    if (role) return `arn:aws:iam::${c.accountId}:role/${role}`;
    return str(i.PolicyArn);
  },
  sts: (i) => str(i.RoleArn),
};

/** The resource ARN an authorization checks, `*` when the operation has no plain main resource. */
export function resourceOf(signingName: string, operation: string, input: unknown, c: ResourceContext): string {
  const rule = RULES[signingName];
  if (!rule || typeof input !== 'object' || input === null) return '*';
  return rule(input as Input, c, operation) ?? '*';
}
