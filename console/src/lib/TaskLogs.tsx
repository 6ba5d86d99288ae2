// A task's container output, from the streams Wharf keeps per task and container in /wharf/tasks/CLUSTER (the
// group `wharf logs` reads), followed with FilterLogEvents from the last timestamp seen.
import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import { useEffect, useRef, useState } from 'react';
import { logs } from '../aws/apis';
import { ApiError } from '../aws/signer';
import { useConsole } from './context';
import { ErrorAlert } from './ErrorAlert';

interface LogEvent {
  eventId: string;
  timestamp: number;
  message: string;
  logStreamName: string;
}

const MAX_LINES = 2000;

export function TaskLogs({ cluster, taskId }: { cluster: string; taskId: string }) {
  const { session } = useConsole();
  const [lines, setLines] = useState<LogEvent[]>([]);
  const [error, setError] = useState<unknown>();
  const [empty, setEmpty] = useState(false);
  const seen = useRef(new Set<string>());
  const since = useRef(0);

  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let delay = 2000;
    const run = async () => {
      try {
        let nextToken: string | undefined;
        const fresh: LogEvent[] = [];
        do {
          const r = await logs<{ events?: LogEvent[]; nextToken?: string }>(session, 'FilterLogEvents', {
            logGroupName: `/wharf/tasks/${cluster}`,
            logStreamNamePrefix: `${taskId}/`,
            startTime: since.current,
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
        setError(undefined);
        setEmpty(false);
        delay = 2000;
      } catch (err) {
        if (cancelled) return;
        // No group yet: nothing was written by this cluster's tasks so far.
        if (err instanceof ApiError && err.code === 'ResourceNotFoundException') setEmpty(true);
        else setError(err);
        delay = Math.min(delay * 2, 30_000);
      }
      if (!cancelled) timer = setTimeout(run, delay);
    };
    void run();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [session, cluster, taskId]);

  return (
    <Container header={<Header variant="h2" description={`/wharf/tasks/${cluster}, streams ${taskId}/CONTAINER`}>Logs</Header>}>
      <ErrorAlert error={error} />
      {lines.length === 0 ? (
        <Box color="text-status-inactive">{empty ? 'No output recorded for this task yet.' : 'No log lines yet.'}</Box>
      ) : (
        <pre data-testid="log-lines" tabIndex={0} aria-label="Task log lines" style={{ maxHeight: 400, overflow: 'auto', margin: 0, fontSize: 12, whiteSpace: 'pre-wrap' }}>
          {lines.map((e) => `${new Date(e.timestamp).toLocaleTimeString()} ${e.logStreamName.slice(taskId.length + 1)} | ${e.message}`).join('\n')}
        </pre>
      )}
    </Container>
  );
}
