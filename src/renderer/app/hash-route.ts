import { useEffect, useState } from 'react';

/**
 * Hash routing (it works from file:// in Electron and on the web host alike): "#/<page>/<part>/<part>…".
 * One reading of the fragment for the page id and for the parts after it, and one way to write it.
 */
function fragmentParts(): string[] {
  return window.location.hash
    .replace(/^#\/?/, '')
    .split(/\?/)[0]
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
}

function useFragment<T>(read: () => T): T {
  const [value, setValue] = useState(read);
  useEffect(() => {
    const onChange = () => setValue(() => read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, [read]);
  return value;
}

const pageId = (): string => fragmentParts()[0] ?? '';
const subPath = (): string[] => fragmentParts().slice(1);

/** The page id: "#/replication" gives "replication". */
export function useRoute(): string {
  return useFragment(pageId);
}

/** The parts after the page id: "#/executions/ex-…" gives ["ex-…"]. */
export function useSubPath(): string[] {
  return useFragment(subPath);
}

export function hrefOf(page: string, ...parts: string[]): string {
  return `#/${[page, ...parts.map(encodeURIComponent)].join('/')}`;
}

export function navigate(page: string, ...parts: string[]): void {
  window.location.hash = hrefOf(page, ...parts);
}
