// A minimal ustar writer: enough to hand the engine a build context held in memory (the pause image, test images)
// without a tar dependency or files on disk.
export interface TarEntry {
  path: string;
  content: Buffer;
  mode?: number;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function header(entry: TarEntry): Buffer {
  const h = Buffer.alloc(512);
  h.write(entry.path, 0, 100, 'utf8');
  h.write(octal(entry.mode ?? 0o644, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(entry.content.length, 12), 124);
  h.write(octal(0, 12), 136);
  h.write('        ', 148); // checksum placeholder: eight spaces
  h.write('0', 156);
  h.write('ustar\0' + '00', 257);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148);
  return h;
}

export function tar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e), e.content);
    const pad = (512 - (e.content.length % 512)) % 512;
    parts.push(Buffer.alloc(pad));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
