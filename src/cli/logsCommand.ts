// `wharf logs TASK [--follow]`: a task's container output, from the streams the control plane keeps per task and
// container (the group /wharf/tasks/CLUSTER), read through the CloudWatch Logs API like any other client would.
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';

export interface LogsFlags {
  cluster: string;
  follow: boolean;
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  out?: (line: string) => void;
  /** Stop following (tests); following otherwise ends with the process. */
  signal?: AbortSignal;
}

export async function showTaskLogs(task: string, f: LogsFlags): Promise<void> {
  const out = f.out ?? ((line: string) => process.stdout.write(line + '\n'));
  const client = new CloudWatchLogsClient({ endpoint: f.endpoint, region: f.region, credentials: f.credentials, maxAttempts: 2 });
  const taskId = task.split('/').pop()!;
  const seen = new Set<string>();
  let startTime = 0;
  try {
    do {
      let nextToken: string | undefined;
      do {
        const page = await client.send(
          new FilterLogEventsCommand({
            logGroupName: `/wharf/tasks/${f.cluster}`,
            logStreamNamePrefix: `${taskId}/`,
            startTime,
            nextToken,
          }),
        );
        for (const e of page.events ?? []) {
          if (seen.has(e.eventId!)) continue;
          seen.add(e.eventId!);
          startTime = Math.max(startTime, e.timestamp ?? 0);
          const container = e.logStreamName!.slice(taskId.length + 1);
          out(`${container} | ${e.message}`);
        }
        nextToken = page.nextToken;
      } while (nextToken);
      if (f.follow) await new Promise((r) => setTimeout(r, 1000));
    } while (f.follow && !f.signal?.aborted);
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') {
      throw new Error(`no output recorded for task ${taskId} in cluster ${f.cluster}`);
    }
    throw err;
  } finally {
    client.destroy();
  }
}
