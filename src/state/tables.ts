// The typed tables of Wharf's state, over the store's key space. Each table is a key prefix plus the secondary
// indexes its readers need; the cache keeps them in memory.
import type { ContainerInstance, Tag, TaskDefinition } from '@aws-sdk/client-ecs';
import type { AccountSettingRecord } from '../domain/accountSettings.js';
import type { ClusterRecord } from '../domain/cluster.js';
import type { TaskRecord } from '../domain/task.js';
import type { ServiceRecord } from '../domain/service.js';
import type { CapacityProviderRecord } from '../domain/capacityProvider.js';
import type { StateCache, Table } from '../store/cache.js';

export interface TaskDefinitionRecord {
  taskDefinition: TaskDefinition;
  tags: Tag[];
}

/** Per family: the last revision handed out, so revisions are never reused even after deletes. */
export interface FamilyRecord {
  family: string;
  lastRevision: number;
}

export interface ContainerInstanceRecord extends ContainerInstance {
  clusterName: string;
  /** When the agent's channel last dropped (agentConnected false); host loss counts from here. */
  disconnectedAt?: Date;
}

/** Keys that identify one container instance's agent (its Submit* calls are signed with them). */
export interface InstanceCredentialRecord {
  accessKeyId: string;
  secretAccessKey: string;
  /** Container instance table id (`cluster/id`). */
  instanceKey: string;
}

/** An awsvpc task's claim on its address (`ecs/task-addresses/IP`), so two tasks never share one. */
export interface TaskAddressRecord {
  /** Task table id (`CLUSTER/ID`). */
  task: string;
}

/** RunTask's clientToken: the same token answers with the same tasks. */
export interface ClientTokenRecord {
  taskArns: string[];
  expiresAt: Date;
}

export interface Tables {
  clusters: Table<ClusterRecord>;
  taskDefinitions: Table<TaskDefinitionRecord>;
  families: Table<FamilyRecord>;
  accountSettings: Table<AccountSettingRecord>;
  containerInstances: Table<ContainerInstanceRecord>;
  tasks: Table<TaskRecord>;
  instanceCredentials: Table<InstanceCredentialRecord>;
  clientTokens: Table<ClientTokenRecord>;
  taskAddresses: Table<TaskAddressRecord>;
  /** Services by `CLUSTER/NAME`. */
  services: Table<ServiceRecord>;
  /** Capacity providers created by CreateCapacityProvider, by name (FARGATE and FARGATE_SPOT are built in). */
  capacityProviders: Table<CapacityProviderRecord>;
  /** Small facts about the data directory itself (e.g. that it was initialized). */
  meta: Table<unknown>;
}

export const REVISION_DIGITS = 10;
export const taskDefinitionId = (family: string, revision: number) =>
  `${family}/${String(revision).padStart(REVISION_DIGITS, '0')}`;

export function createTables(cache: StateCache): Tables {
  return {
    clusters: cache.table<ClusterRecord>({ prefix: 'ecs/clusters/' }),
    taskDefinitions: cache.table<TaskDefinitionRecord>({
      prefix: 'ecs/task-definitions/',
      indexes: {
        family: (r) => r.taskDefinition.family,
        arn: (r) => r.taskDefinition.taskDefinitionArn,
      },
    }),
    families: cache.table<FamilyRecord>({ prefix: 'ecs/families/' }),
    accountSettings: cache.table<AccountSettingRecord>({ prefix: 'ecs/account-settings/' }),
    containerInstances: cache.table<ContainerInstanceRecord>({
      prefix: 'ecs/container-instances/',
      indexes: { cluster: (r) => r.clusterName },
    }),
    tasks: cache.table<TaskRecord>({
      prefix: 'ecs/tasks/',
      indexes: {
        cluster: (r) => r.clusterName,
        instance: (r) => r.instanceKey,
        family: (r) => `${r.clusterName}|${r.task.taskDefinitionArn?.split('/').pop()?.split(':')[0]}`,
        startedBy: (r) => (r.task.startedBy ? `${r.clusterName}|${r.task.startedBy}` : undefined),
        group: (r) => (r.task.group ? `${r.clusterName}|${r.task.group}` : undefined),
        live: (r) => (r.task.lastStatus === 'STOPPED' ? undefined : 'live'),
      },
    }),
    instanceCredentials: cache.table<InstanceCredentialRecord>({
      prefix: 'ecs/instance-credentials/',
      indexes: { instance: (r) => r.instanceKey },
    }),
    clientTokens: cache.table<ClientTokenRecord>({ prefix: 'ecs/client-tokens/' }),
    taskAddresses: cache.table<TaskAddressRecord>({ prefix: 'ecs/task-addresses/' }),
    services: cache.table<ServiceRecord>({ prefix: 'ecs/services/', indexes: { cluster: (r) => r.clusterName } }),
    capacityProviders: cache.table<CapacityProviderRecord>({ prefix: 'ecs/capacity-providers/' }),
    meta: cache.table<unknown>({ prefix: 'meta/' }),
  };
}
