import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The Electron binary's path when it was downloaded, or null (offline installs skip the download). */
export function electronBinary(): string | null {
  const dir = resolve('node_modules/electron');
  const pathFile = resolve(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = resolve(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

export function electronAvailable(): boolean {
  return electronBinary() !== null;
}
