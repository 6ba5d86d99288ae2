// ECS tasks: the stored record, the lifecycle as ordered statuses (so code can compare them), and the one place that
// maps what the control plane knows to what DescribeTasks shows. Which status a task moves to on which event is
// decided in one place: tasks/machine.ts, where the whole machine is drawn.
//
//   PROVISIONING < PENDING < ACTIVATING < RUNNING < DEACTIVATING < STOPPING < DEPROVISIONING < STOPPED
//
// A status never moves backwards; STOPPED is final. desiredStatus is RUNNING until someone asks for STOPPED.
import type { Container, Task } from '@aws-sdk/client-ecs';
import { ecsArn, type ArnContext } from './arn.js';

export const TASK_STATUSES = [
  'PROVISIONING',
  'PENDING',
  'ACTIVATING',
  'RUNNING',
  'DEACTIVATING',
  'STOPPING',
  'DEPROVISIONING',
  'STOPPED',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const statusRank = (s: string | undefined): number => TASK_STATUSES.indexOf((s ?? 'PROVISIONING') as TaskStatus);

/**
 * A container's statuses as the API shows them, in order. Agents report PULLED and CREATED too (ECS's container
 * states before RUNNING); they show as PENDING.
 */
const CONTAINER_RANK: Readonly<Record<string, number>> = { PENDING: 0, PULLED: 0, CREATED: 0, RUNNING: 1, STOPPED: 2 };
export const containerRank = (s: string | undefined): number => CONTAINER_RANK[s ?? 'PENDING'] ?? 0;

export const isStopped = (t: Task) => t.lastStatus === 'STOPPED';
/** Pending in ECS's counts: not yet RUNNING. Running: RUNNING up to (not including) STOPPED. */
export const isPending = (t: Task) => statusRank(t.lastStatus) < statusRank('RUNNING');
export const isRunning = (t: Task) => !isPending(t) && !isStopped(t);

/** What a task holds on its container instance until it stops. */
export interface Reservation {
  /** Container instance table id (`cluster/instanceId`). */
  instanceKey: string;
  cpu: number;
  memory: number;
  tcpPorts: number[];
  udpPorts: number[];
}

export interface TaskRecord {
  task: Task;
  clusterName: string;
  /** The instance running it (table id), for EC2, EXTERNAL and FARGATE alike (FARGATE hides it in the API). */
  instanceKey?: string;
  reservation?: Reservation;
  /** Per container: the host ports the scheduler chose, in portMappings order. */
  hostPorts: Record<string, { containerPort: number; hostPort: number; protocol: 'tcp' | 'udp' }[]>;
  /** awsvpc: the task's own address. */
  privateIPv4Address?: string;
  /** When the record may be pruned (set when STOPPED). */
  expiresAt?: Date;
  /** The essential containers' names (from the definition at launch); absent on older records: all are. */
  essentialContainers?: string[];
  /** DEACTIVATING behind a load balancer: only the end of its deregistration moves it on. */
  awaitsDeregistration?: boolean;
}

export const taskArn = (ctx: ArnContext, cluster: string, id: string) => ecsArn(ctx, `task/${cluster}/${id}`);
export const containerArn = (ctx: ArnContext, cluster: string, taskId: string, id: string) =>
  ecsArn(ctx, `container/${cluster}/${taskId}/${id}`);

/** The task id (last segment) of a task ARN, or the id itself. */
export const taskIdOf = (ref: string) => ref.split('/').pop() ?? ref;

/** The Task as the API shows it: FARGATE tasks do not reveal the instance that runs them. */
export function presentTask(rec: TaskRecord, withTags: boolean): Task {
  const t: Task = { ...rec.task };
  if (!withTags) delete t.tags;
  return t;
}

/** A container's API shape when its task is created. */
export function newContainer(arn: string, tArn: string, name: string, image: string | undefined, cpu?: number, memory?: number, memoryReservation?: number): Container {
  const c: Container = {
    containerArn: arn,
    taskArn: tArn,
    name,
    image,
    lastStatus: 'PENDING',
    networkInterfaces: [],
    networkBindings: [],
    healthStatus: 'UNKNOWN',
    cpu: String(cpu ?? 0),
  };
  if (memory !== undefined) c.memory = String(memory);
  if (memoryReservation !== undefined) c.memoryReservation = String(memoryReservation);
  return c;
}
