// The runtime contract against the real Docker Engine of this machine.
import { runtimeContract } from '../../src/agent/runtime/contract.js';
import { DockerRuntime } from '../../src/agent/runtime/docker.js';
import { BUSYBOX, ensureBusybox } from '../support/images.js';
import { describe, expect, it } from 'vitest';
import { RuntimeUnavailableError } from '../../src/agent/runtime/types.js';

runtimeContract('docker', () => new DockerRuntime(), { image: BUSYBOX, setup: ensureBusybox });

describe('DockerRuntime without an engine', () => {
  it('says plainly that no engine is reachable and how to get one', async () => {
    const rt = new DockerRuntime({ docker: { socketPath: '/nonexistent/docker.sock' } });
    const err = await rt.version().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RuntimeUnavailableError);
    expect((err as Error).message).toMatch(/apt-get install docker\.io/);
  });
});
