// Container restart policies on a real agent: a sidecar that crashes after running its restartAttemptPeriod is
// started again in place (RestartCount in the task metadata endpoint goes up) while the essential container keeps
// serving and the task stays RUNNING; an ignored exit code and an exit within the period are not restarted.
import { DescribeTasksCommand, ListTaskDefinitionsCommand, RegisterTaskDefinitionCommand, RunTaskCommand, StopTaskCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { BUSYBOX } from '../support/images.js';
import { useWharfUp } from './wharfUp.js';

const up = useWharfUp({ WHARF_LB_WORKERS: '0' });

// The web container copies the task metadata document into what it serves, so the test can read RestartCount.
// mkdir first, on its own: `mkdir && (loop) &` would put the mkdir in the background, racing httpd's chdir to /w.
const WEB = 'mkdir -p /w; (while true; do wget -qO /w/task.tmp $ECS_CONTAINER_METADATA_URI_V4/task && mv /w/task.tmp /w/task.json; sleep 1; done) & exec httpd -f -p 80 -h /w';

describe('container restart policies', () => {
  it('restarts a crashing sidecar in place while the task keeps serving', async () => {
    const policy = { enabled: true, restartAttemptPeriod: 60 };
    await up.ecs.send(new RegisterTaskDefinitionCommand({
      family: 'restarts',
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        { name: 'web', image: BUSYBOX, essential: true, command: ['sh', '-c', WEB], portMappings: [{ containerPort: 80 }] },
        { name: 'crash', image: BUSYBOX, essential: false, restartPolicy: policy, command: ['sh', '-c', 'sleep 62; exit 3'] },
        { name: 'done', image: BUSYBOX, essential: false, restartPolicy: { ...policy, ignoredExitCodes: [0] }, command: ['sh', '-c', 'sleep 62; exit 0'] },
        { name: 'early', image: BUSYBOX, essential: false, restartPolicy: policy, command: ['sh', '-c', 'exit 4'] },
      ],
    }));
    const run = await up.ecs.send(new RunTaskCommand({
      taskDefinition: 'restarts',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-a'] } },
    }));
    expect(run.failures).toEqual([]);
    const taskArn = run.tasks![0]!.taskArn!;
    const describe = async () => (await up.ecs.send(new DescribeTasksCommand({ tasks: [taskArn] }))).tasks![0]!;
    await expect.poll(async () => {
      const t = await describe();
      // Stopped on the way: say why rather than wait out the timeout.
      if (t.lastStatus === 'STOPPED') {
        const id = taskArn.split('/').pop();
        const log = await up.wharf.awsRaw(['logs', 'get-log-events', '--log-group-name', '/wharf/tasks/default', '--log-stream-name', `${id}/web`]);
        throw new Error(`task stopped: ${t.stopCode} ${t.stoppedReason} ${JSON.stringify(t.containers!.map((c) => [c.name, c.exitCode, c.reason]))} web said: ${log.stdout}${log.stderr}`);
      }
      return t.lastStatus;
    }, { timeout: 120_000, interval: 500 }).toBe('RUNNING');
    const task = await describe();
    const address = task.attachments![0]!.details!.find((d) => d.name === 'privateIPv4Address')!.value!;
    const metadata = async () => {
      const res = await fetch(`http://${address}/task.json`).catch(() => undefined);
      if (!res?.ok) return undefined;
      const doc = (await res.json()) as { Containers: { Name: string; RestartCount?: number; KnownStatus: string; ExitCode?: number }[] };
      return Object.fromEntries(doc.Containers.map((c) => [c.Name, c]));
    };

    // Exited at once: not restarted, and (not essential) the task runs on.
    await expect.poll(async () => (await metadata())?.early?.KnownStatus, { timeout: 30_000, interval: 1000 }).toBe('STOPPED');
    expect((await metadata())!.early!.RestartCount).toBe(0);

    // After 62 s: the crash is restarted in place, the ignored exit code is not.
    await expect.poll(async () => (await metadata())?.crash?.RestartCount, { timeout: 120_000, interval: 1000 }).toBeGreaterThanOrEqual(1);
    const after = (await metadata())!;
    expect(after.crash!.KnownStatus).toBe('RUNNING');
    expect(after.web!.RestartCount).toBeUndefined(); // no policy, no count, as ECS
    await expect.poll(async () => (await metadata())?.done?.KnownStatus, { timeout: 30_000, interval: 1000 }).toBe('STOPPED');
    const done = (await metadata())!.done!;
    expect([done.ExitCode, done.RestartCount]).toEqual([0, 0]);

    const now = await describe();
    expect(now.lastStatus).toBe('RUNNING');
    expect(Object.fromEntries(now.containers!.map((c) => [c.name, c.lastStatus]))).toEqual({ web: 'RUNNING', crash: 'RUNNING', done: 'STOPPED', early: 'STOPPED' });
    expect((await fetch(`http://${address}/task.json`)).status).toBe(200);
    await up.ecs.send(new StopTaskCommand({ task: taskArn }));
  }, 360_000);

  it('refuses restart policies outside ECS\'s ranges, registering nothing', async () => {
    // The SDK: the aws CLI installed here predates restartPolicy.
    const register = (restartPolicy: object) => up.ecs.send(new RegisterTaskDefinitionCommand({
      family: 'bad-restarts',
      containerDefinitions: [{ name: 'app', image: BUSYBOX, memory: 64, restartPolicy: restartPolicy as never }],
    }));
    for (const period of [59, 1801]) {
      await expect(register({ enabled: true, restartAttemptPeriod: period })).rejects.toMatchObject({
        name: 'ClientException',
        message: "The 'restartAttemptPeriod' setting for container 'app' must be between 60 and 1800.",
      });
    }
    await expect(register({ enabled: true, ignoredExitCodes: Array.from({ length: 51 }, (_, i) => i) })).rejects.toMatchObject({
      name: 'ClientException',
      message: "The 'ignoredExitCodes' setting for container 'app' can contain at most 50 exit codes.",
    });
    const families = await up.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'bad-restarts' }));
    expect(families.taskDefinitionArns).toEqual([]);
  });
});
