// The pause container's image. ECS ships a pause image with its agent; Wharf cannot pull one (no registry is
// reachable), so the agent builds it locally: FROM scratch with a static ELF of 129 bytes (x86-64) or 148 (arm64) that
// blocks until a signal, forever.
// It owns an awsvpc task's network namespace and needs nothing else. It ignores SIGTERM (it is PID 1 with no
// handler), so it is stopped with a zero timeout.
import { tar } from './tar.js';

export const PAUSE_IMAGE = 'wharf/pause:1';

/** The smallest valid static ELF64 executable: one loadable segment holding `code`, which starts at once. */
function tinyElf(machine: number, code: Buffer, align: number): Buffer {
  const base = 0x400000;
  const ehsize = 64;
  const phsize = 56;
  const total = ehsize + phsize + code.length;
  const b = Buffer.alloc(total);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0); // ELF, 64-bit, little endian, version 1, SysV
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(machine, 18);
  b.writeUInt32LE(1, 20);
  b.writeBigUInt64LE(BigInt(base + ehsize + phsize), 24); // entry
  b.writeBigUInt64LE(BigInt(ehsize), 32); // phoff
  b.writeUInt16LE(ehsize, 52);
  b.writeUInt16LE(phsize, 54);
  b.writeUInt16LE(1, 56); // phnum
  const p = ehsize;
  b.writeUInt32LE(1, p); // PT_LOAD
  b.writeUInt32LE(5, p + 4); // R+X
  b.writeBigUInt64LE(0n, p + 8);
  b.writeBigUInt64LE(BigInt(base), p + 16);
  b.writeBigUInt64LE(BigInt(base), p + 24);
  b.writeBigUInt64LE(BigInt(total), p + 32);
  b.writeBigUInt64LE(BigInt(total), p + 40);
  b.writeBigUInt64LE(BigInt(align), p + 48);
  code.copy(b, ehsize + phsize);
  return b;
}

const words = (ws: number[]) => {
  const b = Buffer.alloc(ws.length * 4);
  ws.forEach((w, i) => b.writeUInt32LE(w, i * 4));
  return b;
};

/** The pause binary for a Docker architecture name, or undefined when Wharf has none for it. */
export function pauseBinary(arch: string): Buffer | undefined {
  switch (arch) {
    case 'amd64':
    case 'x86_64':
    case 'x64':
      // loop: mov eax, 34 (pause); syscall; jmp loop
      return tinyElf(0x3e, Buffer.from([0xb8, 0x22, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xf7]), 0x1000);
    case 'arm64':
    case 'aarch64':
      // arm64 has no pause(2): loop: ppoll(NULL, 0, NULL, NULL) (x8 = 73; svc #0) blocks until a signal; b loop.
      // 64 KiB alignment so that kernels with 64 KiB pages load it too.
      return tinyElf(0xb7, words([0xd2800000, 0xd2800001, 0xd2800002, 0xd2800003, 0xd2800928, 0xd4000001, 0x17fffffa]), 0x10000);
    default:
      return undefined;
  }
}

/** The build context of the pause image, or an error naming what is missing for this architecture. */
export function pauseBuildContext(arch: string): Buffer {
  const binary = pauseBinary(arch);
  if (!binary) throw new Error(`the wharf agent has no pause binary for ${arch} yet; awsvpc tasks need one`);
  const dockerfile = 'FROM scratch\nCOPY pause /pause\nENTRYPOINT ["/pause"]\n';
  return tar([
    { path: 'Dockerfile', content: Buffer.from(dockerfile) },
    { path: 'pause', content: binary, mode: 0o755 },
  ]);
}
