// The container instance attributes ECS derives from a task definition (requiresAttributes), which placement later
// matches against what each agent registered. The mapping is read off real DescribeTaskDefinition outputs and the
// Docker API version each feature needs; ECS does not document it as a whole, so it is best effort.
import type { Attribute, ContainerDefinition } from '@aws-sdk/client-ecs';
import type { TaskView } from './view.js';

const ECS = 'com.amazonaws.ecs.capability';
const remoteApi = (version: string) => `${ECS}.docker-remote-api.${version}`;

/** An image in ECR: the agent needs ECR credentials to pull it. */
const ECR_IMAGE = /^\d{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\//;

/** Names in the order real outputs tend to list them; ECS's own order is not specified. */
export function requiredAttributes(view: TaskView): Attribute[] {
  const { input } = view;
  const names = new Set<string>();
  const add = (name: string) => names.add(name);

  for (const c of view.containers) containerAttributes(c, view, add);

  if (input.taskRoleArn) {
    add(`${ECS}.task-iam-role`);
    if (view.networkMode === 'host') add(`${ECS}.task-iam-role-network-host`);
  }
  if (input.pidMode !== undefined || input.ipcMode !== undefined) add('ecs.capability.pid-ipc-namespace-sharing');
  if (input.proxyConfiguration !== undefined) add('ecs.capability.aws-appmesh');
  for (const v of input.volumes ?? []) {
    if (v.efsVolumeConfiguration) {
      if (v.efsVolumeConfiguration.authorizationConfig) add('ecs.capability.efsAuth');
      add('ecs.capability.efs');
    }
    if (v.dockerVolumeConfiguration?.driver) add(`ecs.capability.docker-plugin.${v.dockerVolumeConfiguration.driver}`);
    if (v.fsxWindowsFileServerVolumeConfiguration) add('ecs.capability.fsxWindowsFileServer');
  }
  if (view.networkMode === 'awsvpc') {
    add(remoteApi('1.18'));
    add('ecs.capability.task-eni');
  }
  // Docker API 1.29 brought the health check start period.
  if (view.containers.some((c) => c.healthCheck?.startPeriod !== undefined)) add(remoteApi('1.29'));

  return [...names].map((name) => ({ name }));
}

function containerAttributes(c: ContainerDefinition, view: TaskView, add: (name: string) => void): void {
  const executionRole = Boolean(view.input.executionRoleArn);
  const log = c.logConfiguration;
  if (log?.logDriver) {
    add(`${ECS}.logging-driver.${log.logDriver}`);
    if (log.logDriver === 'awslogs' && executionRole) add('ecs.capability.execution-role-awslogs');
  }
  const ecr = c.image !== undefined && ECR_IMAGE.test(c.image);
  if (ecr) add(`${ECS}.ecr-auth`);
  if (log?.logDriver) add(remoteApi('1.19'));
  if (c.memoryReservation !== undefined) add(remoteApi('1.21'));
  if (c.readonlyRootFilesystem === true) add(remoteApi('1.17'));
  const labelled = c.dockerLabels !== undefined && Object.keys(c.dockerLabels).length > 0;
  if (labelled || (c.ulimits ?? []).length > 0) add(remoteApi('1.18'));
  if (c.linuxParameters?.initProcessEnabled === true) add(remoteApi('1.25'));
  if ((c.dependsOn ?? []).length > 0 || c.startTimeout !== undefined || c.stopTimeout !== undefined) {
    add('ecs.capability.container-ordering');
  }
  if (c.healthCheck !== undefined) add('ecs.capability.container-health-check');
  if (ecr && executionRole) add('ecs.capability.execution-role-ecr-pull');
  if (c.repositoryCredentials !== undefined) add(`${ECS}.private-registry-authentication.secretsmanager`);
  for (const s of c.secrets ?? []) add(`ecs.capability.secrets.${secretStore(s.valueFrom)}.environment-variables`);
  for (const s of log?.secretOptions ?? []) {
    add(`ecs.capability.secrets.${secretStore(s.valueFrom)}.bootstrap.log-driver`);
  }
  if ((c.environmentFiles ?? []).length > 0) add('ecs.capability.env-files.s3');
  if (c.privileged === true) add(`${ECS}.privileged-container`);
  if (c.firelensConfiguration?.type) add(`ecs.capability.firelens.${c.firelensConfiguration.type}`);
  if (c.restartPolicy?.enabled === true) add('ecs.capability.container-restart-policy');
  if ((c.portMappings ?? []).some((pm) => pm.containerPortRange !== undefined)) {
    add('ecs.capability.container-port-range');
  }
}

/** Secrets Manager ARNs come from "asm"; anything else is an SSM parameter. */
const secretStore = (valueFrom: string | undefined) => (valueFrom?.includes(':secretsmanager:') ? 'asm' : 'ssm');
