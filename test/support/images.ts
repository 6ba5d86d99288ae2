// Test images built locally (no registry is reachable): FROM scratch with Debian's static busybox, so `sh`, `httpd`,
// `nc`, `sleep` ... exist. Built once per machine; later calls find the image and return at once.
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
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

export const DNSMASQ = 'wharf-test/dnsmasq:latest';
let buildingDnsmasq: Promise<void> | undefined;

/**
 * A UDP server for tests (busybox has none): Debian's dnsmasq (the DNS benchmark's peer, installed by
 * scripts/system-deps.sh) with the shared libraries `ldd` names, FROM scratch beside busybox. Run it as
 * `/usr/sbin/dnsmasq --no-daemon -C /dev/null -u root -g root --port=N --no-resolv --no-hosts --address=/NAME/ADDRESS`.
 */
export function ensureDnsmasq(runtime: ContainerRuntime): Promise<void> {
  buildingDnsmasq ??= buildProgramImage(runtime, DNSMASQ, '/usr/sbin/dnsmasq');
  return buildingDnsmasq;
}

export const NODE_SDK = 'wharf-test/node-sdk:latest';
let buildingNodeSdk: Promise<void> | undefined;

/**
 * An application using the AWS SDK as users write it: this machine's Node.js and `/app/ecs.cjs`, a bundle (esbuild) of
 * test/support/sdkApp.ts with @aws-sdk/client-ecs. It takes its credentials and endpoint from the environment alone.
 */
export function ensureNodeSdk(runtime: ContainerRuntime): Promise<void> {
  buildingNodeSdk ??= (async () => {
    if (await runtime.imagePresent(NODE_SDK)) return;
    const { buildSync } = await import('esbuild');
    const out = buildSync({ entryPoints: [join(import.meta.dirname, 'sdkApp.ts')], bundle: true, platform: 'node', format: 'cjs', write: false, logLevel: 'silent' });
    await buildProgramImage(runtime, NODE_SDK, realpathSync(process.execPath), [
      { path: 'rootfs/app/ecs.cjs', content: Buffer.from(out.outputFiles[0]!.contents) },
    ]);
  })();
  return buildingNodeSdk;
}

/** FROM scratch: `program` with the shared libraries `ldd` names, busybox, root's passwd entry, and `extra` files. */
async function buildProgramImage(runtime: ContainerRuntime, tag: string, program: string, extra: { path: string; content: Buffer }[] = []): Promise<void> {
  if (await runtime.imagePresent(tag)) return;
  const libs = execFileSync('ldd', [program], { encoding: 'utf8' }).split('\n').flatMap((l) => /(\/\S+) \(0x/.exec(l)?.[1] ?? []);
  const file = (path: string) => ({ path: `rootfs${path}`, content: readFileSync(path), mode: 0o755 });
  await runtime.buildImage(
    tag,
    tar([
      { path: 'Dockerfile', content: Buffer.from('FROM scratch\nCOPY rootfs/ /\n') },
      file(program),
      ...libs.map(file),
      { path: 'rootfs/bin/busybox', content: readFileSync('/bin/busybox'), mode: 0o755 },
      { path: 'rootfs/etc/passwd', content: Buffer.from('root:x:0:0:root:/root:/bin/sh\n') },
      { path: 'rootfs/etc/group', content: Buffer.from('root:x:0:\n') },
      ...extra,
    ]),
  );
}
