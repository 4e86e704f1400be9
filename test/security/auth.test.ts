import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOperations, type JsonObject } from '@toolpack/shared';
import { SERVERS, type BuiltServer } from '../helpers/servers.js';

/** A concrete URL for an operation: path parameters filled with a harmless value. */
function concretePath(path: string): string {
  return path.replace(/\{[^}]+\}/g, 'x');
}

describe.each(Object.keys(SERVERS))('%s server: API key', (name) => {
  let server: BuiltServer;
  let source: JsonObject;
  beforeAll(async () => {
    server = await SERVERS[name]!({ keys: ['first-key-0123456789', 'rotated-key-0123456789'] });
    const { loadSpec } = await import('@toolpack/shared');
    source = loadSpec(new URL(`../../specs/${name}.yaml`, import.meta.url).pathname).source;
  });
  afterAll(() => server.cleanup());

  it('every operation that needs the key answers 401 without it or with a wrong one (generated from the spec)', async () => {
    const ops = listOperations(source).filter((op) => !op.public);
    expect(ops.length).toBeGreaterThan(0);
    for (const op of ops) {
      for (const headers of [{}, { Authorization: 'Bearer wrong-key' }, { Authorization: 'Bearer ' }, { Authorization: `Basic ${server.keys[0]}` }]) {
        const r = await request(server.app)[op.method as 'get'](concretePath(op.path)).set(headers).send({});
        expect(r.status, `${op.operationId} ${JSON.stringify(headers)}`).toBe(401);
        expect(r.body).toEqual({ detail: 'Invalid API key', code: 'UNAUTHORIZED' });
      }
    }
  });

  it('accepts any of several configured keys', async () => {
    const op = listOperations(source).find((o) => !o.public && o.method === 'get')!;
    for (const key of server.keys) {
      const r = await request(server.app).get(concretePath(op.path)).set('Authorization', `Bearer ${key}`);
      expect(r.status).not.toBe(401);
    }
  });

  it('keeps /health, /openapi.json, /docs and CORS preflights public', async () => {
    expect((await request(server.app).get('/health')).status).toBe(200);
    expect((await request(server.app).get('/openapi.json')).status).toBe(200);
    expect((await request(server.app).get('/docs/')).status).toBe(200);
    const pre = await request(server.app)
      .options(concretePath(listOperations(source)[0]!.path))
      .set('Origin', 'https://chat.example.test')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type,x-session-id');
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('https://chat.example.test');
    expect(pre.headers['access-control-allow-headers']).toMatch(/Authorization/);
    expect(pre.headers['access-control-allow-headers']).toMatch(/X-Session-Id/);
    const get = await request(server.app).get('/health').set('Origin', 'https://chat.example.test');
    expect(get.headers['access-control-expose-headers']).toMatch(/Content-Disposition/);
    expect(get.headers['access-control-expose-headers']).toMatch(/Location/);
  });
});

describe('CORS origins', () => {
  it('only allows the configured browser origins', async () => {
    const { filesFixture } = await import('../helpers/files-fixture.js');
    const f = await filesFixture({ FILES_CORS_ORIGINS: 'https://chat.allowed.test' });
    try {
      const preflight = (origin: string) =>
        request(f.app).options('/list').set('Origin', origin).set('Access-Control-Request-Method', 'GET').set('Access-Control-Request-Headers', 'authorization');
      expect((await preflight('https://chat.allowed.test')).headers['access-control-allow-origin']).toBe('https://chat.allowed.test');
      expect((await preflight('https://evil.test')).headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await f.cleanup();
    }
  });
});
