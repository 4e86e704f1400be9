import { writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, type RunningServer } from '@toolpack/shared';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terminalFixture, TERMINAL_TEST_KEY, type TerminalFixture } from '../../../test/helpers/terminal-fixture.js';

let t: TerminalFixture;
let server: RunningServer;
let port: number;

// A small app a user might start: echoes what it got, and accepts a raw upgrade that echoes bytes.
const APP = `
const http = require('node:http');
const s = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => res.end(JSON.stringify({ url: req.url, method: req.method, body, auth: req.headers.authorization ?? null, user: req.headers['x-user-id'] ?? null })));
});
s.on('upgrade', (req, socket) => {
  socket.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: echo\\r\\nConnection: Upgrade\\r\\n\\r\\n');
  socket.on('data', (d) => socket.write(d));
});
s.listen(Number(process.argv[2]), '127.0.0.1');
`;

beforeAll(async () => {
  t = await terminalFixture();
  server = await startServer(t.app, { host: '127.0.0.1', port: 0 });
  port = 30000 + Math.floor(Math.random() * 20000);
  await writeFile(join(t.dir, 'app.js'), APP);
  await request(t.app).post('/execute').set(t.as('alice')).send({ command: `${process.execPath} ${join(t.dir, 'app.js')} ${port}` });
  for (let i = 0; i < 100; i++) {
    const ports = await request(t.app).get('/ports').set(t.as('alice'));
    if (ports.body.ports?.some((p: { port: number }) => p.port === port)) break;
    await sleep(50);
  }
});
afterAll(async () => {
  await server.close();
  await t.cleanup();
});

describe('/ports and /proxy', () => {
  it("lists the ports the user's commands listen on", async () => {
    const r = await request(t.app).get('/ports').set(t.as('alice'));
    expect(r.body.ports).toEqual([expect.objectContaining({ port, process: 'node' })]);
    expect((await request(t.app).get('/ports').set(t.as('bob'))).body.ports).toEqual([]);
  });

  it('proxies requests with their path, query and body, without our key or identity', async () => {
    const r = await request(t.app).post(`/proxy/${port}/api/items?q=1`).set(t.as('alice')).set('Content-Type', 'text/plain').send('payload');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ url: '/api/items?q=1', method: 'POST', body: 'payload', auth: null, user: null });
  });

  it("refuses ports that are not the caller's, and calls without the key", async () => {
    expect((await request(t.app).get(`/proxy/${port}/`).set(t.as('bob'))).status).toBe(403);
    expect((await request(t.app).get(`/proxy/${server.port}/health`).set(t.as('alice'))).status).toBe(403);
    expect((await request(t.app).get(`/proxy/${port}/`)).status).toBe(401);
  });

  it('relays upgraded connections (websockets) both ways', async () => {
    const socket = connect(server.port, '127.0.0.1');
    let received = '';
    socket.on('data', (d) => (received += d.toString()));
    socket.write(`GET /proxy/${port}/ws HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\nAuthorization: Bearer ${TERMINAL_TEST_KEY}\r\nX-User-Id: alice\r\n\r\n`);
    for (let i = 0; i < 100 && !received.includes('101'); i++) await sleep(20);
    socket.write('ping-through-proxy');
    for (let i = 0; i < 100 && !received.includes('ping-through-proxy'); i++) await sleep(20);
    expect(received).toContain('101 Switching Protocols');
    expect(received).toContain('ping-through-proxy');
    socket.destroy();

    const stranger = connect(server.port, '127.0.0.1');
    let answer = '';
    stranger.on('data', (d) => (answer += d.toString()));
    stranger.write(`GET /proxy/${port}/ws HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\nAuthorization: Bearer ${TERMINAL_TEST_KEY}\r\nX-User-Id: bob\r\n\r\n`);
    for (let i = 0; i < 100 && !answer; i++) await sleep(20);
    expect(answer).toMatch(/^HTTP\/1.1 403/);
    stranger.destroy();
  });
});
