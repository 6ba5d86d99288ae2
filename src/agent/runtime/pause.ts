// The pause container's image. ECS ships a pause image with its agent; Wharf cannot pull one (no registry is
// reachable), so the agent builds it locally: FROM scratch with a 129-byte static ELF that loops on pause(2) forever.
// It owns an awsvpc task's network namespace and needs nothing else. It ignores SIGTERM (it is PID 1 with no
// handler), so it is stopped with a zero timeout.
import { tar } from './tar.js';

export const PAUSE_IMAGE = 'wharf/pause:1';

/** x86-64: `loop: mov eax, 34 (pause); syscall; jmp loop`, in the smallest valid ELF64 executable. */
function pauseElfX64(): Buffer {
  const code = Buffer.from([0xb8, 0x22, 0, 0, 0, 0x0f, 0x05, 0xeb, 0xf7]);
  const base = 0x400000;
  const ehsize = 64;
  const phsize = 56;
  const total = ehsize + phsize + code.length;
  const b = Buffer.alloc(total);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0); // ELF, 64-bit, little endian, version 1, SysV
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(0x3e, 18); // x86-64
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
  b.writeBigUInt64LE(0x1000n, p + 48);
  code.copy(b, ehsize + phsize);
  return b;
}

/** The build context of the pause image, or an error naming what is missing for this architecture. */
export function pauseBuildContext(arch: string): Buffer {
  if (arch !== 'amd64' && arch !== 'x86_64' && arch !== 'x64') {
    throw new Error(`the wharf agent has no pause binary for ${arch} yet; awsvpc tasks need one`);
  }
  const dockerfile = 'FROM scratch\nCOPY pause /pause\nENTRYPOINT ["/pause"]\n';
  return tar([
    { path: 'Dockerfile', content: Buffer.from(dockerfile) },
    { path: 'pause', content: pauseElfX64(), mode: 0o755 },
  ]);
}
