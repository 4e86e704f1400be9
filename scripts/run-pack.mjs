#!/usr/bin/env node
// Runs every server of the pack locally (no Docker): one child process each, keys generated once
// and kept in .pack/keys.env (mode 600), data in .pack/data. Prints each URL and key, and how to add
// them to Open WebUI. Ctrl-C stops them all gracefully.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const top = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const packDir = resolve(process.env.PACK_DIR ?? join(top, '.pack'));
const host = process.env.PACK_HOST ?? '127.0.0.1';
const publicHost = process.env.PACK_PUBLIC_HOST ?? (host === '0.0.0.0' ? 'localhost' : host);

/** The servers built so far; a new server adds one line. */
const SERVERS = [
  { name: 'terminal', prefix: 'OPEN_TERMINAL', port: 8000, main: 'servers/terminal/dist/main.js', where: 'Admin Panel -> Settings -> Integrations -> Open Terminal' },
  { name: 'files', prefix: 'FILES', port: 8002, main: 'servers/files/dist/main.js', where: 'Admin Panel -> Settings -> Tools -> "+"' },
  { name: 'jupyter', prefix: 'JUPYTER', port: 8003, main: 'servers/jupyter/dist/main.js', where: 'Admin Panel -> Settings -> Tools -> "+"' },
];

function loadKeys(file) {
  const keys = {};
  if (existsSync(file)) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
      if (m) keys[m[1]] = m[2];
    }
  }
  let changed = false;
  const need = (name) => {
    if (!keys[name]) {
      keys[name] = randomBytes(32).toString('base64url');
      changed = true;
    }
  };
  for (const s of SERVERS) need(`${s.prefix}_API_KEY`);
  need('TOOLPACK_LINK_SECRET');
  if (changed) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, Object.entries(keys).map(([k, v]) => `${k}=${v}`).join('\n') + '\n', { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return keys;
}

const keys = loadKeys(join(packDir, 'keys.env'));
const children = [];
let stopping = false;

function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 12_000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.once('exit', r))))).then(() => process.exit(code));
}
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));

for (const s of SERVERS) {
  const port = Number(process.env[`${s.prefix}_PORT`] ?? s.port);
  const env = {
    ...process.env,
    [`${s.prefix}_API_KEY`]: process.env[`${s.prefix}_API_KEY`] ?? keys[`${s.prefix}_API_KEY`],
    [`${s.prefix}_PORT`]: String(port),
    [`${s.prefix}_HOST`]: host,
    [`${s.prefix}_DATA_DIR`]: process.env[`${s.prefix}_DATA_DIR`] ?? join(packDir, 'data'),
    [`${s.prefix}_PUBLIC_URL`]: process.env[`${s.prefix}_PUBLIC_URL`] ?? `http://${publicHost}:${port}`,
    TOOLPACK_LINK_SECRET: process.env.TOOLPACK_LINK_SECRET ?? keys.TOOLPACK_LINK_SECRET,
  };
  const child = spawn(process.execPath, [join(top, s.main)], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  child.on('exit', (code) => {
    if (!stopping) {
      console.error(`pack: ${s.name} stopped (exit ${code}); stopping the others.`);
      stopAll(1);
    }
  });
  children.push(child);
  s.url = `http://${publicHost}:${port}`;
  s.key = env[`${s.prefix}_API_KEY`];
}

async function healthy(url) {
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) return true;
    } catch {}
    await sleep(100);
  }
  return false;
}

// The Jupyter bridge starts its own Jupyter first: allow it some seconds.
const ready = await Promise.all(SERVERS.map((s) => healthy(s.url)));
const lines = ['', 'Open WebUI tool pack is running:', ''];
SERVERS.forEach((s, i) => {
  lines.push(`  ${s.name.padEnd(8)} ${s.url}  ${ready[i] ? 'ready' : 'NOT READY'}`);
  lines.push(`           API key: ${s.key}`);
  lines.push(`           spec:    ${s.url}/openapi.json   docs: ${s.url}/docs`);
  lines.push(`           add in Open WebUI: ${s.where}`);
});
lines.push(
  '',
  'In Open WebUI: URL = the address above (as Open WebUI can reach it), OpenAPI spec path =',
  '  openapi.json, Auth = Bearer, key = the API key above. For per-user files and kernels, turn on',
  '  ENABLE_FORWARD_USER_INFO_HEADERS in Open WebUI (and set FORWARD_USER_INFO_HEADER_JWT_SECRET here',
  '  and there to have identities signed).',
  `The terminal runs commands as ${userInfo().username} on this machine (single-user mode); set`,
  '  OPEN_TERMINAL_MULTI_USER=true to sandbox each Open WebUI user (needs bubblewrap).',
  `Keys are kept in ${join(packDir, 'keys.env')}; data in ${join(packDir, 'data')}. Ctrl-C stops the pack.`,
  '',
);
console.log(lines.join('\n'));
