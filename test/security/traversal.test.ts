import { link, mkdir, readdir, readFile, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { binaryBody, filesFixture, zipEntries, type FilesFixture } from '../helpers/files-fixture.js';

const SECRET = 'TOP-SECRET-CONTENT';

let f: FilesFixture;
let outside: string;
let root: string;

beforeEach(async () => {
  f = await filesFixture();
  outside = join(f.dir, 'outside');
  root = f.userRoot();
  await mkdir(outside, { recursive: true });
  await mkdir(join(root, 'sub'), { recursive: true });
  await writeFile(join(outside, 'secret.txt'), SECRET);
  await writeFile(join(root, 'sub', 'ok.txt'), 'fine');
  await symlink(outside, join(root, 'dir-link-out'));
  await symlink(join(outside, 'secret.txt'), join(root, 'file-link-out'));
  await symlink('sub/ok.txt', join(root, 'link-inside'));
  await link(join(outside, 'secret.txt'), join(root, 'hard-link'));
});
afterEach(() => f.cleanup());

async function outsideUntouched(): Promise<void> {
  expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe(SECRET);
  expect((await readdir(outside)).sort()).toEqual(['secret.txt']);
}

/** Paths that must never reach the secret, with the status each gets. */
const CORPUS: [string, number][] = [
  ['../outside/secret.txt', 403],
  ['../../../../../../etc/passwd', 403],
  ['sub/../../outside/secret.txt', 403],
  ['/etc/passwd', 403],
  ['dir-link-out/secret.txt', 403],
  ['file-link-out', 403],
  ['hard-link', 403],
  ['sub/ok.txt\u0000../../outside/secret.txt', 400],
  [`${'a'.repeat(300)}.txt`, 400],
];

describe('path traversal corpus', () => {
  it.each(CORPUS)('read_text_file refuses %j', async (path, status) => {
    const r = await request(f.app).get('/read').query({ path }).set(f.auth);
    expect(r.status).toBe(status);
    expect(r.text).not.toContain(SECRET);
    expect(r.body.detail.length).toBeLessThan(200);
  });

  it.each(CORPUS)('download_file refuses %j', async (path, status) => {
    const r = await request(f.app).get('/download').query({ path }).set(f.auth);
    expect(r.status).toBe(status);
    expect(r.text).not.toContain(SECRET);
  });

  it.each(CORPUS)('share_file refuses %j', async (path, status) => {
    const r = await request(f.app).post('/share').set(f.auth).send({ path });
    expect(r.status).toBe(status);
  });

  it('refuses the absolute host path of a file outside, and accepts one inside', async () => {
    expect((await request(f.app).get('/read').query({ path: join(outside, 'secret.txt') }).set(f.auth)).status).toBe(403);
    const inside = await request(f.app).get('/read').query({ path: join(root, 'sub/ok.txt') }).set(f.auth);
    expect(inside.body.content).toBe('fine');
  });

  it('decodes the query once: an encoded ../ is refused, a double-encoded one stays a plain name', async () => {
    const once = await request(f.app).get('/read?path=%2e%2e%2foutside%2fsecret.txt').set(f.auth);
    expect(once.status).toBe(403);
    const twice = await request(f.app).get('/read?path=%252e%252e%252foutside%252fsecret.txt').set(f.auth);
    expect(twice.status).toBe(404);
  });

  it('follows a symlink that stays inside the workspace', async () => {
    const r = await request(f.app).get('/read').query({ path: 'link-inside' }).set(f.auth);
    expect(r.body.content).toBe('fine');
  });

  it('cannot list, write, move or delete through links that lead out', async () => {
    expect((await request(f.app).get('/list').query({ path: 'dir-link-out' }).set(f.auth)).status).toBe(403);
    expect((await request(f.app).get('/find').query({ pattern: '*', path: 'dir-link-out' }).set(f.auth)).status).toBe(403);
    expect((await request(f.app).get('/search').query({ query: 'SECRET', path: 'dir-link-out' }).set(f.auth)).status).toBe(403);
    expect((await request(f.app).post('/write').set(f.auth).send({ path: 'dir-link-out/new.txt', content: 'x' })).status).toBe(403);
    expect((await request(f.app).post('/write').set(f.auth).send({ path: '../outside/new.txt', content: 'x' })).status).toBe(403);
    expect((await request(f.app).post('/mkdir').set(f.auth).send({ path: 'dir-link-out/d' })).status).toBe(403);
    expect((await request(f.app).post('/move').set(f.auth).send({ source: 'dir-link-out/secret.txt', destination: 'stolen.txt' })).status).toBe(403);
    expect((await request(f.app).post('/move').set(f.auth).send({ source: 'sub/ok.txt', destination: 'dir-link-out/planted.txt' })).status).toBe(403);
    expect((await request(f.app).delete('/delete').query({ path: 'dir-link-out/secret.txt' }).set(f.auth)).status).toBe(403);
    await outsideUntouched();
  });

  it('deleting a link removes the link, never what it points to', async () => {
    expect((await request(f.app).delete('/delete').query({ path: 'dir-link-out' }).set(f.auth)).status).toBe(200);
    expect((await request(f.app).delete('/delete').query({ path: 'file-link-out' }).set(f.auth)).status).toBe(200);
    await outsideUntouched();
  });

  it('writing over a link replaces the link, not the file outside', async () => {
    const r = await request(f.app).post('/write').set(f.auth).send({ path: 'file-link-out', content: 'mine' });
    expect(r.status).toBe(200);
    expect(await readFile(join(root, 'file-link-out'), 'utf8')).toBe('mine');
    await outsideUntouched();
  });

  it('search, glob and archives skip what leads out', async () => {
    const grep = await request(f.app).get('/search').query({ query: 'SECRET' }).set(f.auth);
    expect(grep.body.matches).toEqual([]);
    const glob = await request(f.app).get('/find').query({ pattern: '**/secret.txt' }).set(f.auth);
    expect(glob.body.matches).toEqual([]);
    const zip = await request(f.app).post('/archive').set(f.auth).send({ paths: ['.'] }).buffer(true).parse(binaryBody);
    expect(zip.status).toBe(200);
    const entries = await zipEntries(zip.body as Buffer);
    expect([...entries.keys()].sort()).toEqual(['sub/', 'sub/ok.txt']);
    expect([...entries.values()].join()).not.toContain(SECRET);
  });
});

describe('a symlink swapped in after the path was checked', () => {
  it('is caught at open time: a directory replaced by a link to the outside', async () => {
    await mkdir(join(root, 'swap'));
    await writeFile(join(root, 'swap', 'secret.txt'), 'harmless');
    expect((await request(f.app).get('/read').query({ path: 'swap/secret.txt' }).set(f.auth)).body.content).toBe('harmless');
    await rename(join(root, 'swap'), join(root, 'swap-old'));
    await symlink(outside, join(root, 'swap'));
    const r = await request(f.app).get('/read').query({ path: 'swap/secret.txt' }).set(f.auth);
    expect(r.status).toBe(403);
  });

  it('never serves the outside file while a link flips between inside and outside', async () => {
    await mkdir(join(root, 'real'));
    await writeFile(join(root, 'real', 'secret.txt'), 'harmless');
    await symlink('real', join(root, 'flip'));
    let flipping = true;
    const flipper = (async () => {
      // Bounded: at most 20k flips, and stops as soon as the requests are done.
      for (let i = 0; flipping && i < 20_000; i++) {
        const tmp = join(root, `.flip-${i}`);
        await symlink(i % 2 ? 'real' : outside, tmp);
        await rename(tmp, join(root, 'flip'));
      }
    })();
    const statuses = new Map<number, number>();
    for (let i = 0; i < 300; i++) {
      const [read, download] = await Promise.all([
        request(f.app).get('/read').query({ path: 'flip/secret.txt' }).set(f.auth),
        request(f.app).get('/download').query({ path: 'flip/secret.txt' }).set(f.auth),
      ]);
      for (const r of [read, download]) {
        expect(r.text).not.toContain(SECRET);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    }
    flipping = false;
    await flipper;
    // Both outcomes happened, so the race was really exercised.
    expect(statuses.get(200)).toBeGreaterThan(0);
    expect(statuses.get(403)).toBeGreaterThan(0);
  });
});
