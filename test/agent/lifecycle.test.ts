// Task lifecycle against the real engine: dependsOn order, health checks, essential exit, OOM, stop timeout,
// refusals, and adoption by a new engine after the first is discarded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LABELS } from '../../src/agent/protocol.js';
import { ensureBusybox } from '../support/images.js';
import { makeTask, stopped } from '../support/tasks.js';
import { cleanupAll, newEngine, runtime } from './setup.js';

const SLEEP = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.1; done'];

beforeAll(() => ensureBusybox(runtime), 120_000);
afterAll(cleanupAll);

describe('dependsOn', () => {
  it('starts containers after SUCCESS, COMPLETE and HEALTHY dependencies, in order', async () => {
    const h = await newEngine();
    const task = makeTask([
      { name: 'init', essential: false, command: ['sh', '-c', 'sleep 0.5; exit 0'] },
      { name: 'once', essential: false, command: ['sh', '-c', 'exit 4'] },
      {
        name: 'db',
        command: ['sh', '-c', 'trap "exit 0" TERM; sleep 1; echo > /ready; while true; do sleep 0.1; done'],
        healthCheck: { command: ['CMD-SHELL', 'test -f /ready'], interval: 1, timeout: 1, retries: 3 },
      },
      {
        name: 'app',
        command: SLEEP,
        dependsOn: [
          { containerName: 'init', condition: 'SUCCESS' },
          { containerName: 'once', condition: 'COMPLETE' },
          { containerName: 'db', condition: 'HEALTHY' },
        ],
      },
    ]);
    h.engine.apply([task]);
    await expect.poll(() => h.reporter.lastTask(task.taskArn)?.status, { timeout: 30_000 }).toBe('RUNNING');
    const state = h.engine.task(task.taskArn)!;
    const at = (n: string) => state.containers.find((c) => c.name === n)!;
    expect(at('app').startedAt!.getTime()).toBeGreaterThanOrEqual(at('init').finishedAt!.getTime());
    expect(at('app').startedAt!.getTime()).toBeGreaterThanOrEqual(at('once').finishedAt!.getTime());
    expect(h.reporter.lastContainer(task.taskArn, 'once')).toMatchObject({ status: 'STOPPED', exitCode: 4 });
    await expect.poll(() => h.reporter.lastTask(task.taskArn)?.healthStatus, { timeout: 10_000 }).toBe('HEALTHY');
  });

  it('stops the task when a SUCCESS dependency fails, and when a dependency misses its startTimeout', async () => {
    const h = await newEngine();
    const failing = makeTask([
      { name: 'init', essential: false, command: ['sh', '-c', 'exit 2'] },
      { name: 'app', command: SLEEP, dependsOn: [{ containerName: 'init', condition: 'SUCCESS' }] },
    ]);
    const slow = makeTask([
      { name: 'db', command: SLEEP, startTimeout: 2, healthCheck: { command: ['CMD-SHELL', 'exit 1'], interval: 5, retries: 10, startPeriod: 60 } },
      { name: 'app', command: SLEEP, dependsOn: [{ containerName: 'db', condition: 'HEALTHY' }] },
    ]);
    h.engine.apply([failing, slow]);
    await expect.poll(() => h.reporter.lastTask(failing.taskArn)?.status, { timeout: 20_000 }).toBe('STOPPED');
    expect(h.reporter.lastTask(failing.taskArn)).toMatchObject({ stopCode: 'TaskFailedToStart', reason: expect.stringMatching(/init exited with code 2/) });
    await expect.poll(() => h.reporter.lastTask(slow.taskArn)?.status, { timeout: 20_000 }).toBe('STOPPED');
    expect(h.reporter.lastTask(slow.taskArn)!.reason).toMatch(/startTimeout of 2 s/);
  });
});

describe('stopping', () => {
  it('stops the task when an essential container exits, reporting every exit code', async () => {
    const h = await newEngine();
    const task = makeTask([
      { name: 'main', command: ['sh', '-c', 'sleep 0.5; exit 3'] },
      { name: 'side', essential: false, command: SLEEP },
    ]);
    h.engine.apply([task]);
    await expect.poll(() => h.reporter.lastTask(task.taskArn)?.status, { timeout: 20_000 }).toBe('STOPPED');
    const report = h.reporter.lastTask(task.taskArn)!;
    expect(report).toMatchObject({ stopCode: 'EssentialContainerExited', reason: 'Essential container in task exited' });
    expect(Object.fromEntries(report.containers.map((c) => [c.containerName, c.exitCode]))).toEqual({ main: 3, side: 0 });
    expect(report.executionStoppedAt).toBeInstanceOf(Date);
    expect(report.pullStartedAt!.getTime()).toBeLessThanOrEqual(report.pullStoppedAt!.getTime());
  });

  it('an essential container that exits at once is EssentialContainerExited, not a failed start', async () => {
    const h = await newEngine();
    const task = makeTask([{ name: 'main', command: ['sh', '-c', 'exit 3'] }]);
    h.engine.apply([task]);
    await expect.poll(() => h.reporter.lastTask(task.taskArn)?.status, { timeout: 20_000 }).toBe('STOPPED');
    const report = h.reporter.lastTask(task.taskArn)!;
    expect(report).toMatchObject({ stopCode: 'EssentialContainerExited', reason: 'Essential container in task exited' });
    expect(report.containers[0]).toMatchObject({ status: 'STOPPED', exitCode: 3 });
  });

  it('reports an OOM kill as ECS does', async () => {
    const h = await newEngine();
    const task = makeTask([{ name: 'hog', memory: 32, command: ['sh', '-c', 'head -c 200m /dev/zero | tail'] }]);
    h.engine.apply([task]);
    await expect.poll(() => h.reporter.lastTask(task.taskArn)?.status, { timeout: 30_000 }).toBe('STOPPED');
    expect(h.reporter.lastContainer(task.taskArn, 'hog')).toMatchObject({ exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' });
  });

  it('sends SIGTERM, then SIGKILL after the container stopTimeout', async () => {
    const h = await newEngine();
    const task = makeTask([
      { name: 'stubborn', stopTimeout: 2, command: ['sh', '-c', 'trap "" TERM; while true; do sleep 0.1; done'] },
      { name: 'polite', essential: false, command: ['sh', '-c', 'trap "exit 143" TERM; while true; do sleep 0.1; done'] },
    ]);
    h.engine.apply([task]);
    await expect.poll(() => h.reporter.lastTask(task.taskArn)?.status, { timeout: 20_000 }).toBe('RUNNING');
    const t0 = Date.now();
    h.engine.apply([stopped(task)]);
    await expect.poll(() => h.reporter.lastTask(task.taskArn)?.status, { timeout: 20_000 }).toBe('STOPPED');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
    expect(h.reporter.lastContainer(task.taskArn, 'stubborn')!.exitCode).toBe(137);
    expect(h.reporter.lastContainer(task.taskArn, 'polite')!.exitCode).toBe(143);
  });

  it('removes stopped containers after the clean-up wait', async () => {
    const h = await newEngine({ cleanupWaitMs: 300 });
    const task = makeTask([{ name: 'quick', command: ['true'] }]);
    h.engine.apply([task]);
    await expect.poll(() => h.reporter.lastTask(task.taskArn)?.status, { timeout: 20_000 }).toBe('STOPPED');
    await expect.poll(() => runtime.list({ [LABELS.taskArn]: task.taskArn }).then((l) => l.length), { timeout: 10_000 }).toBe(0);
  });
});

describe('refusals', () => {
  it('refuses privileged containers unless allowed, and an unpullable image, with clear reasons', async () => {
    const h = await newEngine();
    const priv = makeTask([{ name: 'p', privileged: true, command: SLEEP }]);
    const nopull = makeTask([{ name: 'x', image: '127.0.0.1:9/absent/image:1', command: SLEEP }]);
    h.engine.apply([priv, nopull]);
    await expect.poll(() => h.reporter.lastTask(priv.taskArn)?.status, { timeout: 10_000 }).toBe('STOPPED');
    expect(h.reporter.lastTask(priv.taskArn)).toMatchObject({ stopCode: 'TaskFailedToStart', reason: expect.stringMatching(/privileged/) });
    await expect.poll(() => h.reporter.lastTask(nopull.taskArn)?.status, { timeout: 20_000 }).toBe('STOPPED');
    expect(h.reporter.lastTask(nopull.taskArn)!.reason).toMatch(/^CannotPullContainerError: /);
  });
});

describe('adoption', () => {
  it('adopts running containers after the engine is discarded, and reports those that died meanwhile', async () => {
    const first = await newEngine();
    const task = makeTask([
      { name: 'web', command: SLEEP },
      { name: 'side', essential: false, command: SLEEP },
    ]);
    first.engine.apply([task]);
    await expect.poll(() => first.reporter.lastTask(task.taskArn)?.status, { timeout: 20_000 }).toBe('RUNNING');
    const ids = first.engine.task(task.taskArn)!.containers.map((c) => c.runtimeId);
    first.engine.close();

    const second = await first.restart();
    second.engine.apply([task], true);
    await expect.poll(() => second.reporter.lastTask(task.taskArn)?.status, { timeout: 20_000 }).toBe('RUNNING');
    expect(second.engine.task(task.taskArn)!.containers.map((c) => c.runtimeId)).toEqual(ids);
    expect((await runtime.list({ [LABELS.taskArn]: task.taskArn })).length).toBe(2);
    second.engine.close();

    await runtime.stop(ids[1]!, 5); // 'side' dies while no engine watches
    const third = await first.restart();
    third.engine.apply([task], true);
    await expect.poll(() => third.reporter.lastContainer(task.taskArn, 'side')?.status, { timeout: 20_000 }).toBe('STOPPED');
    expect(third.reporter.lastContainer(task.taskArn, 'side')!.exitCode).toBe(0);
    expect(third.engine.task(task.taskArn)!.containers[0]!.runtimeId).toBe(ids[0]);
    expect((await runtime.list({ [LABELS.taskArn]: task.taskArn })).length).toBe(2);
  });

  it('stops what a full payload no longer lists', async () => {
    const first = await newEngine();
    const task = makeTask([{ name: 'web', command: SLEEP }]);
    first.engine.apply([task]);
    await expect.poll(() => first.reporter.lastTask(task.taskArn)?.status, { timeout: 20_000 }).toBe('RUNNING');
    first.engine.close();
    const second = await first.restart();
    second.engine.apply([], true);
    await expect.poll(() => runtime.list({ [LABELS.taskArn]: task.taskArn }).then((l) => l.length), { timeout: 20_000 }).toBe(0);
    // The report follows the removal (and the cgroup's), so it may come a moment after the list is empty.
    await expect.poll(() => second.reporter.lastTask(task.taskArn)?.status, { timeout: 10_000 }).toBe('STOPPED');
  });
});
