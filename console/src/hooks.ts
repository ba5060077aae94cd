import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

export interface Resource<T> {
  data?: T;
  error?: Error;
  loading: boolean;
  /** Fetches again; the data shown stays until the new data arrives. */
  reload: () => Promise<void>;
}

/** Data loaded when the component mounts and whenever `deps` change. */
export const useResource = <T>(load: () => Promise<T>, deps: readonly unknown[]): Resource<T> => {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const seq = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(async () => {
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true }));
    try {
      const data = await loadRef.current();
      if (mine === seq.current) setState({ data, loading: false });
    } catch (err) {
      if (mine === seq.current) setState((s) => ({ ...s, error: err as Error, loading: false }));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, deps);
  return { ...state, reload };
};

/** The hash route: #/invoices/INV-1 -> ['invoices', 'INV-1']. */
export const useRoute = (): string[] => {
  const parse = () =>
    location.hash
      .replace(/^#\/?/, '')
      .split('/')
      .filter(Boolean)
      .map((p) => decodeURIComponent(p));
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const on = () => setRoute(parse());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
};

export const href = (...parts: string[]): string => `#/${parts.map(encodeURIComponent).join('/')}`;
