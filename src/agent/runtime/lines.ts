// Splits a byte stream into lines, keeping a partial last line until more arrives: Docker's event and log streams
// hand over chunks that do not respect line boundaries.
export function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer | string): void; end(): void } {
  let rest = '';
  return {
    push(chunk) {
      rest += chunk.toString();
      let nl: number;
      while ((nl = rest.indexOf('\n')) >= 0) {
        const line = rest.slice(0, nl);
        rest = rest.slice(nl + 1);
        onLine(line);
      }
    },
    end() {
      if (rest.length > 0) onLine(rest);
      rest = '';
    },
  };
}
