// Live pages: load now, then again every few seconds while the page is open; failures back off (doubling up to 30 s)
// and hidden tabs poll slowly. The last good data stays on screen beside the error, so a failure never blanks a page.
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Poll<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  refresh: () => void;
}

export function usePoll<T>(load: () => Promise<T>, deps: readonly unknown[], intervalMs = 3000): Poll<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const key = JSON.stringify(deps);
  const lastKey = useRef(key);
  // The last answer as text: an unchanged answer is not set again, so a page of 1,000 rows is not re-rendered (and
  // the user's clicks not delayed) every few seconds for nothing.
  const lastText = useRef<string | undefined>(undefined);

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
    setLoading(true);
    void run();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [key, tick, intervalMs]);

  const refresh = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, refresh };
}
