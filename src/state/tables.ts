// The typed tables of Wharf's state, over the store's key space. Each table is a key prefix plus the secondary
// indexes its readers need; the cache keeps them in memory.
import type { ContainerInstance, Tag, TaskDefinition } from '@aws-sdk/client-ecs';
import type { AccountSettingRecord } from '../domain/accountSettings.js';
import type { ClusterRecord } from '../domain/cluster.js';
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
}

export interface Tables {
  clusters: Table<ClusterRecord>;
  taskDefinitions: Table<TaskDefinitionRecord>;
  families: Table<FamilyRecord>;
  accountSettings: Table<AccountSettingRecord>;
  containerInstances: Table<ContainerInstanceRecord>;
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
    meta: cache.table<unknown>({ prefix: 'meta/' }),
  };
}
