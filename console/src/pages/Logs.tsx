// CloudWatch Logs: log groups, a group's streams, and its events filtered by a pattern (FilterLogEvents), with a
// live tail that polls from the last event seen (the browser has no StartLiveTail stream to read).
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import Toggle from '@cloudscape-design/components/toggle';
import { useEffect, useRef, useState } from 'react';
import { logs } from '../aws/apis';
import { useConsole } from '../lib/context';
import { ErrorAlert } from '../lib/ErrorAlert';
import { time } from '../lib/format';
import { usePoll } from '../lib/usePoll';
import { listAll } from '../lib/firstLoad';

interface LogGroup {
  logGroupName: string;
  creationTime?: number;
  storedBytes?: number;
  retentionInDays?: number;
}
interface LogStream {
  logStreamName: string;
  lastEventTimestamp?: number;
}
interface LogEvent {
  eventId: string;
  timestamp: number;
  message: string;
  logStreamName: string;
}

const MAX_LINES = 2000;

export default function Logs() {
  const { session } = useConsole();
  const groups = usePoll(
    () =>
      listAll(async (nextToken) => {
        const r = await logs<{ logGroups?: LogGroup[]; nextToken?: string }>(session, 'DescribeLogGroups', { nextToken });
        return { items: r.logGroups ?? [], next: r.nextToken };
      }),
    ['groups'],
    10_000,
  );
  const [group, setGroup] = useState<LogGroup[]>([]);
  const g = group[0]?.logGroupName;
  return (
    <SpaceBetween size="m">
      <ErrorAlert error={groups.error} />
      <Table
        data-testid="log-groups"
        items={groups.data ?? []}
        loading={groups.loading && !groups.data}
        loadingText="Loading log groups"
        trackBy="logGroupName"
        selectionType="single"
        selectedItems={(groups.data ?? []).filter((x) => x.logGroupName === g)}
        onSelectionChange={(e) => setGroup(e.detail.selectedItems)}
        ariaLabels={{ selectionGroupLabel: 'Log groups', itemSelectionLabel: (_s, x) => `Select log group ${x.logGroupName}`, allItemsSelectionLabel: () => 'Select all' }}
        header={<Header variant="h1" counter={groups.data ? `(${groups.data.length})` : undefined}>Log groups</Header>}
        columnDefinitions={[
          { id: 'name', header: 'Log group', isRowHeader: true, cell: (x) => x.logGroupName },
          { id: 'retention', header: 'Retention', cell: (x) => (x.retentionInDays ? `${x.retentionInDays} days` : 'Never expire') },
          { id: 'bytes', header: 'Stored bytes', cell: (x) => x.storedBytes ?? 0 },
          { id: 'created', header: 'Created', cell: (x) => time(x.creationTime ? x.creationTime / 1000 : undefined) },
        ]}
        empty="No log groups"
      />
      {g ? <GroupEvents key={g} group={g} /> : <Box color="text-status-inactive">Select a log group to see its streams and events.</Box>}
    </SpaceBetween>
  );
}

function GroupEvents({ group }: { group: string }) {
  const { session } = useConsole();
  const streams = usePoll(
    async () => (await logs<{ logStreams?: LogStream[] }>(session, 'DescribeLogStreams', { logGroupName: group, orderBy: 'LastEventTime', descending: true, limit: 50 })).logStreams ?? [],
    [group, 'streams'],
    5000,
  );
  const [stream, setStream] = useState<LogStream[]>([]);
  const [pattern, setPattern] = useState('');
  const [applied, setApplied] = useState('');
  const [tail, setTail] = useState(false);
  const [lines, setLines] = useState<LogEvent[]>([]);
  const [error, setError] = useState<unknown>();
  const [searched, setSearched] = useState(false);
  const s = stream[0]?.logStreamName;
  const since = useRef(0);
  const seen = useRef(new Set<string>());

  // A search reads every matching event once; the live tail then keeps asking from the newest timestamp seen.
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let delay = 2000;
    since.current = 0;
    seen.current = new Set();
    setLines([]);
    setSearched(false);
    const run = async () => {
      try {
        const fresh: LogEvent[] = [];
        let nextToken: string | undefined;
        do {
          const r = await logs<{ events?: LogEvent[]; nextToken?: string }>(session, 'FilterLogEvents', {
            logGroupName: group,
            logStreamNames: s ? [s] : undefined,
            filterPattern: applied || undefined,
            startTime: since.current || undefined,
            nextToken,
          });
          for (const e of r.events ?? []) {
            if (seen.current.has(e.eventId)) continue;
            seen.current.add(e.eventId);
            since.current = Math.max(since.current, e.timestamp);
            fresh.push(e);
          }
          nextToken = r.nextToken;
        } while (nextToken && !cancelled);
        if (cancelled) return;
        if (fresh.length) setLines((all) => [...all, ...fresh].slice(-MAX_LINES));
        setSearched(true);
        setError(undefined);
        delay = 2000;
      } catch (err) {
        if (cancelled) return;
        setError(err);
        delay = Math.min(delay * 2, 30_000);
      }
      if (!cancelled && tail) timer = setTimeout(run, delay);
    };
    void run();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [session, group, s, applied, tail]);

  return (
    <SpaceBetween size="m">
      <ErrorAlert error={streams.error} />
      <Table
        data-testid="log-streams"
        items={streams.data ?? []}
        loading={streams.loading && !streams.data}
        loadingText="Loading log streams"
        trackBy="logStreamName"
        selectionType="single"
        selectedItems={(streams.data ?? []).filter((x) => x.logStreamName === s)}
        onSelectionChange={(e) => setStream(e.detail.selectedItems)}
        ariaLabels={{ selectionGroupLabel: 'Log streams', itemSelectionLabel: (_s, x) => `Select log stream ${x.logStreamName}`, allItemsSelectionLabel: () => 'Select all' }}
        header={
          <Header
            variant="h2"
            counter={streams.data ? `(${streams.data.length})` : undefined}
            actions={
              <Button disabled={!s} onClick={() => setStream([])}>
                All streams
              </Button>
            }
          >
            Log streams in {group}
          </Header>
        }
        columnDefinitions={[
          { id: 'name', header: 'Log stream', isRowHeader: true, cell: (x) => x.logStreamName },
          { id: 'last', header: 'Last event', cell: (x) => time(x.lastEventTimestamp ? x.lastEventTimestamp / 1000 : undefined) },
        ]}
        empty="No log streams"
      />
      <Container header={<Header variant="h2" description={s ? `Stream ${s}` : 'All streams of the group'}>Log events</Header>}>
        <SpaceBetween size="m">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              setApplied(pattern.trim());
            }}
          >
            <SpaceBetween direction="horizontal" size="s" alignItems="end">
              <FormField label="Filter pattern" description="CloudWatch Logs filter syntax: terms, &quot;quoted phrases&quot;, -excluded.">
                <Input value={pattern} onChange={(e) => setPattern(e.detail.value)} name="filterPattern" type="search" />
              </FormField>
              <Button formAction="submit" data-testid="apply-filter">
                Search
              </Button>
              <Toggle checked={tail} onChange={(e) => setTail(e.detail.checked)} data-testid="live-tail">
                Live tail
              </Toggle>
            </SpaceBetween>
          </form>
          <ErrorAlert error={error} />
          {lines.length === 0 ? (
            <Box color="text-status-inactive" data-testid="no-events">
              {searched ? 'No events match.' : 'Loading events'}
            </Box>
          ) : (
            <pre data-testid="log-events" tabIndex={0} aria-label="Log events" style={{ maxHeight: 400, overflow: 'auto', margin: 0, fontSize: 12, whiteSpace: 'pre-wrap' }}>
              {lines.map((e) => `${new Date(e.timestamp).toLocaleTimeString()} ${e.logStreamName} | ${e.message}`).join('\n')}
            </pre>
          )}
        </SpaceBetween>
      </Container>
    </SpaceBetween>
  );
}
