// Warm pause containers (engine/warmPause.ts) against the real engine: an awsvpc task takes one already running, its
// ports are published on the task's own address by docker-proxy (network/portProxy.ts), as Docker would have, and
// go with it; the pool refills once the host is idle; a restarted agent adopts a task whose pause container was warm;
// a warm pause container removed behind the agent's back is neither used nor leaves a port behind.
import { readdirSync, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBusybox } from '../support/images.js';
import { makeTask } from '../support/tasks.js';
import { getText as get } from '../support/http.js';
import { cleanupAll, newEngine, runtime, type Harness } from './setup.js';
import { findDockerProxy } from '../../src/agent/network/portProxy.js';
import { WARM_PAUSE_LABEL } from '../../src/agent/engine/warmPause.js';
import { dockerName } from '../../src/agent/engine/names.js';
import { PAUSE_CONTAINER_NAME, type AgentTask } from '../../src/agent/protocol.js';

/** Processes carrying the mark of Wharf's proxies for this container (the proxies and their watcher). */
function marked(containerId: string): number {
  let n = 0;
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      if (readFileSync(`/proc/${p}/environ`, 'latin1').split('\0').includes(`WHARF_PUBLISHED_FOR=${containerId}`)) n++;
    } catch {
      // gone meanwhile
    }
  }
  return n;
}

const HTTPD = (text: string, port: number) => ['sh', '-c', `mkdir -p /www && echo ${text} > /www/index.html && exec httpd -f -p ${port} -h /www`];
const randomIp = () => `127.0.${100 + Math.floor(Math.random() * 100)}.${2 + Math.floor(Math.random() * 250)}`;

function webTask(ip: string, text: string): AgentTask {
  return makeTask(
    [
      { name: 'web', command: HTTPD(text, 80), portMappings: [{ containerPort: 80 }] },
      { name: 'admin', command: HTTPD(`${text}-admin`, 8081), portMappings: [{ containerPort: 8081 }] },
    ],
    { networkMode: 'awsvpc', privateIPv4Address: ip, attachmentId: 'att-warm' },
  );
}

const dockerProxy = findDockerProxy();
const warmEngine = () => newEngine({ warmPauseContainers: 1, dockerProxy });
const warmIds = async (h: Harness) => (await runtime.list({ [WARM_PAUSE_LABEL]: h.instanceArn })).filter((c) => c.running && !c.name.startsWith('ecs-')).map((c) => c.id);
const pauseOf = (h: Harness, task: AgentTask) => h.engine.task(task.taskArn)!.containers.find((c) => c.internal)!;

beforeAll(() => ensureBusybox(runtime), 120_000);
afterAll(cleanupAll);

describe('warm pause containers', () => {
  it('docker-proxy is on this host', () => {
    expect(dockerProxy).toMatch(/docker-proxy$/);
  });

  it("an awsvpc task takes a running one: its ports answer on the task's address, and go when it stops", async () => {
    const h = await warmEngine();
    await expect.poll(() => h.engine.warmPauseReady, { timeout: 20_000 }).toBe(1);
    const [warm] = await warmIds(h);
    const ip = randomIp();
    const task = webTask(ip, 'warm-ok');
    h.engine.apply([task]);
    await expect.poll(() => h.reporter.lastTask(task.taskArn)?.status, { timeout: 30_000 }).toBe('RUNNING');
    const pause = pauseOf(h, task);
    expect(pause.runtimeId).toBe(warm);
    expect((await runtime.inspect(warm!)).name).toBe(dockerName(task, PAUSE_CONTAINER_NAME));
    // Both ports, each at its own number on the task's address, and the containers share localhost as ever.
    await expect.poll(() => get(`http://${ip}/`), { timeout: 10_000 }).toBe('warm-ok\n');
    expect(await get(`http://${ip}:8081/`)).toBe('warm-ok-admin\n');
    expect(h.reporter.lastContainer(task.taskArn, 'web')!.networkBindings).toEqual([{ bindIP: ip, containerPort: 80, hostPort: 80, protocol: 'tcp' }]);
    expect(marked(warm!)).toBeGreaterThanOrEqual(3); // two proxies and their watcher (and its sleep)

    // The pool refills with a new one once the task runs.
    await expect.poll(async () => (await warmIds(h)).length, { timeout: 20_000 }).toBe(1);
    expect((await warmIds(h))[0]).not.toBe(warm);
    expect(h.engine.warmPauseReady).toBe(1);

    h.engine.apply([{ ...task, desiredStatus: 'STOPPED' }]);
    await expect.poll(() => h.reporter.lastTask(task.taskArn)?.status, { timeout: 20_000 }).toBe('STOPPED');
    await expect.poll(() => marked(warm!), { timeout: 10_000 }).toBe(0);
    expect(await get(`http://${ip}/`)).toBeUndefined();
    expect((await runtime.inspect(warm!)).running).toBe(false);
  });

  it('a warm pause container removed behind the agent\'s back is not used: the task gets a pause container of its own', async () => {
    const h = await warmEngine();
    await expect.poll(() => h.engine.warmPauseReady, { timeout: 20_000 }).toBe(1);
    const [warm] = await warmIds(h);
    await runtime.remove(warm!);
    const ip = randomIp();
    const task = webTask(ip, 'own-pause');
    h.engine.apply([task]);
    await expect.poll(() => h.reporter.lastTask(task.taskArn)?.status, { timeout: 30_000 }).toBe('RUNNING');
    const pause = pauseOf(h, task);
    expect(pause.runtimeId).not.toBe(warm);
    expect(pause.warm).toBeFalsy();
    await expect.poll(() => get(`http://${ip}/`), { timeout: 10_000 }).toBe('own-pause\n');
    const info = await runtime.inspect(pause.runtimeId!);
    expect(info.ports.map((p) => `${p.hostIp}:${p.hostPort}`).sort()).toEqual([`${ip}:80`, `${ip}:8081`]);
    expect(marked(warm!)).toBe(0);
  });

  it("one whose port cannot be published is given up: the task's own pause container meets the same refusal from Docker", async () => {
    const h = await warmEngine();
    await expect.poll(() => h.engine.warmPauseReady, { timeout: 20_000 }).toBe(1);
    const [warm] = await warmIds(h);
    const ip = randomIp();
    const taken = createServer().listen(8081, ip);
    await once(taken, 'listening');
    try {
      const task = webTask(ip, 'taken');
      h.engine.apply([task]);
      await expect.poll(() => h.reporter.lastTask(task.taskArn)?.status, { timeout: 30_000 }).toBe('STOPPED');
      const report = h.reporter.lastTask(task.taskArn)!;
      const reason = [report.reason, ...report.containers.map((c) => c.reason)].join(' ');
      expect(reason).toMatch(/CannotStartContainerError: .*(address already in use|port is already allocated)/);
      expect(reason).not.toMatch(/Conflict|already in use by container/);
      await expect.poll(async () => (await runtime.list({ [WARM_PAUSE_LABEL]: h.instanceArn })).some((c) => c.id === warm), { timeout: 10_000 }).toBe(false);
      expect(marked(warm!)).toBe(0);
    } finally {
      taken.close();
    }
  });

  it('a restarted agent adopts the task and its warm pause container; removed behind its back, its ports go', async () => {
    const h = await warmEngine();
    await expect.poll(() => h.engine.warmPauseReady, { timeout: 20_000 }).toBe(1);
    const ip = randomIp();
    const task = webTask(ip, 'adopted');
    h.engine.apply([task]);
    await expect.poll(() => h.reporter.lastTask(task.taskArn)?.status, { timeout: 30_000 }).toBe('RUNNING');
    const pause = pauseOf(h, task).runtimeId!;
    expect(pauseOf(h, task).warm).toBe(true);
    h.engine.close();
    await h.engine.closedWarm;

    const again = await h.restart();
    again.engine.apply([task], true);
    await expect.poll(() => again.reporter.lastTask(task.taskArn)?.status, { timeout: 30_000 }).toBe('RUNNING');
    expect(pauseOf(again, task).runtimeId).toBe(pause);
    expect(await get(`http://${ip}/`)).toBe('adopted\n');
    expect(marked(pause)).toBeGreaterThanOrEqual(3);

    // Containers removed with no agent to see it: the watcher ends the proxies.
    again.engine.close();
    for (const c of again.engine.task(task.taskArn)!.containers) await runtime.remove(c.runtimeId!);
    await expect.poll(() => marked(pause), { timeout: 10_000 }).toBe(0);
    expect(await get(`http://${ip}/`)).toBeUndefined();
  });
});
