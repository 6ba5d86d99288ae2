// Live pages: load now, then again every few seconds while the page is open; failures back off (doubling up to 30 s)
// and hidden tabs poll slowly. The last good data stays on screen beside the error, so a failure never blanks a page.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Poll<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  refresh: () => void;
}

/** `initial`, when given, is an answer already in hand (the cluster list loaded as the page arrived): shown in the
 * first render, and the next load waits the interval rather than starting at once. */
export function usePoll<T>(load: () => Promise<T>, deps: readonly unknown[], intervalMs = 3000, initial?: T): Poll<T> {
  const [data, setData] = useState<T | undefined>(initial);
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(initial === undefined);
  const pending = useRef(initial !== undefined);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const key = JSON.stringify(deps);
  const lastKey = useRef(key);
  // The last answer as text: an unchanged answer is not set again, so a page of 1,000 rows is not re-rendered (and
  // the user's clicks not delayed) every few seconds for nothing.
  const lastText = useRef<string | undefined>(initial === undefined ? undefined : JSON.stringify(initial));

  useEffect(() => {
    if (lastKey.current !== key) {
      lastKey.current = key;
      lastText.current = undefined;
      setData(undefined);
    }
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let delay = intervalMs;
    const run = async () => {
      try {
        const v = await loadRef.current();
        if (cancelled) return;
        const text = JSON.stringify(v);
        if (text !== lastText.current) {
          lastText.current = text;
          setData(v);
        }
        setError(undefined);
        delay = intervalMs;
      } catch (err) {
        if (cancelled) return;
        setError(err as Error);
        delay = Math.min(delay * 2, 30_000);
      }
      if (cancelled) return;
      setLoading(false);
      timer = setTimeout(run, document.hidden ? Math.max(delay, 15_000) : delay);
    };
    if (pending.current) {
      pending.current = false;
      timer = setTimeout(run, intervalMs);
    } else {
      setLoading(true);
      void run();
    }
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [key, tick, intervalMs]);

  const refresh = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, refresh };
}
