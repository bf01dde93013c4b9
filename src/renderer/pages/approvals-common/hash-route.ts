import { useEffect, useState } from 'react';

/** The part of the fragment after the page id: "#/requests/req_…" gives "req_…". */
function currentSub(): string | null {
  const parts = window.location.hash.replace(/^#\/?/, '').split('/');
  return parts[1] ? decodeURIComponent(parts[1]) : null;
}

export function useSubRoute(): string | null {
  const [sub, setSub] = useState(currentSub);
  useEffect(() => {
    const onChange = () => setSub(currentSub());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return sub;
}

export function pageHref(pageId: string, sub?: string | null): string {
  return sub ? `#/${pageId}/${encodeURIComponent(sub)}` : `#/${pageId}`;
}

export function goTo(pageId: string, sub?: string | null): void {
  window.location.hash = pageHref(pageId, sub);
}
