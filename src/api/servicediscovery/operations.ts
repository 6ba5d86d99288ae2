// GetOperation and ListOperations (filters on namespace, service, status, type and update date), and tags on
// namespaces and services.
import type {
  GetOperationRequest, ListOperationsRequest, ListTagsForResourceRequest, Tag, TagResourceRequest, UntagResourceRequest,
} from '@aws-sdk/client-servicediscovery';
import { InvalidInput, OperationNotFound, ResourceNotFound, TooManyTags } from '../../discovery/errors.js';
import { first, type OperationRecord } from '../../discovery/tables.js';
import type { RequestContext } from '../../gateway/service.js';
import { Txn, type Row, type Table } from '../../store/cache.js';
import { filterMatches, page, type DiscoveryContext, type Filter } from './context.js';

export const MAX_TAGS = 50;

function operationMatches(op: OperationRecord, f: Filter): boolean {
  switch (f.Name) {
    case 'NAMESPACE_ID': return filterMatches(f, op.targets.NAMESPACE, ['EQ']);
    case 'SERVICE_ID': return filterMatches(f, op.targets.SERVICE, ['EQ']);
    case 'STATUS': return filterMatches(f, op.status);
    case 'TYPE': return filterMatches(f, op.type);
    default: {
      const [from, to] = (f.Values ?? []).map(Number);
      if ((f.Condition ?? 'EQ') !== 'BETWEEN' || f.Values?.length !== 2 || !Number.isFinite(from) || !Number.isFinite(to)) {
        throw new InvalidInput('UPDATE_DATE takes the BETWEEN condition with two timestamps.');
      }
      const t = op.updatedAt.getTime() / 1000;
      return t >= from! && t <= to!;
    }
  }
}

export function operationOperations(sd: DiscoveryContext) {
  const { tables } = sd;
  type Tagged = { tags: Tag[] };
  const resource = (arn: string): { table: Table<Tagged>; row: Row<Tagged> } => {
    const ns = first(tables.namespaces.byIndex('arn', arn));
    if (ns) return { table: tables.namespaces as unknown as Table<Tagged>, row: ns };
    const svc = first(tables.services.byIndex('arn', arn));
    if (svc) return { table: tables.services as unknown as Table<Tagged>, row: svc };
    throw new ResourceNotFound(`Resource not found: ${arn}`);
  };
  const retag = (arn: string, fn: (tags: Tag[]) => Tag[]) =>
    sd.cache.update(() => {
      const { table, row } = resource(arn);
      return { txn: new Txn().put(table, row.id, { ...row.value, tags: fn(row.value.tags) }, row.modRevision), result: {} };
    });
  return {
    GetOperation(input: GetOperationRequest, ctx: RequestContext) {
      const op = tables.operations.get(input.OperationId!)?.value;
      if (!op) throw new OperationNotFound(`Operation not found: ${input.OperationId}`);
      return {
        Operation: {
          Id: op.id, OwnerAccount: ctx.accountId, Type: op.type, Status: op.status, ErrorMessage: op.errorMessage,
          ErrorCode: op.errorCode, CreateDate: op.createdAt, UpdateDate: op.updatedAt, Targets: op.targets,
        },
      };
    },
    ListOperations(input: ListOperationsRequest) {
      const found = [...tables.operations.values()].map((r) => r.value).filter((op) => (input.Filters ?? []).every((f) => operationMatches(op, f)));
      found.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1));
      const key = (op: OperationRecord) => `${String(op.createdAt.getTime()).padStart(15, '0')}/${op.id}`;
      const { items, next } = page(found, key, input.MaxResults, input.NextToken);
      return { Operations: items.map((op) => ({ Id: op.id, Status: op.status })), NextToken: next };
    },
    TagResource(input: TagResourceRequest) {
      return retag(input.ResourceARN!, (cur) => {
        const byKey = new Map(cur.map((t) => [t.Key!, t]));
        for (const t of input.Tags ?? []) byKey.set(t.Key!, t);
        if (byKey.size > MAX_TAGS) throw new TooManyTags(`A resource can have at most ${MAX_TAGS} tags.`);
        return [...byKey.values()];
      });
    },
    UntagResource(input: UntagResourceRequest) {
      const drop = new Set(input.TagKeys ?? []);
      return retag(input.ResourceARN!, (cur) => cur.filter((t) => !drop.has(t.Key!)));
    },
    ListTagsForResource(input: ListTagsForResourceRequest) {
      return { Tags: resource(input.ResourceARN!).row.value.tags };
    },
  };
}
