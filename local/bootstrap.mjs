#!/usr/bin/env node
// The entry of `npm start` and `npm run demo`: plain JavaScript so it runs before anything is
// installed. It installs the dependencies when they are missing or stale, then hands over to
// the TypeScript entry point through tsx.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Sollecito needs Node.js 20.19 or newer (this is ${process.versions.node}): install a current Node.js LTS and run this again.`);
  process.exit(1);
}

const lock = join(root, 'package-lock.json');
const installed = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.log('Installing dependencies (npm ci)…');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('npm ci failed: check your network access to the npm registry, then run this again.');
    process.exit(r.status ?? 1);
  }
}

const [command, ...args] = process.argv.slice(2);
const entry = { start: 'local/start.ts', demo: 'local/demo.ts' }[command];
if (!entry) {
  console.error('usage: node local/bootstrap.mjs start|demo [options]');
  process.exit(2);
}
const child = spawn(process.execPath, ['--import', 'tsx', join(root, entry), ...args], {
  cwd: root,
  stdio: 'inherit',
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...process.env },
});
// Ctrl-C reaches the child through the terminal's process group; a signal sent to this process alone is passed on.
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
