import { useEffect, useState } from 'react';

function currentId(): string {
  return window.location.hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
}

/** The page id from the URL fragment (#/replication); hash routing works from file:// and the web host alike. */
export function useRoute(): string {
  const [id, setId] = useState(currentId);
  useEffect(() => {
    const onChange = () => setId(currentId());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return id;
}
