import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** Starts the built server as `npm start` does and collects its output until it listens. */
async function launch(env: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), 'files-main-'));
  const child = spawn(process.execPath, [MAIN], {
    env: { PATH: process.env.PATH ?? '', FILES_PORT: '0', FILES_DATA_DIR: join(dir, 'data'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await Promise.race([
    (async () => {
      for (let i = 0; i < 100; i++) {
        const m = /"url":"(http:[^"]+)"/.exec(out);
        if (m) return m[1]!;
        await new Promise((r) => setTimeout(r, 50));
      }
      return undefined;
    })(),
    exited.then(() => undefined),
  ]);
  return { child, url, exited, output: () => out, errors: () => err, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

describe('files main', () => {
  it('generates a key when none is configured, prints it once, and stops cleanly on SIGTERM', async () => {
    const run = await launch({});
    try {
      expect(run.url).toBeDefined();
      const printed = run.output().match(/generated API key \(set FILES_API_KEY to keep one\): (\S+)/g) ?? [];
      expect(printed).toHaveLength(1);
      const key = printed[0]!.split(': ')[1]!;
      expect((await fetch(`${run.url}/list`, { headers: { Authorization: `Bearer ${key}` } })).status).toBe(200);
      expect((await fetch(`${run.url}/list`)).status).toBe(401);
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
      await run.cleanup();
    }
  });

  it('refuses to start when both FILES_API_KEY and FILES_API_KEY_FILE are set, saying why', async () => {
    const run = await launch({ FILES_API_KEY: 'a', FILES_API_KEY_FILE: '/etc/hostname' });
    try {
      expect(await run.exited).toBe(1);
      expect(run.errors()).toContain('Set FILES_API_KEY or FILES_API_KEY_FILE, not both.');
      expect(run.errors()).not.toMatch(/at .*\.js/);
    } finally {
      await run.cleanup();
    }
  });
});
