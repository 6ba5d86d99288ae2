// Network modes against the real engine: dynamic host ports in bridge, a task's own loopback address and shared
// localhost in awsvpc, links.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBusybox } from '../support/images.js';
import { makeTask } from '../support/tasks.js';
import { getText as get } from '../support/http.js';
import { cleanupAll, newEngine, runtime } from './setup.js';

const HTTPD = (text: string, port = 80) => ['sh', '-c', `mkdir -p /www && echo ${text} > /www/index.html && exec httpd -f -p ${port} -h /www`];

beforeAll(() => ensureBusybox(runtime), 120_000);
afterAll(cleanupAll);

describe('bridge', () => {
  it('publishes a dynamic host port on the publish address and reports the binding', async () => {
    const h = await newEngine();
    const task = makeTask([{ name: 'web', command: HTTPD('bridge-ok'), portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }] }]);
    h.engine.apply([task]);
    await expect.poll(() => h.reporter.lastTask(task.taskArn)?.status, { timeout: 20_000 }).toBe('RUNNING');
    const binding = h.reporter.lastContainer(task.taskArn, 'web')!.networkBindings[0]!;
    expect(binding).toMatchObject({ bindIP: '127.0.0.1', containerPort: 80, protocol: 'tcp' });
    expect(binding.hostPort).toBeGreaterThan(1024);
    await expect.poll(() => get(`http://127.0.0.1:${binding.hostPort}/`), { timeout: 10_000 }).toBe('bridge-ok\n');
  });

  it("uses the scheduler's host port, and links reach the linked container by alias", async () => {
    const h = await newEngine();
    const port = 20000 + Math.floor(Math.random() * 20000);
    const task = makeTask([
      { name: 'db', command: HTTPD('from-db'), essential: false },
      {
        name: 'app',
        links: ['db:database'],
        command: ['sh', '-c', 'until wget -qO- http://database/; do sleep 0.2; done; sleep 300'],
        portMappings: [{ containerPort: 81 }],
        hostPorts: [{ containerPort: 81, hostPort: port, protocol: 'tcp' }],
      },
    ]);
    h.engine.apply([task]);
    await expect.poll(() => h.reporter.lastTask(task.taskArn)?.status, { timeout: 20_000 }).toBe('RUNNING');
    expect(h.reporter.lastContainer(task.taskArn, 'app')!.networkBindings).toEqual([{ bindIP: '127.0.0.1', containerPort: 81, hostPort: port, protocol: 'tcp' }]);
    await expect.poll(() => h.logs.messages(task.taskArn, 'app'), { timeout: 15_000 }).toContain('from-db');
  });
});

describe('awsvpc', () => {
  it("serves on the task's own 127.x address, and the task's containers share localhost", async () => {
    const h = await newEngine();
    const ip = `127.0.${100 + Math.floor(Math.random() * 100)}.${2 + Math.floor(Math.random() * 250)}`;
    const task = makeTask(
      [
        { name: 'mongo', command: HTTPD('from-localhost', 27017), essential: false },
        {
          name: 'app',
          environment: [{ name: 'DB', value: 'localhost:27017' }],
          command: ['sh', '-c', 'until wget -qO- http://$DB/; do sleep 0.2; done; mkdir /www; echo awsvpc-ok > /www/index.html; exec httpd -f -p 80 -h /www'],
          portMappings: [{ containerPort: 80 }],
        },
      ],
      { networkMode: 'awsvpc', privateIPv4Address: ip, attachmentId: 'att-test' },
    );
    h.engine.apply([task]);
    await expect.poll(() => h.reporter.lastTask(task.taskArn)?.status, { timeout: 30_000 }).toBe('RUNNING');
    await expect.poll(() => h.logs.messages(task.taskArn, 'app'), { timeout: 15_000 }).toContain('from-localhost');
    await expect.poll(() => get(`http://${ip}/`), { timeout: 10_000 }).toBe('awsvpc-ok\n');
    const report = h.reporter.lastTask(task.taskArn)!;
    expect(report.attachments).toEqual([{ attachmentArn: 'att-test', status: 'ATTACHED', privateIPv4Address: ip }]);
    expect(report.containers.find((c) => c.containerName === 'app')!.networkBindings).toEqual([{ bindIP: ip, containerPort: 80, hostPort: 80, protocol: 'tcp' }]);

    h.engine.apply([{ ...task, desiredStatus: 'STOPPED' }]);
    await expect.poll(() => h.reporter.lastTask(task.taskArn)?.status, { timeout: 20_000 }).toBe('STOPPED');
    expect(h.reporter.lastTask(task.taskArn)!.attachments[0]!.status).toBe('DETACHED');
  });
});

describe('none and host', () => {
  it('runs a container without a network, and one on the host network', async () => {
    const h = await newEngine();
    const none = makeTask([{ name: 'c', command: ['sh', '-c', 'ls /sys/class/net; sleep 300'] }], { networkMode: 'none' });
    const host = makeTask([{ name: 'c', command: ['sh', '-c', 'ls /sys/class/net; sleep 300'] }], { networkMode: 'host' });
    h.engine.apply([none, host]);
    await expect.poll(() => h.logs.messages(none.taskArn, 'c'), { timeout: 20_000 }).toEqual(['lo']);
    await expect.poll(() => h.logs.messages(host.taskArn, 'c').length, { timeout: 20_000 }).toBeGreaterThan(1);
  });
});
