// Why this exists: CloudWatch Logs events: PutLogEvents, GetLogEvents (from the head or the tail, forward and
// backward tokens that repeat at the end, as clients expect) and FilterLogEvents (patterns, interleaved, paged).
import type {
  FilterLogEventsRequest, FilterLogEventsResponse, GetLogEventsRequest, GetLogEventsResponse, PutLogEventsRequest,
  PutLogEventsResponse,
} from '@aws-sdk/client-cloudwatch-logs';
import { ResourceNotFound } from '../../domain/errors.js';
import { filterEvents } from '../../logs/filter.js';
import type { Logs } from '../../logs/index.js';
import { compilePattern } from '../../logs/pattern.js';
import { decodeToken, encodeToken } from '../../logs/tokens.js';
import { groupName } from './groups.js';

const MAX_TS = 8.64e15;

export function eventOperations(l: Logs) {
  return {
    PutLogEvents(input: PutLogEventsRequest): Promise<PutLogEventsResponse> {
      const events = (input.logEvents ?? []).map((e) => ({ timestamp: e.timestamp!, message: e.message! }));
      return l.put(input.logGroupName!, input.logStreamName!, events);
    },

    GetLogEvents(input: GetLogEventsRequest): GetLogEventsResponse {
      const g = l.store.requireGroup(groupName(input));
      const s = l.store.stream(g.id, input.logStreamName!);
      if (!s) throw new ResourceNotFound('The specified log stream does not exist.');
      const start = input.startTime ?? -MAX_TS;
      const end = input.endTime ?? MAX_TS;
      const limit = Math.min(input.limit ?? 10_000, 10_000);
      const tok = input.nextToken ? decodeToken(input.nextToken, 'fb') : undefined;
      let rows;
      if (tok) rows = l.store.streamEvents(s.id, start, end, limit, tok.dir === 'f' ? { after: tok.pos } : { before: tok.pos });
      else if (input.startFromHead) rows = l.store.streamEvents(s.id, start, end, limit, {});
      else rows = l.store.streamEvents(s.id, start, end, limit, { before: { ts: MAX_TS, id: Number.MAX_SAFE_INTEGER } });
      const first = rows[0];
      const last = rows.at(-1);
      // At either end the token handed back is the one given, which is how clients know to stop.
      const fwd = last ? encodeToken('f', { ts: last.ts, id: last.id }) : tok?.dir === 'f' ? input.nextToken! : encodeToken('f', first ?? (tok?.pos ?? { ts: start, id: 0 }));
      const back = first ? encodeToken('b', { ts: first.ts, id: first.id }) : tok?.dir === 'b' ? input.nextToken! : encodeToken('b', tok?.pos ?? { ts: start, id: 0 });
      return {
        events: rows.map((r) => ({ timestamp: r.ts, message: r.msg, ingestionTime: r.ingest })),
        nextForwardToken: fwd,
        nextBackwardToken: back,
      };
    },

    FilterLogEvents(input: FilterLogEventsRequest): FilterLogEventsResponse {
      const g = l.store.requireGroup(groupName(input));
      const pattern = compilePattern(input.filterPattern);
      let streams = l.store.streams(g.id);
      if (input.logStreamNames?.length) {
        const want = new Set(input.logStreamNames);
        streams = streams.filter((s) => want.has(s.name));
        if (streams.length === 0) throw new ResourceNotFound('The specified log stream does not exist.');
      } else if (input.logStreamNamePrefix) {
        streams = streams.filter((s) => s.name.startsWith(input.logStreamNamePrefix!));
      }
      const restricted = Boolean(input.logStreamNames?.length || input.logStreamNamePrefix);
      const names = new Map(streams.map((s) => [s.id, s.name]));
      const res = filterEvents(l.store, {
        groupId: g.id,
        streamIds: restricted ? streams.map((s) => s.id) : undefined,
        start: input.startTime ?? -MAX_TS,
        end: input.endTime !== undefined ? input.endTime + 1 : MAX_TS,
        after: input.nextToken ? decodeToken(input.nextToken, 'n').pos : undefined,
        limit: Math.min(input.limit ?? 10_000, 10_000),
        pattern,
      });
      return {
        events: res.events.map((r) => ({
          logStreamName: names.get(r.stream_id) ?? l.store.db.prepare<[number], { name: string }>('SELECT name FROM streams WHERE id = ?').get(r.stream_id)?.name,
          timestamp: r.ts,
          message: r.msg,
          ingestionTime: r.ingest,
          eventId: String(r.id).padStart(24, '0'),
        })),
        searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: !res.next })),
        nextToken: res.next ? encodeToken('n', res.next) : undefined,
      };
    },
  };
}
