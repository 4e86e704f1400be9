import { request as httpRequest } from 'node:http';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServer, type RunningServer } from '@toolpack/shared';
import request from 'supertest';
import * as tar from 'tar';
import yauzl from 'yauzl';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { binaryBody, filesFixture, linkPath, zipEntries, type FilesFixture } from '../../../test/helpers/files-fixture.js';

let f: FilesFixture;
beforeEach(async () => {
  f = await filesFixture({ FILES_MAX_UPLOAD_MB: '1' });
});
afterEach(() => f.cleanup());


async function tmpFiles(): Promise<string[]> {
  return readdir(join(f.config.dataDir, '.tmp')).catch(() => []);
}

describe('upload', () => {
  it('stores uploads under their own (non-ASCII) names and refuses to overwrite by default', async () => {
    const up = await request(f.app).post('/upload').query({ directory: 'in box' }).set(f.auth)
      .attach('file', Buffer.from('héllo'), 'résumé 2024.txt');
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ files: [{ path: 'in box/résumé 2024.txt', size: 6 }] });
    expect(await readFile(join(f.userRoot(), 'in box/résumé 2024.txt'), 'utf8')).toBe('héllo');
    const again = await request(f.app).post('/upload').query({ directory: 'in box' }).set(f.auth)
      .attach('file', Buffer.from('new'), 'résumé 2024.txt');
    expect(again.status).toBe(409);
    expect(await readFile(join(f.userRoot(), 'in box/résumé 2024.txt'), 'utf8')).toBe('héllo');
    expect(await tmpFiles()).toEqual([]);
  });

  it('strips directories from a hostile file name', async () => {
    const up = await request(f.app).post('/upload').set(f.auth).attach('file', Buffer.from('x'), '../../etc/evil.txt');
    expect(up.body).toEqual({ files: [{ path: 'evil.txt', size: 1 }] });
  });

  it('answers 413 for an oversize upload and keeps no partial file (announced length)', async () => {
    const up = await request(f.app).post('/upload').set(f.auth).attach('file', Buffer.alloc(3 * 1024 * 1024, 1), 'big.bin');
    expect(up.status).toBe(413);
    expect(await readdir(f.userRoot()).catch(() => [])).toEqual([]);
    expect(await tmpFiles()).toEqual([]);
  });

  describe('over a real socket', () => {
    let server: RunningServer;
    beforeEach(async () => {
      server = await startServer(f.app, { host: '127.0.0.1', port: 0 });
    });
    afterEach(() => server.close());

    function multipartHead(boundary: string, name: string): string {
      return `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    }

    it('answers 413 for an oversize chunked upload (no length announced) and keeps no partial file', async () => {
      const boundary = 'b0undary';
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${server.url}/upload`, {
          method: 'POST',
          headers: { ...f.auth, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Transfer-Encoding': 'chunked' },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.write(multipartHead(boundary, 'big.bin'));
        const chunk = Buffer.alloc(64 * 1024, 7);
        let sent = 0;
        const pump = () => {
          while (sent < 3 * 1024 * 1024) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end(`\r\n--${boundary}--\r\n`);
        };
        pump();
      });
      expect(status).toBe(413);
      await sleep(100);
      expect(await readdir(f.userRoot()).catch(() => [])).toEqual([]);
      expect(await tmpFiles()).toEqual([]);
    });

    it('removes the partial file when the client goes away mid-upload', async () => {
      const boundary = 'b0undary';
      const req = httpRequest(`${server.url}/upload`, {
        method: 'POST',
        headers: { ...f.auth, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': String(900 * 1024) },
      });
      req.on('error', () => undefined);
      req.write(multipartHead(boundary, 'half.bin'));
      req.write(Buffer.alloc(200 * 1024, 3));
      // Wait until the server has started writing the temp file, then drop the connection.
      for (let i = 0; i < 50 && (await tmpFiles()).length === 0; i++) await sleep(20);
      expect((await tmpFiles()).length).toBe(1);
      req.destroy();
      for (let i = 0; i < 50 && (await tmpFiles()).length > 0; i++) await sleep(20);
      expect(await tmpFiles()).toEqual([]);
      expect(await readdir(f.userRoot()).catch(() => [])).toEqual([]);
      // The server is still fine.
      expect((await request(f.app).get('/list').set(f.auth)).status).toBe(200);
    });
  });
});

describe('download', () => {
  beforeEach(async () => {
    await mkdir(f.userRoot(), { recursive: true });
    await writeFile(join(f.userRoot(), 'digits.txt'), '0123456789');
  });

  it('serves a whole file with its type and an RFC 6266 name for any characters', async () => {
    await writeFile(join(f.userRoot(), 'naïve "quote" 数据.csv'), 'a,b');
    const r = await request(f.app).get('/download').query({ path: 'naïve "quote" 数据.csv', disposition: 'attachment' }).set(f.auth);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.headers['content-disposition']).toBe(
      `attachment; filename="na_ve \\"quote\\" __.csv"; filename*=UTF-8''na%C3%AFve%20%22quote%22%20%E6%95%B0%E6%8D%AE.csv`,
    );
    expect(r.text).toBe('a,b');
  });

  it('honours a byte range, and refuses an unsatisfiable one with 416', async () => {
    const r = await request(f.app).get('/download').query({ path: 'digits.txt' }).set(f.auth).set('Range', 'bytes=2-5');
    expect(r.status).toBe(206);
    expect(r.headers['content-range']).toBe('bytes 2-5/10');
    expect(r.text).toBe('2345');
    const tail = await request(f.app).get('/download').query({ path: 'digits.txt' }).set(f.auth).set('Range', 'bytes=-3');
    expect(tail.text).toBe('789');
    const bad = await request(f.app).get('/download').query({ path: 'digits.txt' }).set(f.auth).set('Range', 'bytes=50-60');
    expect(bad.status).toBe(416);
    expect(bad.headers['content-range']).toBe('bytes */10');
  });

  it('keeps a downloaded HTML file from running as a page of this server', async () => {
    await writeFile(join(f.userRoot(), 'x.html'), '<script>alert(1)</script>');
    const r = await request(f.app).get('/download').query({ path: 'x.html' }).set(f.auth);
    expect(r.headers['content-disposition']).toMatch(/^attachment/);
    expect(r.headers['content-security-policy']).toMatch(/sandbox/);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('archives', () => {
  beforeEach(async () => {
    await mkdir(join(f.userRoot(), 'proj/src/empty'), { recursive: true });
    await writeFile(join(f.userRoot(), 'proj/readme.md'), '# hi');
    await writeFile(join(f.userRoot(), 'proj/src/main.py'), 'print(1)');
    await writeFile(join(f.userRoot(), 'photo.jpg'), 'not really a jpeg');
  });

  it('streams a zip of folders and files with their contents and empty folders', async () => {
    const r = await request(f.app).post('/archive').set(f.auth).send({ paths: ['proj', 'photo.jpg'] }).buffer(true).parse(binaryBody);
    expect(r.status).toBe(200);
    expect(r.headers['content-disposition']).toBe('attachment; filename="files.zip"');
    const entries = await zipEntries(r.body as Buffer);
    expect(Object.fromEntries(entries)).toEqual({
      'proj/readme.md': '# hi',
      'proj/src/': '',
      'proj/src/empty/': '',
      'proj/src/main.py': 'print(1)',
      'photo.jpg': 'not really a jpeg',
    });
  });

  it('deflates text but stores already-compressed or incompressible files (no wasted CPU)', async () => {
    const { randomBytes } = await import('node:crypto');
    await writeFile(join(f.userRoot(), 'proj/noise.dat'), randomBytes(2 * 1024 * 1024));
    await writeFile(join(f.userRoot(), 'proj/log.txt'), 'GET /index.html 200\n'.repeat(120_000));
    const r = await request(f.app).post('/archive').set(f.auth).send({ paths: ['proj', 'photo.jpg'] }).buffer(true).parse(binaryBody);
    const methods = await new Promise<Record<string, number>>((resolve, reject) => {
      yauzl.fromBuffer(r.body as Buffer, (err, zip) => {
        if (err || !zip) return reject(err);
        const out: Record<string, number> = {};
        zip.on('entry', (e: yauzl.Entry) => (out[e.fileName] = e.compressionMethod));
        zip.on('end', () => resolve(out));
      });
    });
    expect(methods).toMatchObject({ 'proj/noise.dat': 0, 'photo.jpg': 0, 'proj/log.txt': 8, 'proj/readme.md': 8 });
    expect((r.body as Buffer).length).toBeLessThan(2 * 1024 * 1024 + 200_000);
  });

  it('streams a tar.gz when asked', async () => {
    const r = await request(f.app).post('/archive').set(f.auth).send({ paths: ['proj'], format: 'tar.gz', name: 'p' }).buffer(true).parse(binaryBody);
    expect(r.headers['content-type']).toBe('application/gzip');
    expect(r.headers['content-disposition']).toBe('attachment; filename="p.tar.gz"');
    const out = join(f.dir, 'untar');
    await mkdir(out);
    await writeFile(join(f.dir, 'p.tar.gz'), r.body as Buffer);
    await tar.x({ file: join(f.dir, 'p.tar.gz'), cwd: out });
    expect(await readFile(join(out, 'proj/src/main.py'), 'utf8')).toBe('print(1)');
  });

  it('answers 404 before streaming when a path is missing', async () => {
    const r = await request(f.app).post('/archive').set(f.auth).send({ paths: ['proj', 'missing'] });
    expect(r.status).toBe(404);
    expect(r.body.detail).toBe('No such file or directory: missing');
  });

  it('opens a shared zip link built from the files as they are at download time', async () => {
    const s = await request(f.app).post('/share/zip').set(f.auth).send({ paths: ['proj/readme.md'] });
    await writeFile(join(f.userRoot(), 'proj/readme.md'), '# changed');
    const r = await request(f.app).get(linkPath(s.body.url)).buffer(true).parse(binaryBody);
    expect(Object.fromEntries(await zipEntries(r.body as Buffer))).toEqual({ 'readme.md': '# changed' });
  });
});
