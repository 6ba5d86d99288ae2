// Tags on load balancers, target groups, listeners and rules (resource kind told by the ARN), at most 50 each.
import type { AddTagsInput, DescribeTagsInput, DescribeTagsOutput, RemoveTagsInput, Tag } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ElbTooManyTags, ElbValidationError, OperationNotPermitted } from '../../domain/errors.js';
import { Txn, type Row, type Table } from '../../store/cache.js';
import { checkNewTags, type ElbContext, MAX_TAGS } from './context.js';

type Tagged = { tags: Tag[] };

export function tagOperations(elb: ElbContext) {
  const { tables } = elb;
  const resource = (arn: string): { table: Table<Tagged>; row: Row<Tagged> } => {
    const resourcePart = arn.split(':').slice(5).join(':');
    const kind = resourcePart.split('/')[0];
    if (kind === 'loadbalancer') return { table: tables.loadBalancers as unknown as Table<Tagged>, row: elb.loadBalancer(arn) };
    if (kind === 'targetgroup') return { table: tables.targetGroups as unknown as Table<Tagged>, row: elb.targetGroup(arn) };
    if (kind === 'listener') return { table: tables.listeners as unknown as Table<Tagged>, row: elb.listener(arn) };
    if (kind === 'listener-rule') {
      const row = [...tables.listeners.values()].find((l) => arn.endsWith('/' + l.value.defaultRuleId) && arn.includes(l.value.id));
      if (row) throw new OperationNotPermitted('Wharf does not keep tags on default rules');
      return { table: tables.rules as unknown as Table<Tagged>, row: elb.rule(arn) };
    }
    throw new ElbValidationError(`'${arn}' is not a valid resource ARN`);
  };
  const change = (arns: readonly string[], fn: (tags: Tag[]) => Tag[]) =>
    elb.cache.update(() => {
      const txn = new Txn();
      for (const arn of arns) {
        const { table, row } = resource(arn);
        txn.put(table, row.id, { ...row.value, tags: fn(row.value.tags) }, row.modRevision);
      }
      return { txn, result: {} };
    });
  return {
    AddTags(input: AddTagsInput): Promise<object> {
      const added = checkNewTags(input.Tags);
      return change(input.ResourceArns ?? [], (cur) => {
        const byKey = new Map(cur.map((t) => [t.Key!, t]));
        for (const t of added) byKey.set(t.Key!, t);
        if (byKey.size > MAX_TAGS) throw new ElbTooManyTags(`You have reached the limit on the number of tags (${MAX_TAGS})`);
        return [...byKey.values()];
      });
    },

    RemoveTags(input: RemoveTagsInput): Promise<object> {
      const drop = new Set(input.TagKeys ?? []);
      return change(input.ResourceArns ?? [], (cur) => cur.filter((t) => !drop.has(t.Key!)));
    },

    DescribeTags(input: DescribeTagsInput): DescribeTagsOutput {
      return { TagDescriptions: (input.ResourceArns ?? []).map((arn) => ({ ResourceArn: arn, Tags: resource(arn).row.value.tags })) };
    },
  };
}
