// Every member of the task definition shapes in the ECS model (and of RunTask's overrides), with what Wharf does with
// it: it takes effect as on ECS, it is computed by Wharf, or it is refused, and where. A unit test
// (src/taskDefinitionFields.test.ts) walks the model and fails on a member missing here, checks that each refusal
// really happens where this table says, and that docs/task-definition-fields.md is this table.

/** Where a refused field is stopped. */
export type RefusedAt =
  /** RegisterTaskDefinition answers ClientException naming the field (refusals.ts). */
  | 'register'
  /** RunTask (and StartTask) answer ClientException naming the field. */
  | 'run'
  /** The agent fails the task before pulling, the reason naming the field (agent/engine/support.ts). */
  | 'launch'
  /** No agent advertises the attribute ECS requires for it, so placement fails with ATTRIBUTE, as on ECS. */
  | 'placement';

export type FieldRule =
  | { kind: 'honoured'; note: string }
  | { kind: 'output'; note: string }
  | { kind: 'refused'; at: RefusedAt; reason: string };

const H = (note: string): FieldRule => ({ kind: 'honoured', note });
const OUT = (note: string): FieldRule => ({ kind: 'output', note });
const NO = (at: RefusedAt, reason: string): FieldRule => ({ kind: 'refused', at, reason });

/** The shapes walked from, in the document's order. */
export const ROOT_SHAPES = ['RegisterTaskDefinitionRequest', 'TaskDefinition', 'TaskOverride'] as const;

/**
 * Keyed `Shape.member`. RegisterTaskDefinitionRequest's members are listed under TaskDefinition (the same field, as
 * stored); members under a refused or output field are not walked (they cannot take effect).
 */
export const TASK_DEFINITION_FIELDS: Record<string, FieldRule> = {
  'TaskDefinition.family': H('names the family; revisions count up per family'),
  'TaskDefinition.taskRoleArn': H('the task metadata endpoint serves the role\'s temporary credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI); the role must trust ecs-tasks.amazonaws.com'),
  'TaskDefinition.executionRoleArn': H('secrets and registry credentials are read only as its policies allow (it must trust ecs-tasks.amazonaws.com); the agent pulls from Wharf\'s registry and ships awslogs output with its own credentials'),
  'TaskDefinition.networkMode': H('bridge, host, awsvpc (a task address and a pause container), none'),
  'TaskDefinition.containerDefinitions': H('one Docker container each'),
  'TaskDefinition.volumes': H('bind mounts, Docker volumes and task-scoped volumes'),
  'TaskDefinition.placementConstraints': H('memberOf expressions in the cluster query language'),
  'TaskDefinition.requiresCompatibilities': H('checked against the launch type\'s rules (Fargate sizes and limits)'),
  'TaskDefinition.cpu': H('a cgroup per task with a CPU quota; counted by placement'),
  'TaskDefinition.memory': H('a cgroup per task with a memory limit; counted by placement'),
  'RegisterTaskDefinitionRequest.tags': H('kept beside the definition (ListTagsForResource, propagateTags)'),
  'TaskDefinition.pidMode': H('host: the host\'s PID namespace; task: one namespace shared by the task\'s containers'),
  'TaskDefinition.ipcMode': H('host: the host\'s IPC namespace; task: one shared by the task\'s containers; none: private'),
  'TaskDefinition.proxyConfiguration': NO('register', 'App Mesh proxies are not provided by Wharf'),
  'TaskDefinition.inferenceAccelerators': NO('register', 'Elastic Inference accelerators do not exist on Wharf hosts'),
  'TaskDefinition.ephemeralStorage': H('a size for each container\'s writable layer where Docker\'s storage driver supports it (overlay2 on xfs with pquota); elsewhere the task stops with Docker\'s reason'),
  'TaskDefinition.runtimePlatform': H('placed only on instances of that architecture and OS family (ATTRIBUTE otherwise); tasks report ecs.cpu-architecture'),
  'TaskDefinition.enableFaultInjection': NO('register', 'fault injection endpoints are not provided (false is accepted)'),
  'TaskDefinition.taskDefinitionArn': OUT('computed'),
  'TaskDefinition.revision': OUT('computed'),
  'TaskDefinition.status': OUT('ACTIVE, INACTIVE, DELETE_IN_PROGRESS'),
  'TaskDefinition.requiresAttributes': OUT('computed from the fields used; matched against what agents advertise'),
  'TaskDefinition.compatibilities': OUT('computed'),
  'TaskDefinition.registeredAt': OUT('computed'),
  'TaskDefinition.deregisteredAt': OUT('computed'),
  'TaskDefinition.deleteRequestedAt': OUT('computed'),
  'TaskDefinition.registeredBy': OUT('the caller\'s ARN'),

  'ContainerDefinition.name': H('the container\'s name; Docker\'s is ecs-FAMILY-REV-TASKID-NAME'),
  'ContainerDefinition.image': H('pulled per ECS_IMAGE_PULL_BEHAVIOR (prefer-cached by default), with ECR tokens for Wharf\'s registry'),
  'ContainerDefinition.repositoryCredentials': H('the image is pulled with the username and password of the Secrets Manager secret'),
  'ContainerDefinition.cpu': H('CPU shares; counted by placement'),
  'ContainerDefinition.memory': H('hard memory limit, no swap unless maxSwap'),
  'ContainerDefinition.memoryReservation': H('soft memory limit; counted by placement'),
  'ContainerDefinition.links': H('Docker links (bridge mode)'),
  'ContainerDefinition.portMappings': H('published on the instance\'s publish address (bridge, host) or the task\'s address (awsvpc)'),
  'ContainerDefinition.essential': H('an essential container exiting stops the task (EssentialContainerExited)'),
  'ContainerDefinition.restartPolicy': H('the agent restarts an exited container in place (see ContainerRestartPolicy)'),
  'ContainerDefinition.entryPoint': H('Docker Entrypoint'),
  'ContainerDefinition.command': H('Docker Cmd'),
  'ContainerDefinition.environment': H('Docker Env'),
  'ContainerDefinition.environmentFiles': H('local absolute paths are read at create; S3 objects stop the task at launch'),
  'ContainerDefinition.mountPoints': H('Docker binds'),
  'ContainerDefinition.volumesFrom': H('Docker VolumesFrom'),
  'ContainerDefinition.linuxParameters': H('see LinuxParameters'),
  'ContainerDefinition.secrets': H('environment variables from Secrets Manager (json-key, version stage and id suffixes) or Parameter Store, read when the container is created'),
  'ContainerDefinition.dependsOn': H('START, COMPLETE, SUCCESS, HEALTHY gates'),
  'ContainerDefinition.startTimeout': H('how long a dependency may take'),
  'ContainerDefinition.stopTimeout': H('seconds between SIGTERM and SIGKILL'),
  'ContainerDefinition.versionConsistency': H('enabled (the default): every task of a deployment runs the image digest its first task ran (repo@sha256:..., pulled by digest where missing), even after the tag moves; an image no registry has is pinned by its image id; disabled, and RunTask\'s tasks: the tag'),
  'ContainerDefinition.hostname': H('Docker Hostname (refused in awsvpc at registration, as ECS)'),
  'ContainerDefinition.user': H('Docker User'),
  'ContainerDefinition.workingDirectory': H('Docker WorkingDir'),
  'ContainerDefinition.disableNetworking': H('Docker NetworkDisabled'),
  'ContainerDefinition.privileged': H('Docker Privileged, where the agent allows it (placement needs privileged-container)'),
  'ContainerDefinition.readonlyRootFilesystem': H('Docker ReadonlyRootfs'),
  'ContainerDefinition.dnsServers': H('Docker Dns'),
  'ContainerDefinition.dnsSearchDomains': H('Docker DnsSearch'),
  'ContainerDefinition.extraHosts': H('Docker ExtraHosts'),
  'ContainerDefinition.dockerSecurityOptions': H('Docker SecurityOpt'),
  'ContainerDefinition.interactive': H('Docker OpenStdin'),
  'ContainerDefinition.pseudoTerminal': H('Docker Tty'),
  'ContainerDefinition.dockerLabels': H('Docker labels (beside the agent\'s own)'),
  'ContainerDefinition.ulimits': H('Docker Ulimits'),
  'ContainerDefinition.logConfiguration': H('see LogConfiguration'),
  'ContainerDefinition.healthCheck': H('Docker health check; container and task health'),
  'ContainerDefinition.systemControls': H('Docker Sysctls'),
  'ContainerDefinition.resourceRequirements': NO('register', 'GPUs and inference accelerators are not scheduled by Wharf'),
  'ContainerDefinition.firelensConfiguration': NO('register', 'FireLens log routers are not provided'),
  'ContainerDefinition.credentialSpecs': NO('register', 'gMSA credential specs need Windows and Active Directory'),

  'PortMapping.containerPort': H('the container side'),
  'PortMapping.hostPort': H('the host side (0 or absent in bridge: a dynamic port)'),
  'PortMapping.protocol': H('tcp or udp'),
  'PortMapping.name': H('kept; Service Connect names ports by it'),
  'PortMapping.appProtocol': H('kept; Service Connect reads it'),
  'PortMapping.containerPortRange': H('bridge: a run of consecutive host ports from the dynamic host port range; awsvpc: the same ports at the task address; reported as containerPortRange and hostPortRange in networkBindings; hostPort must not be set'),
  'ContainerRestartPolicy.enabled': H('restart the container when it exits'),
  'ContainerRestartPolicy.ignoredExitCodes': H('exit codes that do not restart it'),
  'ContainerRestartPolicy.restartAttemptPeriod': H('seconds (60-1800, default 300) it must have run before an exit restarts it'),
  'KeyValuePair.name': H('variable name'),
  'KeyValuePair.value': H('variable value'),
  'EnvironmentFile.value': H('the file (a local absolute path)'),
  'EnvironmentFile.type': H('s3'),
  'MountPoint.sourceVolume': H('the volume'),
  'MountPoint.containerPath': H('where it is mounted'),
  'MountPoint.readOnly': H(':ro'),
  'VolumeFrom.sourceContainer': H('the container'),
  'VolumeFrom.readOnly': H(':ro'),
  'LinuxParameters.capabilities': H('Docker CapAdd and CapDrop'),
  'LinuxParameters.devices': H('Docker Devices'),
  'LinuxParameters.initProcessEnabled': H('Docker Init'),
  'LinuxParameters.sharedMemorySize': H('Docker ShmSize'),
  'LinuxParameters.tmpfs': H('Docker Tmpfs'),
  'LinuxParameters.maxSwap': H('Docker MemorySwap'),
  'LinuxParameters.swappiness': H('Docker MemorySwappiness'),
  'KernelCapabilities.add': H('CapAdd'),
  'KernelCapabilities.drop': H('CapDrop'),
  'Device.hostPath': H('PathOnHost'),
  'Device.containerPath': H('PathInContainer'),
  'Device.permissions': H('CgroupPermissions (read, write, mknod)'),
  'Tmpfs.containerPath': H('mount point'),
  'Tmpfs.size': H('size in MiB'),
  'Tmpfs.mountOptions': H('mount options'),
  'ContainerDependency.containerName': H('the container waited for'),
  'ContainerDependency.condition': H('START, COMPLETE, SUCCESS, HEALTHY'),
  'HostEntry.hostname': H('/etc/hosts name'),
  'HostEntry.ipAddress': H('/etc/hosts address'),
  'Ulimit.name': H('the limit'),
  'Ulimit.softLimit': H('soft'),
  'Ulimit.hardLimit': H('hard'),
  'LogConfiguration.logDriver': H('awslogs: Wharf ships the output to CloudWatch Logs itself; json-file, syslog, journald, gelf, fluentd, splunk: Docker\'s driver with the options (a driver the engine lacks: ATTRIBUTE at placement); awsfirelens: refused with firelensConfiguration'),
  'LogConfiguration.options': H('passed to Docker\'s driver; awslogs: group, stream prefix, create-group, mode non-blocking and max-buffer-size'),
  'Secret.name': H('the environment variable (or log option) the value goes into'),
  'Secret.valueFrom': H('a Secrets Manager ARN (with :json-key:version-stage:version-id), or a Parameter Store name or ARN'),
  'RepositoryCredentials.credentialsParameter': H('a Secrets Manager secret holding {"username","password"}'),
  'LogConfiguration.secretOptions': H('log driver options from Secrets Manager or Parameter Store'),
  'HealthCheck.command': H('CMD or CMD-SHELL'),
  'HealthCheck.interval': H('seconds'),
  'HealthCheck.timeout': H('seconds'),
  'HealthCheck.retries': H('count'),
  'HealthCheck.startPeriod': H('seconds'),
  'SystemControl.namespace': H('sysctl name'),
  'SystemControl.value': H('sysctl value'),

  'Volume.name': H('the name mount points use'),
  'Volume.host': H('a bind mount of host.sourcePath, or a task-scoped Docker volume'),
  'Volume.dockerVolumeConfiguration': H('a Docker volume (the local driver; other drivers need their plugin\'s attribute)'),
  'Volume.efsVolumeConfiguration': H('a bind of the file system\'s directory under --efs-root (served by Wharf\'s EFS API)'),
  'Volume.s3filesVolumeConfiguration': NO('register', 'S3 Files file systems are not provided'),
  'Volume.fsxWindowsFileServerVolumeConfiguration': NO('register', 'FSx for Windows File Server needs Windows containers'),
  'Volume.configuredAtLaunch': NO('register', 'EBS volumes configured at launch are not provided'),
  'HostVolumeProperties.sourcePath': H('the host directory'),
  'EFSVolumeConfiguration.fileSystemId': H('a file system of Wharf\'s EFS API; RunTask refuses one that does not exist'),
  'EFSVolumeConfiguration.rootDirectory': H('the directory of the file system that is mounted (\'/\' when an access point is given)'),
  'EFSVolumeConfiguration.transitEncryption': H('accepted; the bind mount is local, there is no transit to encrypt'),
  'EFSVolumeConfiguration.transitEncryptionPort': H('accepted with transitEncryption ENABLED, refused without it'),
  'EFSVolumeConfiguration.authorizationConfig': H('the access point and IAM authorization below'),
  'EFSAuthorizationConfig.accessPointId': H('the access point\'s root directory is mounted, created with its owner and mode, and its POSIX user runs the containers'),
  'EFSAuthorizationConfig.iam': H('accepted; Wharf does not check IAM on mounts'),
  'DockerVolumeConfiguration.scope': H('task (removed with the task) or shared'),
  'DockerVolumeConfiguration.autoprovision': H('create a shared volume that does not exist'),
  'DockerVolumeConfiguration.driver': H('the volume driver'),
  'DockerVolumeConfiguration.driverOpts': H('driver options'),
  'DockerVolumeConfiguration.labels': H('volume labels'),
  'TaskDefinitionPlacementConstraint.type': H('memberOf'),
  'TaskDefinitionPlacementConstraint.expression': H('the cluster query language'),
  'Tag.key': H('tag key'),
  'Tag.value': H('tag value'),
  'EphemeralStorage.sizeInGiB': H('21-200 GiB, as Docker StorageOpt size'),
  'RuntimePlatform.cpuArchitecture': H('X86_64 or ARM64, matched against ecs.cpu-architecture'),
  'RuntimePlatform.operatingSystemFamily': H('LINUX, matched against ecs.os-family (Windows families place nowhere)'),

  'TaskOverride.containerOverrides': H('see ContainerOverride'),
  'TaskOverride.cpu': H('replaces the task cpu'),
  'TaskOverride.memory': H('replaces the task memory'),
  'TaskOverride.inferenceAcceleratorOverrides': NO('run', 'Elastic Inference accelerators do not exist on Wharf hosts'),
  'TaskOverride.executionRoleArn': H('accepted, as the definition\'s'),
  'TaskOverride.taskRoleArn': H('replaces the definition\'s task role for this task'),
  'TaskOverride.ephemeralStorage': H('replaces the definition\'s ephemeralStorage'),
  'ContainerOverride.name': H('the container overridden'),
  'ContainerOverride.command': H('replaces command'),
  'ContainerOverride.environment': H('merged over environment'),
  'ContainerOverride.environmentFiles': H('added to environmentFiles'),
  'ContainerOverride.cpu': H('replaces cpu'),
  'ContainerOverride.memory': H('replaces memory'),
  'ContainerOverride.memoryReservation': H('replaces memoryReservation'),
  'ContainerOverride.resourceRequirements': NO('run', 'GPUs and inference accelerators are not scheduled by Wharf'),
};

/** The message a refused field gets at RegisterTaskDefinition or RunTask. */
export function refusalMessage(field: string): string {
  const rule = TASK_DEFINITION_FIELDS[field];
  if (rule?.kind !== 'refused') throw new Error(`${field} is not a refused field`);
  return `${field.split('.').slice(1).join('.')} is not supported by Wharf: ${rule.reason}.`;
}

/** docs/task-definition-fields.md, from the table. */
export function renderFieldTable(order: readonly string[]): string {
  const where: Record<RefusedAt, string> = {
    register: 'refused at RegisterTaskDefinition (ClientException)',
    run: 'refused at RunTask and StartTask (ClientException)',
    launch: 'refused when the task starts (the task stops with the reason)',
    placement: 'refused at placement (ATTRIBUTE: no agent advertises it)',
  };
  const lines = [
    '# Task definition fields',
    '',
    'Generated from `src/domain/taskDefinition/fields.ts`; `src/taskDefinitionFields.test.ts` walks the ECS model and',
    'fails when a member of these shapes is missing from the table, when a refusal does not happen where it says, or',
    'when this file differs from the table (`WHARF_WRITE_DOCS=1 npx vitest run src/taskDefinitionFields.test.ts`',
    'rewrites it). RegisterTaskDefinition\'s members are listed as TaskDefinition\'s; members under a refused or',
    'computed field are not listed.',
    '',
    '| Field | Status | What Wharf does |',
    '| --- | --- | --- |',
  ];
  for (const key of order) {
    const r = TASK_DEFINITION_FIELDS[key]!;
    const status = r.kind === 'honoured' ? 'honoured' : r.kind === 'output' ? 'computed' : where[r.at];
    const text = r.kind === 'refused' ? r.reason : r.note;
    lines.push(`| \`${key}\` | ${status} | ${text.replace(/\|/g, '\\|')} |`);
  }
  return lines.join('\n') + '\n';
}
