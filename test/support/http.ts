// A GET that answers the body, or undefined while nothing answers (for polls on an address that comes and goes).
export async function getText(url: string): Promise<string | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return await res.text();
  } catch {
    return undefined;
  }
}
