// A scripted stand-in for a host agent, for end-to-end tests of the control plane: registers a container instance,
// holds its channel, and answers every pushed task as an agent would (PENDING -> RUNNING, STOPPED when asked),
// signed with the instance's own keys. It can be told to fail tasks (a bad image) or to kill running ones.
import { RegisterContainerInstanceCommand, SubmitTaskStateChangeCommand, type ECSClient } from '@aws-sdk/client-ecs';
import { connectAgent, type ChannelClient } from './agentClient.js';

export interface ScriptedAgent {
  arn: string;
  channel: ChannelClient;
  /** Tasks whose image matches are reported STOPPED before they ever run (CannotPullContainerError). */
  failImages: Set<string>;
  /** Reports a running task's essential container as exited. */
  kill(taskArn: string): Promise<void>;
  /** Reconnects the channel (after a control plane restart), answering again. */
  reconnect(url: string): Promise<void>;
  close(): Promise<void>;
}

export async function scriptedAgent(
  url: string,
  root: ECSClient,
  cluster: string,
  opts: { az?: string; cpu?: number; memory?: number; attrs?: Record<string, string> } = {},
): Promise<ScriptedAgent> {
  const out = await root.send(
    new RegisterContainerInstanceCommand({
      cluster,
      instanceIdentityDocument: JSON.stringify({ availabilityZone: opts.az ?? 'us-east-1a', instanceType: 't3.medium' }),
      totalResources: [
        { name: 'CPU', type: 'INTEGER', integerValue: opts.cpu ?? 4096 },
        { name: 'MEMORY', type: 'INTEGER', integerValue: opts.memory ?? 8192 },
        { name: 'PORTS', type: 'STRINGSET', stringSetValue: ['22'] },
        { name: 'PORTS_UDP', type: 'STRINGSET', stringSetValue: [] },
      ],
      attributes: Object.entries(opts.attrs ?? {}).map(([name, value]) => ({ name, value })),
    }),
  );
  const arn = out.containerInstance!.containerInstanceArn!;
  const clusterArn = `arn:aws:ecs:us-east-1:000000000000:cluster/${cluster}`;
  const reported = new Map<string, string>();
  const failImages = new Set<string>();
  let channel = await connectAgent(url, clusterArn, arn);
  let client: ECSClient | undefined;
  let seen = 0;
  let closed = false;
  const report = async (task: string, status: string, reason?: string, exitCode?: number) => {
    client ??= channel.ecs();
    // Recorded only once accepted: a report lost to a control plane restart is made again from the next full payload.
    await client
      .send(new SubmitTaskStateChangeCommand({ cluster, task, status, reason, containers: [{ containerName: 'app', status, exitCode }] }))
      .then(() => reported.set(task, status))
      .catch(() => undefined);
  };
  const loop = async () => {
    while (!closed) {
      const msgs = channel.messages;
      for (; seen < msgs.length; seen++) {
        const m = msgs[seen];
        if (m.type !== 'PayloadMessage') continue;
        for (const t of m.tasks) {
          const done = reported.get(t.taskArn);
          if (t.desiredStatus === 'STOPPED' && done !== 'STOPPED') await report(t.taskArn, 'STOPPED', 'Task stopped', 143);
          else if (t.desiredStatus === 'RUNNING' && done === undefined) {
            const image = t.containers[0]?.definition?.image;
            if (failImages.has(image)) await report(t.taskArn, 'STOPPED', `CannotPullContainerError: pull access denied for ${image}`);
            else await report(t.taskArn, 'RUNNING');
          }
        }
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const running = loop();
  return {
    arn,
    get channel() {
      return channel;
    },
    failImages,
    kill: (taskArn) => report(taskArn, 'STOPPED', 'Essential container in task exited', 137),
    async reconnect(newUrl) {
      await channel.close().catch(() => undefined);
      client?.destroy();
      client = undefined;
      channel = await connectAgent(newUrl, clusterArn, arn);
      seen = 0;
    },
    async close() {
      closed = true;
      await running;
      client?.destroy();
      await channel.close();
    },
  };
}
