// ECS task definition operations: register (a new revision per family), describe, list, families, deregister,
// delete. The rules of the definition itself live in domain/taskDefinition.
import type {
  DeleteTaskDefinitionsRequest,
  DeleteTaskDefinitionsResponse,
  DeregisterTaskDefinitionRequest,
  DeregisterTaskDefinitionResponse,
  DescribeTaskDefinitionRequest,
  DescribeTaskDefinitionResponse,
  Failure,
  ListTaskDefinitionFamiliesRequest,
  ListTaskDefinitionFamiliesResponse,
  ListTaskDefinitionsRequest,
  ListTaskDefinitionsResponse,
  RegisterTaskDefinitionRequest,
  RegisterTaskDefinitionResponse,
  TaskDefinition,
} from '@aws-sdk/client-ecs';
import { ClientError, InvalidParameter } from '../../domain/errors.js';
import { paginate } from '../../domain/paging.js';
import { initialTags } from '../../domain/tags.js';
import { buildTaskDefinition, validateRegisterTaskDefinition } from '../../domain/taskDefinition/index.js';
import type { RequestContext } from '../../gateway/service.js';
import { Txn, type Row } from '../../store/cache.js';
import { taskDefinitionId, type Tables, type TaskDefinitionRecord } from '../../state/tables.js';
import type { EcsContext } from './context.js';
import { parseArn } from '../../domain/arn.js';

/** ECS refuses task definitions larger than 64 KiB. */
const MAX_TASK_DEFINITION_BYTES = 64 * 1024;

export interface TaskDefinitionRef {
  family: string;
  revision?: number;
}

/** `family`, `family:revision` or a task definition ARN. */
export function parseTaskDefinitionRef(ref: string): TaskDefinitionRef | undefined {
  let text = ref;
  if (ref.startsWith('arn:')) {
    const resource = parseArn(ref)?.resource ?? '';
    if (!resource.startsWith('task-definition/')) return undefined;
    text = resource.slice('task-definition/'.length);
  }
  const m = /^([a-zA-Z0-9_-]{1,255})(?::(\d+))?$/.exec(text);
  if (!m) return undefined;
  return m[2] === undefined ? { family: m[1]! } : { family: m[1]!, revision: Number(m[2]) };
}

/** The revision named, or for a bare family its latest ACTIVE revision. */
export function findTaskDefinition(tables: Tables, ref: string): Row<TaskDefinitionRecord> | undefined {
  const parsed = parseTaskDefinitionRef(ref);
  if (!parsed) return undefined;
  if (parsed.revision !== undefined) return tables.taskDefinitions.get(taskDefinitionId(parsed.family, parsed.revision));
  let latest: Row<TaskDefinitionRecord> | undefined;
  for (const row of tables.taskDefinitions.byIndex('family', parsed.family)) {
    const td = row.value.taskDefinition;
    if (td.status === 'ACTIVE' && (!latest || td.revision! > latest.value.taskDefinition.revision!)) latest = row;
  }
  return latest;
}

export function taskDefinitionOperations(ecs: EcsContext) {
  const { tables } = ecs;

  const find = (ref: string) => findTaskDefinition(tables, ref);

  const sortedRows = (filter: (td: TaskDefinition) => boolean) =>
    [...tables.taskDefinitions.values()].filter((r) => filter(r.value.taskDefinition)).sort((a, b) => (a.id < b.id ? -1 : 1));

  return {
    async RegisterTaskDefinition(
      input: RegisterTaskDefinitionRequest,
      ctx: RequestContext,
    ): Promise<RegisterTaskDefinitionResponse> {
      if (Buffer.byteLength(JSON.stringify(input)) > MAX_TASK_DEFINITION_BYTES) {
        throw new ClientError('Task definition size exceeds the maximum of 64 KiB.');
      }
      validateRegisterTaskDefinition(input);
      const tags = initialTags(input.tags);
      const family = input.family!;
      return ecs.cache.update(() => {
        const fam = tables.families.get(family);
        const revision = (fam?.value.lastRevision ?? 0) + 1;
        const taskDefinition = buildTaskDefinition(input, {
          arn: ctx,
          revision,
          registeredAt: ctx.now,
          registeredBy: ctx.principalArn,
        });
        const txn = new Txn()
          .put(tables.families, family, { family, lastRevision: revision }, fam?.modRevision ?? 0)
          .put(tables.taskDefinitions, taskDefinitionId(family, revision), { taskDefinition, tags }, 0);
        return { txn, result: { taskDefinition, tags } };
      });
    },

    DescribeTaskDefinition(input: DescribeTaskDefinitionRequest): DescribeTaskDefinitionResponse {
      const row = find(input.taskDefinition!);
      if (!row) throw new ClientError('Unable to describe task definition.');
      const out: DescribeTaskDefinitionResponse = { taskDefinition: row.value.taskDefinition };
      if (input.include?.includes('TAGS')) out.tags = row.value.tags;
      return out;
    },

    ListTaskDefinitions(input: ListTaskDefinitionsRequest): ListTaskDefinitionsResponse {
      const status = input.status ?? 'ACTIVE';
      const rows = sortedRows(
        (td) => td.status === status && (input.familyPrefix === undefined || td.family === input.familyPrefix),
      );
      if (input.sort === 'DESC') rows.reverse();
      const page =
        input.sort === 'DESC'
          ? paginateDesc(rows.map((r) => r.id), input)
        : paginate(rows.map((r) => r.id), (id) => id, { maxResults: input.maxResults, nextToken: input.nextToken });
      const arnOf = (id: string) => tables.taskDefinitions.get(id)!.value.taskDefinition.taskDefinitionArn!;
      return { taskDefinitionArns: page.items.map(arnOf), nextToken: page.nextToken };
    },

    ListTaskDefinitionFamilies(input: ListTaskDefinitionFamiliesRequest): ListTaskDefinitionFamiliesResponse {
      const status = input.status ?? 'ACTIVE';
      const activeFamilies = new Set<string>();
      const allFamilies = new Set<string>();
      for (const row of tables.taskDefinitions.values()) {
        const td = row.value.taskDefinition;
        allFamilies.add(td.family!);
        if (td.status === 'ACTIVE') activeFamilies.add(td.family!);
      }
      const pick =
        status === 'ALL'
          ? [...allFamilies]
          : status === 'ACTIVE'
            ? [...activeFamilies]
            : [...allFamilies].filter((f) => !activeFamilies.has(f));
      const families = pick.filter((f) => f.startsWith(input.familyPrefix ?? '')).sort();
      const page = paginate(families, (f) => f, { maxResults: input.maxResults, nextToken: input.nextToken });
      return { families: page.items, nextToken: page.nextToken };
    },

    async DeregisterTaskDefinition(
      input: DeregisterTaskDefinitionRequest,
      ctx: RequestContext,
    ): Promise<DeregisterTaskDefinitionResponse> {
      const ref = parseTaskDefinitionRef(input.taskDefinition!);
      if (!ref || ref.revision === undefined) {
        throw new ClientError('The task definition must be given as family:revision or as a full task definition ARN.');
      }
      return ecs.cache.update(() => {
        const row = find(input.taskDefinition!);
        if (!row || row.value.taskDefinition.status === 'DELETE_IN_PROGRESS') {
          throw new ClientError('The specified task definition does not exist.');
        }
        const cur = row.value.taskDefinition;
        if (cur.status === 'INACTIVE') return { txn: new Txn(), result: { taskDefinition: cur } };
        const taskDefinition: TaskDefinition = { ...cur, status: 'INACTIVE', deregisteredAt: ctx.now };
        const txn = new Txn().put(tables.taskDefinitions, row.id, { ...row.value, taskDefinition }, row.modRevision);
        return { txn, result: { taskDefinition } };
      });
    },

    async DeleteTaskDefinitions(input: DeleteTaskDefinitionsRequest): Promise<DeleteTaskDefinitionsResponse> {
      const refs = input.taskDefinitions ?? [];
      if (refs.length < 1 || refs.length > 10) {
        throw new InvalidParameter('taskDefinitions must list between 1 and 10 task definitions.');
      }
      return ecs.cache.update(() => {
        const txn = new Txn();
        const taskDefinitions: TaskDefinition[] = [];
        const failures: Failure[] = [];
        for (const ref of refs) {
          const parsed = parseTaskDefinitionRef(ref);
          const row = parsed?.revision !== undefined ? find(ref) : undefined;
          if (!parsed || parsed.revision === undefined) {
            failures.push({ arn: ref, reason: 'The specified task definition identifier is invalid. Specify a valid name or ARN and try again.' });
          } else if (!row) {
            failures.push({ arn: ref, reason: 'The specified task definition does not exist. Specify a valid account, family, revision and try again.' });
          } else if (row.value.taskDefinition.status === 'ACTIVE') {
            failures.push({
              arn: row.value.taskDefinition.taskDefinitionArn,
              reason: 'The specified task definition is still in ACTIVE status. Please deregister the target and try again.',
            });
          } else {
            const td: TaskDefinition = { ...row.value.taskDefinition, status: 'DELETE_IN_PROGRESS' };
            txn.put(tables.taskDefinitions, row.id, { ...row.value, taskDefinition: td }, row.modRevision);
            taskDefinitions.push(td);
          }
        }
        return { txn, result: { taskDefinitions, failures } };
      });
    },
  };
}

/** Paging over a descending list: the cursor is the last key shown, the next page starts below it. */
function paginateDesc(ids: string[], input: { maxResults?: number; nextToken?: string }) {
  const inverted = ids.map(invert);
  const page = paginate(inverted, (k) => k, { maxResults: input.maxResults, nextToken: input.nextToken });
  return { items: page.items.map(invert), nextToken: page.nextToken };
}

/** Maps keys so that ascending order of the result is descending order of the input (ids never prefix each other). */
function invert(key: string): string {
  let out = '';
  for (let i = 0; i < key.length; i++) out += String.fromCharCode(0xffff - key.charCodeAt(i));
  return out;
}
