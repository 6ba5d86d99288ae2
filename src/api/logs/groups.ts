// Why this exists: CloudWatch Logs groups and streams: create, delete, describe (prefix, pattern, ordering, paging)
// and retention policies.
import type {
  CreateLogGroupRequest, CreateLogStreamRequest, DeleteLogGroupRequest, DeleteLogStreamRequest,
  DeleteRetentionPolicyRequest, DescribeLogGroupsRequest, DescribeLogGroupsResponse, DescribeLogStreamsRequest,
  DescribeLogStreamsResponse, PutRetentionPolicyRequest,
} from '@aws-sdk/client-cloudwatch-logs';
import { InvalidParameter } from '../../domain/errors.js';
import type { RequestContext } from '../../gateway/service.js';
import type { GroupRow } from '../../logs/db.js';
import type { Logs } from '../../logs/index.js';
import { pageOf } from '../cloudwatch/paging.js';

export const RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const badToken = () => new InvalidParameter('The specified nextToken is invalid.');

export function groupName(input: { logGroupName?: string; logGroupIdentifier?: string }): string {
  const id = input.logGroupName ?? input.logGroupIdentifier;
  if (!id) throw new InvalidParameter('Either logGroupName or logGroupIdentifier must be given.');
  const arn = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(.+?)(?::\*)?$/.exec(id);
  return arn ? arn[1]! : id;
}

function presentGroup(l: Logs, g: GroupRow, ctx: RequestContext) {
  const arn = `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${g.name}`;
  return {
    logGroupName: g.name,
    creationTime: g.created,
    retentionInDays: g.retention_days ?? undefined,
    metricFilterCount: 0,
    arn: `${arn}:*`,
    logGroupArn: arn,
    storedBytes: l.store.groupBytes(g.id),
    logGroupClass: g.class as 'STANDARD',
  };
}

export function groupOperations(l: Logs) {
  return {
    async CreateLogGroup(input: CreateLogGroupRequest): Promise<Record<string, never>> {
      await l.createGroup(input.logGroupName!, { logGroupClass: input.logGroupClass, tags: input.tags });
      return {};
    },
    async DeleteLogGroup(input: DeleteLogGroupRequest): Promise<Record<string, never>> {
      await l.deleteGroup(input.logGroupName!);
      return {};
    },
    DescribeLogGroups(input: DescribeLogGroupsRequest, ctx: RequestContext): DescribeLogGroupsResponse {
      if (input.logGroupNamePrefix && input.logGroupNamePattern) throw new InvalidParameter('logGroupNamePrefix and logGroupNamePattern are mutually exclusive.');
      const pattern = input.logGroupNamePattern?.toLowerCase();
      const found = l.store.groups().filter((g) => (!input.logGroupNamePrefix || g.name.startsWith(input.logGroupNamePrefix)) && (!pattern || g.name.toLowerCase().includes(pattern)));
      const { page, next } = pageOf(found, input.nextToken, input.limit ?? 50, badToken);
      return { logGroups: page.map((g) => presentGroup(l, g, ctx)), nextToken: next };
    },
    async PutRetentionPolicy(input: PutRetentionPolicyRequest): Promise<Record<string, never>> {
      if (!RETENTION_DAYS.includes(input.retentionInDays!)) {
        throw new InvalidParameter(`1 validation error detected: Value '${input.retentionInDays}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`);
      }
      await l.setRetention(input.logGroupName!, input.retentionInDays!);
      l.sweep();
      return {};
    },
    async DeleteRetentionPolicy(input: DeleteRetentionPolicyRequest): Promise<Record<string, never>> {
      await l.setRetention(input.logGroupName!, null);
      return {};
    },
    async CreateLogStream(input: CreateLogStreamRequest): Promise<Record<string, never>> {
      await l.createStream(input.logGroupName!, input.logStreamName!);
      return {};
    },
    async DeleteLogStream(input: DeleteLogStreamRequest): Promise<Record<string, never>> {
      await l.deleteStream(input.logGroupName!, input.logStreamName!);
      return {};
    },
    DescribeLogStreams(input: DescribeLogStreamsRequest, ctx: RequestContext): DescribeLogStreamsResponse {
      const name = groupName(input);
      const g = l.store.requireGroup(name);
      if (input.orderBy === 'LastEventTime' && input.logStreamNamePrefix) {
        throw new InvalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
      }
      let found = l.store.streams(g.id).filter((s) => !input.logStreamNamePrefix || s.name.startsWith(input.logStreamNamePrefix));
      if (input.orderBy === 'LastEventTime') found.sort((a, b) => (a.last_ts ?? 0) - (b.last_ts ?? 0));
      if (input.descending) found = found.reverse();
      const { page, next } = pageOf(found, input.nextToken, input.limit ?? 50, badToken);
      return {
        logStreams: page.map((s) => ({
          logStreamName: s.name,
          creationTime: s.created,
          firstEventTimestamp: s.first_ts ?? undefined,
          lastEventTimestamp: s.last_ts ?? undefined,
          lastIngestionTime: s.last_ingest ?? undefined,
          uploadSequenceToken: String(s.seq).padStart(56, '0'),
          arn: `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:${name}:log-stream:${s.name}`,
          storedBytes: 0,
        })),
        nextToken: next,
      };
    },
  };
}
