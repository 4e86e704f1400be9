import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

describe('jupyter main (embedded default)', () => {
  it('starts and owns a Jupyter when none is configured, keeps secrets from kernels, restarts it when it dies, and stops it on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'jupyter-main-'));
    const secrets = { JUPYTER_API_KEY: 'main-test-key-0123456789', TOOLPACK_LINK_SECRET: 'link-secret-0123456789abc', FORWARD_USER_INFO_HEADER_JWT_SECRET: 'jwt-secret-0123456789' };
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', JUPYTER_PORT: '0', JUPYTER_DATA_DIR: dir, ...secrets },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      let url: string | undefined;
      for (let i = 0; i < 300 && !url; i++) {
        url = /"url":"(http:[^"]+)".*jupyter bridge listening/.exec(out)?.[1];
        await sleep(50);
      }
      expect(url).toBeDefined();
      const health = (await (await fetch(`${url}/health`)).json()) as { dependencies: unknown };
      expect(health.dependencies).toEqual({ jupyter: 'up' });
      const jupyterUrl = /"jupyter":"(http:[^"]+)"/.exec(out)![1]!;
      expect(new URL(jupyterUrl).hostname).toBe('127.0.0.1');

      const r = await fetch(`${url}/execute`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${secrets.JUPYTER_API_KEY}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ code: 'import os\nsorted(k for k in os.environ if "SECRET" in k or "KEY" in k or "TOKEN" in k)' }),
      });
      const body = (await r.json()) as { status: string; result: string };
      expect(body.status).toBe('success');
      expect(body.result).toBe('[]');
      expect(JSON.stringify(body)).not.toContain(secrets.JUPYTER_API_KEY);

      // Jupyter dies under the bridge: the bridge starts it again by itself and recovers.
      const jupyterPort = new URL(jupyterUrl).port;
      spawnSync('pkill', ['-KILL', '-f', `ServerApp.port=${jupyterPort}`]);
      let recovered: { status?: string; notes?: string[] } = {};
      for (let i = 0; i < 200 && recovered.status !== 'success'; i++) {
        await sleep(100);
        const again = await fetch(`${url}/execute`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${secrets.JUPYTER_API_KEY}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ code: '40 + 2' }),
        });
        recovered = (await again.json()) as typeof recovered;
      }
      expect(recovered).toMatchObject({ status: 'success', result: '42' });
      expect(recovered.notes?.[0]).toMatch(/earlier Python session of this chat was gone/);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await expect(fetch(`${jupyterUrl}/api/status`)).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
