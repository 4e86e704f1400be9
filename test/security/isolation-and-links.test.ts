import { SignJWT } from 'jose';
import { createLinkSigner } from '@toolpack/shared';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { filesFixture, JWT_SECRET, linkPath, type FilesFixture } from '../helpers/files-fixture.js';

let f: FilesFixture;
beforeEach(async () => {
  f = await filesFixture();
  const w = await request(f.app).post('/write').set(f.as('alice')).send({ path: 'diary.txt', content: 'alice private' });
  expect(w.status).toBe(200);
});
afterEach(() => f.cleanup());

async function userJwt(sub: string, options: { secret?: string; expiresIn?: string } = {}): Promise<string> {
  return new SignJWT({ email: `${sub}@example.test`, name: sub, role: 'user', iss: 'open-webui' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '5m')
    .sign(new TextEncoder().encode(options.secret ?? JWT_SECRET));
}

describe('user isolation', () => {
  it('user B cannot list, read, download, search or link user A files, by any path', async () => {
    const bob = f.as('bob');
    const aliceRoot = f.userRoot('alice');
    expect((await request(f.app).get('/list').set(bob)).body.entries).toEqual([]);
    expect((await request(f.app).get('/read').query({ path: 'diary.txt' }).set(bob)).status).toBe(404);
    for (const path of ['../alice/diary.txt', `${aliceRoot}/diary.txt`, '../../users/alice/diary.txt']) {
      for (const r of [
        await request(f.app).get('/read').query({ path }).set(bob),
        await request(f.app).get('/download').query({ path }).set(bob),
        await request(f.app).get('/list').query({ path: path.replace('/diary.txt', '') }).set(bob),
        await request(f.app).post('/share').set(bob).send({ path }),
      ]) {
        expect(r.status).toBe(403);
        expect(r.text).not.toContain('alice private');
      }
    }
    const grep = await request(f.app).get('/search').query({ query: 'private' }).set(bob);
    expect(grep.body.matches).toEqual([]);
  });

  it('the shared workspace (no identity) does not see user files either', async () => {
    expect((await request(f.app).get('/read').query({ path: 'users/alice/diary.txt' }).set(f.auth)).status).toBe(404);
    expect((await request(f.app).get('/read').query({ path: '../users/alice/diary.txt' }).set(f.auth)).status).toBe(403);
  });

  it('takes the user from a verified Open WebUI JWT', async () => {
    const r = await request(f.app).get('/read').query({ path: 'diary.txt' }).set({ ...f.auth, 'X-OpenWebUI-User-Jwt': await userJwt('alice') });
    expect(r.body.content).toBe('alice private');
  });

  it('refuses a forged, expired or foreign-secret JWT instead of falling back to headers', async () => {
    const good = await userJwt('bob');
    const [h, p, s] = good.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'alice' })).toString('base64url')}.${s}`;
    const cases = {
      forged,
      expired: await userJwt('alice', { expiresIn: '-1m' }),
      foreign: await userJwt('alice', { secret: 'some-other-secret-0123456789' }),
    };
    for (const [what, token] of Object.entries(cases)) {
      const r = await request(f.app).get('/read').query({ path: 'diary.txt' }).set({ ...f.auth, 'X-User-Id': 'alice', 'X-OpenWebUI-User-Jwt': token });
      expect(r.status, what).toBe(401);
      expect(r.body.code).toBe('INVALID_USER_TOKEN');
      expect(r.text).not.toContain('alice private');
    }
  });
});

describe('signed links', () => {
  it('opens without a key, and fails with 403 when tampered with or pointed at another user', async () => {
    const s = await request(f.app).post('/share').set(f.as('alice')).send({ path: 'diary.txt' });
    const path = linkPath(s.body.url);
    expect((await request(f.app).get(path)).text).toBe('alice private');

    const [, , token, name] = path.split('/');
    const [data, mac] = token!.split('.');
    const payload = JSON.parse(Buffer.from(data!, 'base64url').toString());
    const retarget = Buffer.from(JSON.stringify({ ...payload, w: 'bob' })).toString('base64url');
    const extend = Buffer.from(JSON.stringify({ ...payload, e: payload.e + 10_000_000 })).toString('base64url');
    // Change a character that carries whole bytes (the last one of 43 also holds padding bits).
    const flipped = `${mac!.slice(0, -2)}${mac!.at(-2) === 'A' ? 'B' : 'A'}${mac!.slice(-1)}`;
    for (const bad of [`${retarget}.${mac}`, `${extend}.${mac}`, `${data}.${flipped}`, `${data}`, 'garbage', `${data}.${mac}.x`]) {
      const r = await request(f.app).get(`/links/${bad}/${name}`);
      expect(r.status, bad).toBe(403);
      expect(r.body).toEqual({ detail: 'This link is not valid.', code: 'LINK_INVALID' });
    }
  });

  it('fails with 403 after it expires', async () => {
    const signer = createLinkSigner(f.config.linkSecret);
    const token = signer.sign({ workspace: 'alice', paths: ['diary.txt'], kind: 'file', expires: Math.floor(Date.now() / 1000) - 1 });
    const r = await request(f.app).get(`/links/${token}/diary.txt`);
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('LINK_EXPIRED');
  });

  it('a link signed by another server secret is refused', async () => {
    const other = createLinkSigner('a-completely-different-secret-123');
    const token = other.sign({ workspace: 'alice', paths: ['diary.txt'], kind: 'file', expires: Math.floor(Date.now() / 1000) + 60 });
    expect((await request(f.app).get(`/links/${token}/diary.txt`)).status).toBe(403);
  });

  it('a link stops working when the file is replaced by a link leading out', async () => {
    const s = await request(f.app).post('/share').set(f.as('alice')).send({ path: 'diary.txt' });
    const { rm, symlink } = await import('node:fs/promises');
    await rm(`${f.userRoot('alice')}/diary.txt`);
    await symlink('/etc/passwd', `${f.userRoot('alice')}/diary.txt`);
    const r = await request(f.app).get(linkPath(s.body.url));
    expect(r.status).toBe(403);
    expect(r.text).not.toContain('root:');
  });
});
