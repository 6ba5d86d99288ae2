// The contract every ContainerRuntime keeps (Docker, and later the simulated one): one suite, run against each.
// Needs an image with busybox `sh` and `sleep`; the caller builds or fakes it.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NameConflictError, NotFoundError, type ContainerRuntime, type RuntimeEvent } from './types.js';

export interface ContractOptions {
  image: string;
  /** Prepares the runtime (e.g. builds the image). */
  setup?: (runtime: ContainerRuntime) => Promise<void>;
}

export function runtimeContract(name: string, make: () => ContainerRuntime, opts: ContractOptions): void {
  describe(`ContainerRuntime contract: ${name}`, () => {
    const runtime = make();
    const run = randomBytes(4).toString('hex');
    const labels = { 'wharf.contract-run': run };
    const spec = (suffix: string, cmd: string[]) => ({
      name: `wharf-contract-${run}-${suffix}`,
      Image: opts.image,
      Cmd: cmd,
      Labels: { ...labels, role: suffix },
    });

    beforeAll(async () => {
      await opts.setup?.(runtime);
    });
    afterAll(async () => {
      for (const c of await runtime.list(labels)) await runtime.remove(c.id);
    });

    it('reports its version', async () => {
      const v = await runtime.version();
      expect(v.version).toMatch(/\d+\.\d+/);
      expect(v.apiVersion).toMatch(/\d+\.\d+/);
    });

    it('knows which images are present', async () => {
      expect(await runtime.imagePresent(opts.image)).toBe(true);
      expect(await runtime.imagePresent(`wharf-contract/absent-${run}:nope`)).toBe(false);
      expect((await runtime.imageInfo(opts.image))?.id).toMatch(/^sha256:/);
      expect(await runtime.imageInfo(`wharf-contract/absent-${run}:nope`)).toBeUndefined();
    });

    it('fails to pull an image that no registry has, with the reason', async () => {
      await expect(runtime.pull(`127.0.0.1:9/wharf-absent-${run}:1`)).rejects.toThrow(/./);
    });

    it('creates, starts, inspects, stops and removes a container', async () => {
      const id = await runtime.create(spec('life', ['sh', '-c', 'trap "exit 3" TERM; while true; do sleep 0.1; done']));
      let info = await runtime.inspect(id);
      expect(info).toMatchObject({ id, running: false, exitCode: null, labels: { role: 'life' } });
      await runtime.start(id);
      info = await runtime.inspect(id);
      expect(info.running).toBe(true);
      expect(info.startedAt).toBeInstanceOf(Date);
      await runtime.stop(id, 5);
      info = await runtime.inspect(id);
      expect(info).toMatchObject({ running: false, exitCode: 3, oomKilled: false });
      await runtime.stop(id, 5); // stopping twice is fine
      await runtime.remove(id);
      await runtime.remove(id); // so is removing twice
      await expect(runtime.inspect(id)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('refuses a second container with the same name', async () => {
      const s = spec('dup', ['true']);
      await runtime.create(s);
      await expect(runtime.create(s)).rejects.toBeInstanceOf(NameConflictError);
    });

    it('lists containers by label, running or not', async () => {
      const a = await runtime.create(spec('list-a', ['sleep', '30']));
      await runtime.start(a);
      const b = await runtime.create(spec('list-b', ['true']));
      const found = await runtime.list({ ...labels, role: 'list-a' });
      expect(found.map((c) => c.id)).toEqual([a]);
      expect(found[0]!.running).toBe(true);
      const all = (await runtime.list(labels)).map((c) => c.id);
      expect(all).toEqual(expect.arrayContaining([a, b]));
      await runtime.stop(a, 0);
    });

    it('streams start and die events with the exit code', async () => {
      const seen: RuntimeEvent[] = [];
      const close = await runtime.events((e) => seen.push(e), () => {});
      const id = await runtime.create(spec('events', ['sh', '-c', 'exit 7']));
      await runtime.start(id);
      await expect.poll(() => seen.find((e) => e.id === id && e.kind === 'die'), { timeout: 10_000 }).toEqual({ kind: 'die', id, exitCode: 7 });
      expect(seen.some((e) => e.id === id && e.kind === 'start')).toBe(true);
      close();
    });

    it('follows stdout and stderr', async () => {
      const id = await runtime.create(spec('logs', ['sh', '-c', 'echo out; echo err >&2; echo more']));
      await runtime.start(id);
      const lines: string[] = [];
      const follow = await runtime.logs(id, (l) => lines.push(`${l.stream}:${l.message}`));
      await follow.done;
      expect(lines).toEqual(expect.arrayContaining(['stdout:out', 'stderr:err', 'stdout:more']));
    });

    it('gives stats of a running container', async () => {
      const id = await runtime.create(spec('stats', ['sleep', '30']));
      await runtime.start(id);
      const s = await runtime.stats(id);
      expect(s.memoryBytes).toBeGreaterThan(0);
      await runtime.stop(id, 0);
    });

    it('creates and removes volumes', async () => {
      const name = `wharf-contract-${run}`;
      expect(await runtime.volumeExists(name)).toBe(false);
      await runtime.createVolume({ name, labels });
      expect(await runtime.volumeExists(name)).toBe(true);
      await runtime.removeVolume(name);
      await runtime.removeVolume(name);
      expect(await runtime.volumeExists(name)).toBe(false);
    });
  });
}
