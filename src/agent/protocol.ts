// The wire types of docs/agent-protocol.md, shared by the agent and the control plane (which imports them from here),
// so that both sides of the channel are checked by one compiler.
import type { ContainerDefinition, Volume } from '@aws-sdk/client-ecs';

export type { ContainerDefinition, Volume };

export type DesiredTaskStatus = 'RUNNING' | 'STOPPED';
export type LaunchType = 'EC2' | 'FARGATE' | 'EXTERNAL';
export type NetworkMode = 'bridge' | 'host' | 'awsvpc' | 'none';
export type Protocol = 'tcp' | 'udp';

export interface AgentTask {
  taskArn: string;
  clusterArn: string;
  family: string;
  revision: number;
  desiredStatus: DesiredTaskStatus;
  launchType: LaunchType;
  networkMode: NetworkMode;
  /** Task-level units, after overrides. */
  cpu?: string;
  /** Task-level MiB, after overrides. */
  memory?: string;
  pidMode?: string;
  ipcMode?: string;
  /** ephemeralStorage.sizeInGiB, after overrides. */
  ephemeralStorageGiB?: number;
  /** From the task definition. */
  volumes: Volume[];
  /** awsvpc: the address the task's ports are published on (a distinct 127.x.y.z under `wharf up`). */
  privateIPv4Address?: string;
  /** awsvpc: the attachment id shown in the task's ElasticNetworkInterface attachment. */
  attachmentId?: string;
  containers: AgentContainer[];
  stopReason?: string;
  /** The service that started it (its group is service:NAME), for the task metadata endpoint. */
  serviceName?: string;
  availabilityZone?: string;
  /** The task's role (after overrides): its containers get temporary credentials from the metadata endpoint. */
  taskRoleArn?: string;
  /** EFS volumes, by volume name, as the control plane resolved them (absent: the file system does not exist). */
  efs?: Record<string, EfsVolumeMount>;
  /** Service Connect: the aliases the task's containers can call, pushed again whenever their endpoints change. */
  serviceConnect?: AgentServiceConnect;
}

export interface AgentServiceConnect {
  aliases: ServiceConnectAlias[];
}

/** A client alias of the task's namespace and where its connections go (host addresses, as the agent reaches them). */
export interface ServiceConnectAlias {
  /** Lower case, without a trailing dot. */
  dnsName: string;
  port: number;
  endpoints: { address: string; port: number }[];
  /** Seconds a relayed connection may stay idle before it is closed (ECS's idleTimeoutSeconds; 0: never). */
  idleTimeoutSeconds?: number;
}

/** What the agent mounts for an efsVolumeConfiguration: EFS_ROOT/fileSystemId/path, the access point's rules. */
export interface EfsVolumeMount {
  fileSystemId: string;
  /** The directory inside the file system: the access point's root, then the volume's rootDirectory. */
  path: string;
  /** The access point's root directory, created with creationInfo's owner and permissions when missing. */
  accessPointRoot?: string;
  creationInfo?: { OwnerUid: number; OwnerGid: number; Permissions: string };
  /** The access point's POSIX user: every file operation through the volume acts as this user. */
  posixUser?: { Uid: number; Gid: number; SecondaryGids?: number[] };
}

export interface HostPort {
  containerPort: number;
  hostPort: number;
  protocol: Protocol;
}

export interface AgentContainer {
  name: string;
  containerArn: string;
  /** The container definition with RunTask's containerOverrides already applied. */
  definition: ContainerDefinition;
  /** Host ports chosen by the scheduler (bridge dynamic ports included), in portMappings order. */
  hostPorts: HostPort[];
  /** versionConsistency: the image digest the deployment's first task ran (an image id for an image no registry has), which this one must run too. */
  imageDigest?: string;
}

// Channel messages (§2). Every frame is a JSON text frame with a `type`.
export interface InstanceCredentialsMessage {
  type: 'InstanceCredentials';
  accessKeyId: string;
  secretAccessKey: string;
}
export interface PayloadMessage {
  type: 'PayloadMessage';
  messageId: string;
  seqNum: number;
  full: boolean;
  tasks: AgentTask[];
}
export interface AckRequest {
  type: 'AckRequest';
  messageId: string;
}
export interface HeartbeatMessage {
  type: 'HeartbeatMessage';
  messageId: string;
}
export interface HeartbeatAck {
  type: 'HeartbeatAck';
  messageId: string;
}
export interface ErrorMessage {
  type: 'Error';
  message: string;
}

// ECS Exec sessions (docs/agent-protocol.md §2): the control plane relays a `wharf exec` client's session to the
// agent of the task's instance, which runs `docker exec`. Data is base64.
export interface ExecStart {
  type: 'ExecStart';
  sessionId: string;
  taskArn: string;
  containerName: string;
  command: string[];
  tty: boolean;
  cols?: number;
  rows?: number;
}
/**
 * Sent as ExecuteCommand is answered, when the client said whether it wants a TTY: the agent creates the Docker exec
 * then, and the ExecStart that follows (same sessionId, same tty) only starts it. An ExecClose drops it unstarted.
 */
export interface ExecPrepare {
  type: 'ExecPrepare';
  sessionId: string;
  taskArn: string;
  containerName: string;
  command: string[];
  tty: boolean;
}
export interface ExecInput {
  type: 'ExecInput';
  sessionId: string;
  data: string;
}
export interface ExecResize {
  type: 'ExecResize';
  sessionId: string;
  cols: number;
  rows: number;
}
export interface ExecClose {
  type: 'ExecClose';
  sessionId: string;
}
export interface ExecOutput {
  type: 'ExecOutput';
  sessionId: string;
  stream: 'stdout' | 'stderr';
  data: string;
}
export interface ExecExit {
  type: 'ExecExit';
  sessionId: string;
  exitCode: number;
  /** Why the command could not run at all (no such container, executable not found). */
  error?: string;
}
export type ExecToAgent = ExecPrepare | ExecStart | ExecInput | ExecResize | ExecClose;
export type ExecFromAgent = ExecOutput | ExecExit;

/**
 * The agent asks for what a task it runs needs from Secrets Manager and Parameter Store (container `secrets`,
 * `logConfiguration.secretOptions`, `repositoryCredentials`); the control plane answers only for a task placed on
 * that agent's instance, as the task's execution role allows. Values travel only in the answer: never stored.
 */
export interface TaskSecretsRequest {
  type: 'TaskSecretsRequest';
  requestId: string;
  taskArn: string;
}
export interface ContainerSecrets {
  /** Environment variables, in `secrets` order. */
  env: [string, string][];
  /** Log driver options from `logConfiguration.secretOptions`. */
  logOptions: Record<string, string>;
  /** From `repositoryCredentials.credentialsParameter`. */
  registryAuth?: { username: string; password: string };
}
export interface TaskSecretsResponse {
  type: 'TaskSecretsResponse';
  requestId: string;
  /** By container name. */
  containers?: Record<string, ContainerSecrets>;
  /** The task's stop reason when something could not be read, in ECS's words. */
  error?: string;
}
/** Temporary credentials of a task's role, in the shape the task metadata endpoint serves them. */
export interface TaskRoleCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  Token: string;
  /** ISO 8601. */
  Expiration: string;
  RoleArn: string;
}
export interface TaskCredentialsRequest {
  type: 'TaskCredentialsRequest';
  requestId: string;
  taskArn: string;
}
export interface TaskCredentialsResponse {
  type: 'TaskCredentialsResponse';
  requestId: string;
  credentials?: TaskRoleCredentials;
  error?: string;
}

export type ControlPlaneMessage =
  | InstanceCredentialsMessage | PayloadMessage | HeartbeatMessage | ErrorMessage | ExecToAgent | TaskSecretsResponse | TaskCredentialsResponse;
export type AgentMessage = AckRequest | HeartbeatAck | TaskSecretsRequest | TaskCredentialsRequest;

/** Labels the agent puts on every container (§4). */
export const LABELS = {
  cluster: 'com.amazonaws.ecs.cluster',
  taskArn: 'com.amazonaws.ecs.task-arn',
  containerName: 'com.amazonaws.ecs.container-name',
  family: 'com.amazonaws.ecs.task-definition-family',
  version: 'com.amazonaws.ecs.task-definition-version',
  instanceArn: 'wharf.container-instance-arn',
} as const;

/** The container name ECS gives the pause container of an awsvpc task. */
export const PAUSE_CONTAINER_NAME = '~internal~ecs~pause';
