/**
 * Terminal latency and load: `run_command echo hi` with wait beside a bare child_process spawn of
 * the same command (the floor); list_files and run_command with 500 silent background processes
 * running (Open Terminal stalls for seconds at 6); 200 concurrent run_command calls.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { startServerProcess } from './server-process.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'node:http';

const KEY = 'bench-key-0123456789';
const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function call(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(`${url}${path}`, { method, agent, headers: { Authorization: `Bearer ${KEY}`, ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}) } });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || 'null') }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

function stats(times: number[]) {
  const s = [...times].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
  return { p50: at(50), p99: at(99) };
}

async function timeEach(n: number, fn: () => Promise<void>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < 10; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return stats(times);
}

function spawnEcho(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/bash', ['-c', 'echo hi'], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.stdout.resume();
    child.on('close', () => resolve());
    child.on('error', reject);
  });
}

export async function terminalBench(options: { n?: number; background?: number; concurrent?: number } = {}): Promise<void> {
  const n = options.n ?? 300;
  const background = options.background ?? 500;
  const concurrent = options.concurrent ?? 200;
  const dir = await mkdtemp(join(tmpdir(), 'terminal-bench-'));
  let server: { child: ChildProcess; url: string } | undefined;
  try {
    server = await startServerProcess('servers/terminal/dist/main.js', 'OPEN_TERMINAL_PORT', { OPEN_TERMINAL_API_KEY: KEY, OPEN_TERMINAL_DATA_DIR: dir });
    const { url } = server;
    const f = (v: number) => `${v.toFixed(2)} ms`;
    const floor = await timeEach(n, spawnEcho);
    const echo = await timeEach(n, async () => {
      const r = await call(url, 'POST', '/execute?wait=10', { command: 'echo hi' });
      if (r.json.status !== 'done') throw new Error('echo did not finish');
    });
    console.log(`terminal: run_command "echo hi" p50 ${f(echo.p50)} p99 ${f(echo.p99)} | bare spawn (floor) p50 ${f(floor.p50)} p99 ${f(floor.p99)} | ${(echo.p50 / floor.p50).toFixed(2)}x the floor (targets: p50 < 3 ms and < 2x)`);

    const ids: string[] = [];
    for (let i = 0; i < background; i++) {
      const r = await call(url, 'POST', '/execute', { command: 'sleep 600' });
      if (r.status !== 200) throw new Error(`background start ${i}: ${r.status} ${JSON.stringify(r.json)}`);
      ids.push(r.json.id);
    }
    const list = await timeEach(100, async () => {
      if ((await call(url, 'GET', '/files/list?directory=/tmp')).status !== 200) throw new Error('list_files failed');
    });
    const busyEcho = await timeEach(100, async () => {
      if ((await call(url, 'POST', '/execute?wait=10', { command: 'echo hi' })).json.status !== 'done') throw new Error('echo failed');
    });
    console.log(`terminal: with ${background} silent background processes: list_files p50 ${f(list.p50)} p99 ${f(list.p99)}; run_command p50 ${f(busyEcho.p50)} p99 ${f(busyEcho.p99)} (target p99 < 50 ms)`);
    for (const id of ids) await call(url, 'DELETE', `/execute/${id}?force=true`, {});

    const t = performance.now();
    const results = await Promise.all(Array.from({ length: concurrent }, () => call(url, 'POST', '/execute?wait=60', { command: 'echo hi' })));
    const ok = results.filter((r) => r.json?.status === 'done' && r.json.exit_code === 0).length;
    console.log(`terminal: ${concurrent} concurrent run_command: ${ok}/${concurrent} succeeded in ${(performance.now() - t).toFixed(0)} ms`);
  } finally {
    server?.child.kill('SIGTERM');
    await sleep(500);
    agent.destroy();
    await rm(dir, { recursive: true, force: true });
  }
}
