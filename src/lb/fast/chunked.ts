// Follows a chunked body as it streams past, without changing it, to tell where the message ends (so the target
// connection can go back to the pool). States: size line → data → CRLF → ... → last chunk → trailers → blank line.
export class ChunkTracker {
  private state: 'size' | 'data' | 'dataEnd' | 'trailer' = 'size';
  private line = '';
  private remaining = 0;
  done = false;
  bad = false;

  /** Feeds bytes; returns how many belong to this message (the rest, if any, is past its end). */
  feed(buf: Buffer, from = 0): number {
    let i = from;
    while (i < buf.length && !this.done && !this.bad) {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, buf.length - i);
        i += take;
        this.remaining -= take;
        if (this.remaining === 0) this.state = 'dataEnd';
        continue;
      }
      const c = buf[i++]!;
      if (c !== 10) {
        if (this.line.length > 1024) this.bad = true;
        this.line += String.fromCharCode(c);
        continue;
      }
      const line = this.line.replace(/\r$/, '');
      this.line = '';
      if (this.state === 'dataEnd') {
        if (line !== '') this.bad = true;
        this.state = 'size';
      } else if (this.state === 'size') {
        const size = parseInt(line.split(';')[0]!.trim(), 16);
        if (!Number.isFinite(size) || size < 0) this.bad = true;
        else if (size === 0) this.state = 'trailer';
        else {
          this.remaining = size;
          this.state = 'data';
        }
      } else if (line === '') this.done = true; // trailer section ends with a blank line
    }
    return i - from;
  }
}
