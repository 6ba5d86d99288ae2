// Test images built locally (no registry is reachable): FROM scratch with Debian's static busybox, so `sh`, `httpd`,
// `nc`, `sleep` ... exist. Built once per machine; later calls find the image and return at once.
import { readFileSync } from 'node:fs';
import { tar } from '../../src/agent/runtime/tar.js';
import type { ContainerRuntime } from '../../src/agent/runtime/types.js';

export const BUSYBOX = 'wharf-test/busybox:latest';

let building: Promise<void> | undefined;

export function ensureBusybox(runtime: ContainerRuntime): Promise<void> {
  building ??= (async () => {
    if (await runtime.imagePresent(BUSYBOX)) return;
    const dockerfile = 'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\n';
    await runtime.buildImage(
      BUSYBOX,
      tar([
        { path: 'Dockerfile', content: Buffer.from(dockerfile) },
        { path: 'busybox', content: readFileSync('/bin/busybox'), mode: 0o755 },
      ]),
    );
  })();
  return building;
}
