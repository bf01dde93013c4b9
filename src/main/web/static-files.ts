import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export const BUILD_MISSING_MESSAGE = 'The renderer is not built: run "npm run build" (electron-vite build writes out/renderer), then start "drdesk web" again.';

/** Where the built renderer is: DRDESK_RENDERER_DIR, else out/renderer of this checkout or of the bundle. */
export function findRendererDir(): string | null {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [process.env.DRDESK_RENDERER_DIR, resolve(here, '../../../out/renderer'), resolve(here, '../renderer'), resolve(process.cwd(), 'out/renderer')];
  for (const c of candidates) if (c && existsSync(join(c, 'index.html'))) return c;
  return null;
}

export interface StaticFile {
  body: Buffer;
  type: string;
}

/**
 * Reads a file of the renderer build for a URL path, never outside `root`. Paths without an extension get
 * index.html (the app routes on the client); a missing asset is null (404).
 */
export async function readStatic(root: string, urlPath: string): Promise<StaticFile | null> {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  if (rel === '/' || extname(rel) === '') rel = '/index.html';
  const file = normalize(join(root, rel));
  if (file !== root && !file.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  try {
    const s = await stat(file);
    if (!s.isFile()) return null;
    return { body: await readFile(file), type: TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
}
