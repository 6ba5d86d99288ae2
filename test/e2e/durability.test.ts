// State survives a clean restart and a kill -9: what was acknowledged is there when Wharf comes back.
import { CreateClusterCommand, DescribeClustersCommand, DescribeTaskDefinitionCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { startWharf, tempDir } from './harness.js';

const taskDef = (family: string) =>
  new RegisterTaskDefinitionCommand({
    family,
    containerDefinitions: [{ name: 'web', image: 'busybox', memory: 64, portMappings: [{ containerPort: 80 }] }],
  });

describe('durability', () => {
  it('keeps all state across a clean restart', async () => {
    const dataDir = tempDir();
    const a = await startWharf({ dataDir });
    const ecs = a.ecs();
    await ecs.send(new CreateClusterCommand({ clusterName: 'kept', tags: [{ key: 'x', value: 'y' }] }));
    await ecs.send(taskDef('kept-family'));
    ecs.destroy();
    expect(await a.stop('SIGTERM')).toBe(0);

    const b = await startWharf({ dataDir });
    const ecs2 = b.ecs();
    const d = await ecs2.send(new DescribeClustersCommand({ clusters: ['kept'], include: ['TAGS'] }));
    expect(d.clusters?.[0]).toMatchObject({ status: 'ACTIVE', tags: [{ key: 'x', value: 'y' }] });
    const td = await ecs2.send(new DescribeTaskDefinitionCommand({ taskDefinition: 'kept-family' }));
    expect(td.taskDefinition?.revision).toBe(1);
    // Revisions continue where they were.
    const next = await ecs2.send(taskDef('kept-family'));
    expect(next.taskDefinition?.revision).toBe(2);
    ecs2.destroy();
    await b.stop();
  });

  it('keeps every acknowledged write across kill -9', async () => {
    const dataDir = tempDir();
    const a = await startWharf({ dataDir });
    const ecs = a.ecs();
    const created: string[] = [];
    // Writes in flight while the process is killed: every one that was answered must be there afterwards.
    let stop = false;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; !stop; i++) {
        const name = `k9-${w}-${i}`;
        try {
          await ecs.send(new CreateClusterCommand({ clusterName: name }));
          created.push(name);
        } catch {
          return;
        }
      }
    });
    await expect.poll(() => created.length, { timeout: 20_000 }).toBeGreaterThan(50);
    a.proc.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    ecs.destroy();
    await a.stop();

    const b = await startWharf({ dataDir });
    const ecs2 = b.ecs();
    for (let i = 0; i < created.length; i += 100) {
      const d = await ecs2.send(new DescribeClustersCommand({ clusters: created.slice(i, i + 100) }));
      expect(d.failures).toEqual([]);
      expect(d.clusters?.every((c) => c.status === 'ACTIVE')).toBe(true);
    }
    ecs2.destroy();
    await b.stop();
  });
});
