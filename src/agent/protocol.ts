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
  | InstanceCredentialsMessage | PayloadMessage | HeartbeatMessage | ErrorMessage | TaskSecretsResponse | TaskCredentialsResponse;
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
