import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, type RunningServer } from '@toolpack/shared';
import request from 'supertest';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { terminalFixture, TERMINAL_TEST_KEY, type TerminalFixture } from '../../../test/helpers/terminal-fixture.js';

let t: TerminalFixture;
let server: RunningServer;

async function setup(env: Record<string, string> = {}) {
  t = await terminalFixture(env);
  server = await startServer(t.app, { host: '127.0.0.1', port: 0 });
}
afterEach(async () => {
  await server.close();
  await t.cleanup();
});

/** A websocket client that collects output and the close code. */
function connect(id: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(`${server.url.replace('http', 'ws')}/api/terminals/${id}`, { headers });
  let output = '';
  ws.on('message', (data: Buffer) => (output += data.toString()));
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    closed,
    opened,
    output: () => output,
    auth: async (token = TERMINAL_TEST_KEY) => {
      await opened;
      ws.send(JSON.stringify({ type: 'auth', token }));
    },
    type: (text: string) => ws.send(Buffer.from(text), { binary: true }),
    until: async (pattern: RegExp, ms = 5000) => {
      for (let i = 0; i < ms / 20 && !pattern.test(output); i++) await sleep(20);
      return output;
    },
  };
}

async function createTerminal(headers: Record<string, string> = t.auth) {
  const r = await request(t.app).post('/api/terminals').set(headers).send({});
  return r;
}

describe('interactive terminals', () => {
  it('runs keystrokes sent over the websocket and streams the output', async () => {
    await setup();
    const created = await createTerminal();
    expect(created.body.id).toMatch(/^term-/);
    expect(created.body.pid).toBeGreaterThan(0);
    const c = connect(created.body.id);
    await c.auth();
    // Wait for the prompt, as a person would: bash discards what was typed before it started.
    await c.until(/[#$] $/);
    c.type('echo hel""lo\r');
    expect(await c.until(/hello/)).toMatch(/hello/);
    c.ws.send(JSON.stringify({ type: 'resize', cols: 100, rows: 30 }));
    c.type('stty size\r');
    expect(await c.until(/30 100/)).toMatch(/30 100/);
    c.ws.close();
  });

  it('closes with 4001 on a wrong token, on a first message that is not auth, and when auth never comes', async () => {
    await setup({ OPEN_TERMINAL_WS_AUTH_TIMEOUT_SECONDS: '1' });
    const created = await createTerminal();
    const silent = connect(created.body.id);
    await silent.opened;
    expect(await silent.closed).toBe(4001);
    const wrong = connect(created.body.id);
    await wrong.auth('not-the-key');
    expect(await wrong.closed).toBe(4001);
    const chatty = connect(created.body.id);
    await chatty.opened;
    chatty.type('ls\r');
    expect(await chatty.closed).toBe(4001);
  });

  it('checks the key before saying a terminal does not exist (4004 only after auth)', async () => {
    await setup();
    const unknownNoKey = connect('term-doesnotexist');
    await unknownNoKey.auth('bad');
    expect(await unknownNoKey.closed).toBe(4001);
    const unknown = connect('term-doesnotexist');
    await unknown.auth();
    expect(await unknown.closed).toBe(4004);
  });

  it("does not let another user attach to a user's terminal", async () => {
    await setup();
    const created = await createTerminal(t.as('alice'));
    const bob = connect(created.body.id, { 'X-User-Id': 'bob' });
    await bob.auth();
    expect(await bob.closed).toBe(4004);
    expect((await request(t.app).get(`/api/terminals/${created.body.id}`).set(t.as('bob'))).status).toBe(404);
    const alice = connect(created.body.id, { 'X-User-Id': 'alice' });
    await alice.auth();
    await alice.until(/[#$] $/);
    alice.type('echo mine\r');
    expect(await alice.until(/mine/)).toMatch(/mine/);
    alice.ws.close();
  });

  it('lets a dropped connection reattach within the grace period and replays recent output', async () => {
    await setup({ OPEN_TERMINAL_TERMINAL_GRACE_SECONDS: '2' });
    const created = await createTerminal();
    const first = connect(created.body.id);
    await first.auth();
    await first.until(/[#$] $/);
    first.type('export KEEP=kept-value; echo marker-before\r');
    await first.until(/marker-before/);
    first.ws.terminate();
    await first.closed;
    const again = connect(created.body.id);
    await again.auth();
    expect(await again.until(/marker-before/)).toMatch(/marker-before/);
    again.type('echo $KEEP\r');
    expect(await again.until(/kept-value\r\n/)).toMatch(/kept-value/);
    again.ws.close();
    await again.closed;
    await sleep(2500);
    expect((await request(t.app).get(`/api/terminals/${created.body.id}`).set(t.auth)).status).toBe(404);
  });

  it('caps terminals per user (429) and lists and closes them', async () => {
    await setup({ OPEN_TERMINAL_MAX_TERMINALS: '1' });
    const one = await createTerminal();
    const two = await createTerminal();
    expect(two.status).toBe(429);
    expect((await request(t.app).get('/api/terminals').set(t.auth)).body.map((x: { id: string }) => x.id)).toEqual([one.body.id]);
    expect((await request(t.app).delete(`/api/terminals/${one.body.id}`).set(t.auth).send({})).body).toEqual({ status: 'closed', id: one.body.id });
    expect((await createTerminal()).status).toBe(200);
  });
});
