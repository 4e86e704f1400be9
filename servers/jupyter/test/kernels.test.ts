import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filesFixture } from '../../../test/helpers/files-fixture.js';
import { jupyterFixture, type JupyterFixture } from '../../../test/helpers/jupyter-fixture.js';

let j: JupyterFixture;
afterEach(() => j.cleanup());

const run = (code: string, headers: Record<string, string>, extra: Record<string, unknown> = {}) =>
  request(j.app).post('/execute').set(headers).send({ code, ...extra });

describe('kernels per user and chat', () => {
  beforeEach(async () => {
    j = await jupyterFixture({ JUPYTER_MAX_KERNELS_PER_USER: '2' });
  });

  it("lists only the caller's kernels; another user's kernel id cannot be restarted or shut down", async () => {
    const first = await run('a = 1', j.as('alice', 'c1'));
    await run('a = 2', j.as('alice', 'c2'));
    const alice = await request(j.app).get('/kernels').set(j.as('alice'));
    expect(alice.body.kernels.map((k: { chat_id: string }) => k.chat_id).sort()).toEqual(['c1', 'c2']);
    expect((await request(j.app).get('/kernels').set(j.as('bob'))).body.kernels).toEqual([]);

    const stolenRestart = await request(j.app).post('/kernels/restart').set(j.as('bob')).send({ kernel_id: first.body.kernel_id });
    expect(stolenRestart.status).toBe(404);
    const stolenStop = await request(j.app).post('/kernels/shutdown').set(j.as('bob')).send({ kernel_id: first.body.kernel_id });
    expect(stolenStop.status).toBe(404);
    expect((await run('a', j.as('alice', 'c1'))).body.result).toBe('1');
  });

  it('restart clears the state; shutdown frees the slot; the limit per user is clear', async () => {
    await run('v = 10', j.as('alice', 'c1'));
    await run('v = 20', j.as('alice', 'c2'));
    const third = await run('v = 30', j.as('alice', 'c3'));
    expect(third.status).toBe(429);
    expect(third.body.detail).toMatch(/already have 2 Python kernels/);

    const restarted = await request(j.app).post('/kernels/restart').set(j.as('alice', 'c1')).send({});
    expect(restarted.body).toMatchObject({ chat_id: 'c1', state: 'idle' });
    expect((await run('v', j.as('alice', 'c1'))).body.error.ename).toBe('NameError');

    const stopped = await request(j.app).post('/kernels/shutdown').set(j.as('alice', 'c2')).send({});
    expect(stopped.body.status).toBe('shut down');
    expect((await run('v = 30', j.as('alice', 'c3'))).body.status).toBe('success');
    expect((await request(j.app).post('/kernels/shutdown').set(j.as('alice', 'c2')).send({})).status).toBe(404);
  });

  it('stops kernels that stayed idle, and starts a fresh one on the next call', async () => {
    await run('kept = 1', j.as('alice', 'c1'));
    expect(await j.deps.pool.cullIdle(Date.now() + j.config.idleMinutes * 60_000)).toBe(1);
    expect((await request(j.app).get('/kernels').set(j.as('alice'))).body.kernels).toEqual([]);
    expect((await run('kept', j.as('alice', 'c1'))).body.error.ename).toBe('NameError');
  });

  it('can scope kernels per user instead of per chat', async () => {
    await j.cleanup();
    j = await jupyterFixture({ JUPYTER_KERNEL_SCOPE: 'user' });
    await run('shared_across_chats = 7', j.as('alice', 'c1'));
    expect((await run('shared_across_chats', j.as('alice', 'c2'))).body.result).toBe('7');
  });
});

describe('time limits and dying kernels', () => {
  beforeEach(async () => {
    j = await jupyterFixture();
  });

  it('interrupts code past its time limit and keeps the state', async () => {
    await run('before = "still here"', j.as('alice'));
    const r = await run('import time\nwhile True:\n    time.sleep(0.1)', j.as('alice'), { timeout: 1 });
    expect(r.body.status).toBe('error');
    expect(r.body.error.ename).toBe('TimeoutError');
    expect(r.body.error.evalue).toMatch(/interrupted and keeps its variables/);
    expect(r.body.error.traceback).toContain('KeyboardInterrupt');
    expect((await run('before', j.as('alice'))).body.result).toBe("'still here'");
  });

  it('restarts a kernel that ignores the interrupt, says so, and works again', async () => {
    await run('before = 1', j.as('alice'));
    const r = await run('import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass', j.as('alice'), { timeout: 1 });
    expect(r.body.error.ename).toBe('TimeoutError');
    expect(r.body.error.evalue).toMatch(/kernel was restarted: variables and imports are lost/);
    const after = await run('import os\nos.getcwd()', j.as('alice'));
    expect(after.body.status).toBe('success');
    // The restarted kernel is set up again: it still works in the user's workspace.
    expect(after.body.result).toContain('users/alice');
    expect((await run('before', j.as('alice'))).body.error.ename).toBe('NameError');
  });

  it('reports a kernel killed from inside, then gives a fresh kernel', async () => {
    await run('before = 1', j.as('alice'));
    const died = await run('import os\nos._exit(1)', j.as('alice'));
    expect(died.status).toBe(200);
    expect(died.body.status).toBe('error');
    expect(died.body.error.ename).toBe('KernelDied');
    const next = await run('1 + 1', j.as('alice'));
    expect(next.body).toMatchObject({ status: 'success', result: '2' });
    expect(next.body.kernel_id).not.toBe(died.body.kernel_id);
    expect((await request(j.app).get('/health')).body.dependencies).toEqual({ jupyter: 'up' });
  });
});

describe('Jupyter going away', () => {
  beforeEach(async () => {
    j = await jupyterFixture();
  });

  it('answers 503 while Jupyter is down and recovers when it is back, without restarting the bridge', async () => {
    await run('x = 1', j.as('alice'));
    await j.stopJupyter();
    const down = await run('x', j.as('alice'));
    expect(down.status).toBe(503);
    expect(down.body.detail).toMatch(/Jupyter is not reachable right now/);
    const health = await request(j.app).get('/health');
    expect(health.status).toBe(503);
    expect(health.body.dependencies).toEqual({ jupyter: 'down' });

    await j.restartJupyter();
    const back = await run('x', j.as('alice'));
    expect(back.status).toBe(200);
    expect(back.body.error.ename).toBe('NameError');
    expect(back.body.notes[0]).toMatch(/earlier Python session of this chat was gone/);
    expect((await run('y = 2\ny', j.as('alice'))).body.result).toBe('2');
  });
});

describe('with the files server', () => {
  beforeEach(async () => {
    j = await jupyterFixture();
  });

  it('lists, through the files server, a file the code wrote', async () => {
    const files = await filesFixture({ FILES_DATA_DIR: j.config.dataDir });
    try {
      await run("import pandas as pd\npd.DataFrame({'n': [1, 2, 3]}).to_csv('numbers.csv', index=False)", j.as('alice'));
      const listed = await request(files.app).get('/list').set(files.as('alice'));
      expect(listed.body.entries.map((e: { name: string }) => e.name)).toContain('numbers.csv');
      const read = await request(files.app).get('/read').query({ path: 'numbers.csv' }).set(files.as('alice'));
      expect(read.body.content).toBe('n\n1\n2\n3');
      // And the other way round: a file uploaded through the files server is readable by code.
      await request(files.app).post('/upload').set(files.as('alice')).attach('file', Buffer.from('a,b\n1,2\n'), 'upload.csv');
      expect((await run("open('upload.csv').read()", j.as('alice'))).body.result).toBe("'a,b\\n1,2\\n'");
    } finally {
      await files.cleanup();
    }
  });
});
