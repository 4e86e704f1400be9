import { chmod, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outputText, terminalFixture, TERMINAL_TEST_KEY, type TerminalFixture } from '../../../test/helpers/terminal-fixture.js';

// Real bubblewrap sandboxes (Debian's bubblewrap), one per command.
let t: TerminalFixture;
let aliceHome: string;
beforeAll(async () => {
  t = await terminalFixture({ OPEN_TERMINAL_MULTI_USER: 'true' });
  // mkdtemp made the test dir private; the sandbox user has to pass through it, as through /srv.
  await chmod(t.dir, 0o711);
  aliceHome = join(t.config.dataDir, 'users', 'alice');
});
afterAll(() => t.cleanup());

const run = (user: string, command: string) => request(t.app).post('/execute').query({ wait: 20 }).set(t.as(user)).send({ command });

describe('multi-user mode', () => {
  it('requires an identity', async () => {
    const r = await request(t.app).post('/execute').set('Authorization', `Bearer ${TERMINAL_TEST_KEY}`).send({ command: 'true' });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('IDENTITY_REQUIRED');
  });

  it("runs each user's commands in their own home, as an unprivileged user", async () => {
    const r = await run('alice', 'pwd; echo $HOME; id -u; echo secret-of-alice > diary.txt; cat /etc/shadow || echo no-shadow');
    expect(r.body.exit_code).toBe(0);
    const out = outputText(r.body);
    expect(out).toContain(`${aliceHome}\r\n${aliceHome}\r\n`);
    expect(out).not.toMatch(/^0\r$/m);
    expect(out).toContain('no-shadow');
    expect(await readFile(join(aliceHome, 'diary.txt'), 'utf8')).toBe('secret-of-alice\n');
  });

  it("keeps user B out of user A's files, by commands and by file tools", async () => {
    await run('alice', 'echo secret-of-alice > diary.txt');
    const peek = await run('bob', `cat ${aliceHome}/diary.txt`);
    expect(peek.body.exit_code).not.toBe(0);
    expect(outputText(peek.body)).toContain('No such file or directory');
    const users = await run('bob', `ls ${join(t.config.dataDir, 'users')}`);
    expect(outputText(users.body)).toBe('bob\r\n');
    const tool = await request(t.app).get('/files/read').query({ path: `${aliceHome}/diary.txt` }).set(t.as('bob'));
    expect(tool.status).toBe(403);
    const grep = await request(t.app).get('/files/grep').query({ query: 'secret', path: '/' }).set(t.as('bob'));
    expect(grep.status).toBe(403);
  });

  it("does not show user A's processes to user B", async () => {
    const marker = `tp-sleeper-${Date.now()}`;
    const started = await request(t.app).post('/execute').set(t.as('alice')).send({ command: `exec -a ${marker} sleep 60` });
    const ps = await run('bob', 'ps -eo args');
    expect(outputText(ps.body)).not.toContain(marker);
    expect((await request(t.app).get(`/execute/${started.body.id}/status`).set(t.as('bob'))).status).toBe(404);
    expect((await request(t.app).get('/execute').set(t.as('bob'))).body.map((p: { id: string }) => p.id)).not.toContain(started.body.id);
    await request(t.app).delete(`/execute/${started.body.id}`).query({ force: true }).set(t.as('alice'));
  });

  it('lets the user change files the file tools wrote for them', async () => {
    const w = await request(t.app).post('/files/write').set(t.as('alice')).send({ path: 'notes/todo.txt', content: 'one\n' });
    expect(w.status).toBe(200);
    const r = await run('alice', 'echo two >> notes/todo.txt && mkdir -p notes/more && cat notes/todo.txt');
    expect(r.body.exit_code).toBe(0);
    expect(outputText(r.body)).toBe('one\r\ntwo\r\n');
  });

  it('never hands server secrets to sandboxed commands', async () => {
    const r = await run('alice', 'env');
    expect(outputText(r.body)).not.toContain(TERMINAL_TEST_KEY);
    expect(outputText(r.body)).not.toMatch(/OPEN_TERMINAL_|FORWARD_USER_INFO_/);
  });
});

describe('multi-user interactive terminals', () => {
  it('run the shell in the same sandbox', async () => {
    const { startServer } = await import('@toolpack/shared');
    const { default: WebSocket } = await import('ws');
    const server = await startServer(t.app, { host: '127.0.0.1', port: 0 });
    try {
      await run('bob', 'true');
      const created = await request(t.app).post('/api/terminals').set(t.as('alice')).send({});
      const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/terminals/${created.body.id}`, { headers: { 'X-User-Id': 'alice' } });
      let output = '';
      ws.on('message', (d: Buffer) => (output += d.toString()));
      await new Promise((resolve) => ws.once('open', resolve));
      ws.send(JSON.stringify({ type: 'auth', token: TERMINAL_TEST_KEY }));
      const until = async (re: RegExp) => {
        for (let i = 0; i < 250 && !re.test(output); i++) await new Promise((r) => setTimeout(r, 20));
      };
      await until(/[#$] $/);
      ws.send(Buffer.from(`echo uid=$(id -u) users=$(ls ${join(t.config.dataDir, 'users')} | tr '\\n' ,)\r`), { binary: true });
      await until(/users=\S+/);
      expect(output).toMatch(/uid=65534 users=alice,/);
      ws.close();
    } finally {
      await server.close();
    }
  });
});
