// Where the engine's state changes go. The channel layer implements it with SubmitContainerStateChange and
// SubmitTaskStateChange; tests record the calls.
import type { HealthStatus, StopCode } from './status.js';

export interface NetworkBinding {
  bindIP: string;
  /** One port; a containerPortRange's binding has the two ranges instead. */
  containerPort?: number;
  hostPort?: number;
  protocol: 'tcp' | 'udp';
  containerPortRange?: string;
  hostPortRange?: string;
}

export interface ContainerReport {
  taskArn: string;
  containerName: string;
  containerArn: string;
  runtimeId?: string;
  status: 'PENDING' | 'RUNNING' | 'STOPPED';
  exitCode?: number;
  reason?: string;
  networkBindings: NetworkBinding[];
  healthStatus: HealthStatus;
  /** The image the container runs (Docker's image id), which pins a deployment's image (versionConsistency). */
  imageDigest?: string;
}

export interface AttachmentReport {
  attachmentArn: string;
  status: 'ATTACHED' | 'DETACHED';
  privateIPv4Address?: string;
}

export interface TaskReport {
  taskArn: string;
  status: 'PENDING' | 'RUNNING' | 'STOPPED';
  reason?: string;
  stopCode?: StopCode;
  healthStatus: HealthStatus;
  containers: ContainerReport[];
  pullStartedAt?: Date;
  pullStoppedAt?: Date;
  executionStoppedAt?: Date;
  attachments: AttachmentReport[];
}

export interface StateReporter {
  containerChanged(report: ContainerReport): void | Promise<void>;
  taskChanged(report: TaskReport): void | Promise<void>;
}

/** Keeps every report, for tests and for the state a restarted channel re-sends. */
export class RecordingReporter implements StateReporter {
  readonly containers: ContainerReport[] = [];
  readonly tasks: TaskReport[] = [];
  containerChanged(r: ContainerReport): void {
    this.containers.push(r);
  }
  taskChanged(r: TaskReport): void {
    this.tasks.push(r);
  }
  lastTask(taskArn: string): TaskReport | undefined {
    return this.tasks.filter((t) => t.taskArn === taskArn).at(-1);
  }
  lastContainer(taskArn: string, name: string): ContainerReport | undefined {
    return this.containers.filter((c) => c.taskArn === taskArn && c.containerName === name).at(-1);
  }
}
