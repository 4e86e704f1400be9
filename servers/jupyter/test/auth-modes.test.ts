import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@toolpack/shared';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createBridgeDeps } from '../src/bridge.js';
import { readJupyterConfig } from '../src/config.js';
import { jupyterSettings } from '../src/jupyter/connection.js';
import { JUPYTER_CONFIG_PATH } from '../src/jupyter/embedded.js';

let dir: string;
let jupyter: ChildProcess;
let url: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jupyter-pw-'));
  const hash = spawnSync('/usr/bin/python3', ['-c', "from jupyter_server.auth import passwd; print(passwd('correct horse'))"]).stdout.toString().trim();
  const port = 21000 + Math.floor(Math.random() * 20000);
  url = `http://127.0.0.1:${port}`;
  jupyter = spawn('jupyter-server', ['--no-browser', '--allow-root', `--ServerApp.port=${port}`, '--ServerApp.ip=127.0.0.1', "--ServerApp.token=", `--ServerApp.password=${hash}`, `--ServerApp.root_dir=${dir}`, `--config=${JUPYTER_CONFIG_PATH}`], { stdio: 'ignore' });
  for (let i = 0; i < 200; i++) {
    if ((await fetch(`${url}/login`).catch(() => undefined))?.ok) break;
    await sleep(50);
  }
});
afterAll(async () => {
  jupyter.kill();
  await rm(dir, { recursive: true, force: true });
});

describe('a password-protected Jupyter (real jupyter-server, password auth)', () => {
  it('is used after logging in with the password', async () => {
    expect((await fetch(`${url}/api/kernels`)).status).toBe(403);
    const config = readJupyterConfig({ JUPYTER_DATA_DIR: dir, JUPYTER_API_KEY: 'k-0123456789', JUPYTER_URL: url, JUPYTER_PASSWORD: 'correct horse' });
    const deps = createBridgeDeps(config, await jupyterSettings({ url, password: 'correct horse' }), createLogger({ name: 'j', level: 'silent' }));
    try {
      const r = await request(createApp(deps)).post('/execute').set('Authorization', 'Bearer k-0123456789').send({ code: 'n = 21\nn * 2' });
      expect(r.body).toMatchObject({ status: 'success', result: '42' });
      expect((await request(createApp(deps)).get('/health')).body.dependencies).toEqual({ jupyter: 'up' });
    } finally {
      await deps.pool.dispose();
    }
  });

  it('fails clearly with a wrong password', async () => {
    await expect(jupyterSettings({ url, password: 'wrong' })).rejects.toThrow('Jupyter refused the password');
  });

  it('refuses both a token and a password in the configuration', () => {
    expect(() => readJupyterConfig({ JUPYTER_TOKEN: 'a', JUPYTER_PASSWORD: 'b' })).toThrow('Set JUPYTER_TOKEN or JUPYTER_PASSWORD, not both.');
  });
});
