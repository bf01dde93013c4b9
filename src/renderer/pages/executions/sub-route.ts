import { useEffect, useState } from 'react';

function currentParts(): string[] {
  return window.location.hash
    .replace(/^#\/?/, '')
    .split('/')
    .slice(1)
    .filter(Boolean)
    .map((p) => decodeURIComponent(p));
}

/** The fragment's parts after the page id: "#/executions/ex-…" gives ["ex-…"]. */
export function useSubPath(): string[] {
  const [parts, setParts] = useState(currentParts);
  useEffect(() => {
    const onChange = () => setParts(currentParts());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return parts;
}

export function hrefOf(pageId: string, ...parts: string[]): string {
  return `#/${[pageId, ...parts.map(encodeURIComponent)].join('/')}`;
}

export function navigate(pageId: string, ...parts: string[]): void {
  window.location.hash = hrefOf(pageId, ...parts);
}
