// Custom attributes on container instances (PutAttributes, ListAttributes, DeleteAttributes): what placement
// constraints match on.
import type {
  Attribute,
  DeleteAttributesRequest,
  DeleteAttributesResponse,
  ListAttributesRequest,
  ListAttributesResponse,
  PutAttributesRequest,
  PutAttributesResponse,
} from '@aws-sdk/client-ecs';
import { parseArn } from '../../domain/arn.js';
import { putAttributes, validateAttribute } from '../../domain/attributes.js';
import { InvalidParameter, TargetNotFound } from '../../domain/errors.js';
import { paginate } from '../../domain/paging.js';
import { Txn, type Row } from '../../store/cache.js';
import type { ContainerInstanceRecord } from '../../state/tables.js';
import type { EcsContext } from './context.js';

const MAX_PER_CALL = 10;

export function attributeOperations(ecs: EcsContext) {
  const { tables } = ecs;

  /** The container instance a targetId names (its ARN or its id) in the given cluster. */
  const target = (clusterName: string, targetId: string | undefined): Row<ContainerInstanceRecord> => {
    if (!targetId) throw new InvalidParameter('Every attribute needs a targetId: a container instance ARN or ID.');
    const id = targetId.startsWith('arn:') ? (parseArn(targetId)?.resource.split('/').pop() ?? '') : targetId;
    const row = tables.containerInstances.get(`${clusterName}/${id}`);
    if (!row || row.value.status === 'INACTIVE') throw new TargetNotFound(`Could not find ${targetId}.`);
    return row;
  };

  const checkBatch = (attrs: readonly Attribute[]) => {
    if (attrs.length < 1 || attrs.length > MAX_PER_CALL) {
      throw new InvalidParameter(`attributes must list between 1 and ${MAX_PER_CALL} attributes.`);
    }
    attrs.forEach(validateAttribute);
  };

  /** Applies a change to each attribute's target, all in one transaction. */
  const change = (
    cluster: string | undefined,
    attrs: readonly Attribute[],
    edit: (cur: Attribute[], mine: Attribute[]) => Attribute[],
  ) =>
    ecs.cache.update(() => {
      const clusterName = ecs.activeCluster(cluster).id;
      const byTarget = new Map<string, { row: Row<ContainerInstanceRecord>; mine: Attribute[] }>();
      for (const a of attrs) {
        const row = target(clusterName, a.targetId);
        const entry = byTarget.get(row.id) ?? { row, mine: [] };
        entry.mine.push(a);
        byTarget.set(row.id, entry);
      }
      const txn = new Txn();
      for (const { row, mine } of byTarget.values()) {
        const attributes = edit(row.value.attributes ?? [], mine);
        txn.put(tables.containerInstances, row.id, { ...row.value, attributes }, row.modRevision);
      }
      const result = attrs.map((a) => ({ ...a, targetType: 'container-instance' as const }));
      return { txn, result };
    });

  return {
    async PutAttributes(input: PutAttributesRequest): Promise<PutAttributesResponse> {
      const attrs = input.attributes ?? [];
      checkBatch(attrs);
      return { attributes: await change(input.cluster, attrs, (cur, mine) => putAttributes(cur, mine)) };
    },

    async DeleteAttributes(input: DeleteAttributesRequest): Promise<DeleteAttributesResponse> {
      const attrs = input.attributes ?? [];
      checkBatch(attrs);
      const names = new Set(attrs.map((a) => a.name));
      return { attributes: await change(input.cluster, attrs, (cur) => cur.filter((a) => !names.has(a.name))) };
    },

    ListAttributes(input: ListAttributesRequest): ListAttributesResponse {
      if (input.targetType !== 'container-instance') {
        throw new InvalidParameter('targetType must be container-instance.');
      }
      if (input.attributeValue !== undefined && input.attributeName === undefined) {
        throw new InvalidParameter('attributeValue can only be given with attributeName.');
      }
      const clusterName = ecs.activeCluster(input.cluster).id;
      const found: Attribute[] = [];
      for (const row of tables.containerInstances.byIndex('cluster', clusterName)) {
        if (row.value.status === 'INACTIVE') continue;
        for (const a of row.value.attributes ?? []) {
          if (input.attributeName !== undefined && a.name !== input.attributeName) continue;
          if (input.attributeValue !== undefined && a.value !== input.attributeValue) continue;
          found.push({ ...a, targetType: 'container-instance', targetId: row.value.containerInstanceArn });
        }
      }
      found.sort((x, y) => (`${x.targetId}|${x.name}` < `${y.targetId}|${y.name}` ? -1 : 1));
      const page = paginate(found, (a) => `${a.targetId}|${a.name}`, {
        maxResults: input.maxResults,
        nextToken: input.nextToken,
      });
      return { attributes: page.items, nextToken: page.nextToken };
    },
  };
}
