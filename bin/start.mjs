#!/usr/bin/env node
// `npm start`: the desktop app when the Electron binary is installed; otherwise (an offline install, where the
// binary could not be downloaded) the web host, in the browser. Extra arguments go to the app:
// `npm start -- --topology FILE`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const INSTALL_TIMEOUT_MS = 20_000;

function electronBinary() {
  const dir = join(root, 'node_modules/electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const bin = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(bin) ? bin : null;
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Built and not older than the sources. */
function built(outputs) {
  const paths = outputs.map((o) => join(root, o));
  if (!paths.every((p) => existsSync(p))) return false;
  const src = newestMtime(join(root, 'src'));
  return paths.every((p) => statSync(p).mtimeMs >= src);
}

function build() {
  console.log('Building DR Desk (electron-vite build)…');
  const r = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('The build failed; see the messages above.');
    process.exit(r.status ?? 1);
  }
}

function forwardSignals(child) {
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

let electron = electronBinary();
if (!electron && existsSync(join(root, 'node_modules/electron/install.js'))) {
  // One try: it downloads where GitHub is reachable, and fails fast where it is not.
  const env = { ...process.env };
  delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  spawnSync(process.execPath, [join(root, 'node_modules/electron/install.js')], { cwd: join(root, 'node_modules/electron'), env, stdio: 'ignore', timeout: INSTALL_TIMEOUT_MS });
  electron = electronBinary();
}

if (electron) {
  if (!built(['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html'])) build();
  forwardSignals(spawn(electron, [join(root, 'out/main/index.js'), ...args], { cwd: root, stdio: 'inherit' }));
} else {
  console.log('The Electron binary is not installed (offline install): starting the DR Desk web host instead.');
  if (!existsSync(join(root, 'out/renderer/index.html'))) build();
  const child = spawn(process.execPath, [join(root, 'bin/drdesk.mjs'), 'web', ...args], { cwd: root, stdio: ['inherit', 'pipe', 'inherit'] });
  forwardSignals(child);
  // The host's first stdout line is JSON for scripts; it prints the URL for people on stderr itself.
  let first = true;
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (first && line.startsWith('{"url"')) {
      first = false;
      // The JSON line is for scripts, but the sandbox's control URL in it is what a newcomer needs next.
      try {
        const info = JSON.parse(line);
        if (info.sandbox?.control)
          console.log(`Sandbox control: ${info.sandbox.control} — faults: curl -X POST ${info.sandbox.control}/fault -H 'content-type: application/json' -d '{"action":"kill","target":"dc-1"}'`);
        if (info.sandbox?.topologyFile) console.log(`Sandbox topology file: ${info.sandbox.topologyFile}`);
      } catch {
        // Not the host's JSON after all: nothing to add.
      }
      return;
    }
    first = false;
    console.log(line);
  });
}
