/**
 * Files server throughput over loopback: upload and download of a 1 GiB file and a zip of a 1 GiB
 * folder, beside a plain streamed file copy measured in the same run, with the server's peak RSS
 * growth per phase. The server runs as its own process (as in production) so its memory is its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { startServerProcess } from './server-process.js';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { randomFillSync } from 'node:crypto';

const GiB = 1024 ** 3;
const MB = 1024 * 1024;
const KEY = 'bench-key-0123456789';

function mbps(bytes: number, ms: number): number {
  return bytes / MB / (ms / 1000);
}

async function kib(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
}

/** Resets the process's peak RSS so each phase reports its own peak. */
async function resetPeak(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
}

/** Writes `bytes` of data: incompressible random blocks, or text-like blocks when `text` is set. */
async function makeFile(path: string, bytes: number, text = false): Promise<void> {
  const block = Buffer.alloc(4 * MB);
  if (text) {
    const line = Buffer.from('2026-12-04T16:00:00Z INFO request served path=/api/v1/chat status=200 ms=12\n');
    for (let i = 0; i < block.length; i += line.length) line.copy(block, i);
  }
  const out = createWriteStream(path);
  for (let written = 0; written < bytes; written += block.length) {
    if (!text) randomFillSync(block);
    if (!out.write(block)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

function upload(url: string, file: string, size: number): Promise<number> {
  const boundary = 'benchboundary7f3a';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="up.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/upload?overwrite=true`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Content-Length': head.length + size + tail.length },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.write(head);
    const body = createReadStream(file, { highWaterMark: MB });
    body.pipe(req, { end: false });
    body.on('end', () => req.end(tail));
  });
}

/** Fetches a response and counts its bytes (the client keeps nothing). */
function drain(url: string, method: string, body?: unknown): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const payload = body ? Buffer.from(JSON.stringify(body)) : undefined;
    const req = httpRequest(url, {
      method,
      headers: { Authorization: `Bearer ${KEY}`, ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}) },
    });
    req.on('response', (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

/**
 * The transport's own ceiling on this machine: a bare node:http server in its own process that
 * pipes a request body to a file and a file to a response, nothing else.
 */
async function loopbackFloor(source: string, size: number, work: string): Promise<{ up: number; down: number }> {
  const script = `
    const http = require('node:http'), fs = require('node:fs'), { pipeline } = require('node:stream');
    const s = http.createServer((req, res) => {
      if (req.method === 'PUT') pipeline(req, fs.createWriteStream(process.argv[1], { highWaterMark: 4 << 20 }), () => res.end('ok'));
      else pipeline(fs.createReadStream(process.argv[1], { highWaterMark: 1 << 20 }), res, () => {});
    }).listen(0, '127.0.0.1', () => console.log(s.address().port));`;
  const child = spawn(process.execPath, ['-e', script, join(work, 'floor.bin')], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim())));
    const url = `http://127.0.0.1:${port}`;
    const up = await timed(
      () =>
        new Promise<void>((resolve, reject) => {
          const req = httpRequest(url, { method: 'PUT', headers: { 'Content-Length': size } });
          req.on('response', (res) => res.resume().on('end', resolve));
          req.on('error', reject);
          createReadStream(source, { highWaterMark: MB }).pipe(req);
        }),
    );
    const down = await timed(() => drain(url, 'GET'));
    return { up: mbps(size, up.ms), down: mbps(size, down.ms) };
  } finally {
    child.kill();
    await rm(join(work, 'floor.bin'), { force: true });
  }
}

export async function filesBench(options: { sizeBytes?: number } = {}): Promise<void> {
  const size = options.sizeBytes ?? GiB;
  const work = await mkdtemp(join(tmpdir(), 'files-bench-'));
  const dataDir = join(work, 'data');
  const source = join(work, 'source.bin');
  let child: ChildProcess | undefined;
  try {
    console.log(`files: preparing ${size / MB} MiB of test data in ${work}`);
    await makeFile(source, size);
    const folder = join(dataDir, 'shared', 'folder');
    await mkdir(folder, { recursive: true });
    // The zip folder: half incompressible (like media), half log-like text, in 32 MiB files.
    const part = 32 * MB;
    for (let i = 0; i < size / part; i++) await makeFile(join(folder, i % 2 ? `log-${i}.txt` : `blob-${i}.bin`), part, i % 2 === 1);

    // The baseline: the median of three streamed copies (same 1 MiB chunks as the server's streams).
    const copies: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { ms } = await timed(() => pipeline(createReadStream(source, { highWaterMark: MB }), createWriteStream(join(work, 'copy.bin'), { highWaterMark: MB })));
      copies.push(ms);
      await rm(join(work, 'copy.bin'));
    }
    const kernelCopy = await timed(() => copyFile(source, join(work, 'copy2.bin')));
    await rm(join(work, 'copy2.bin'));
    const baseline = mbps(size, copies.sort((a, b) => a - b)[1]!);
    const floor = await loopbackFloor(source, size, work);

    const server = await startServerProcess('servers/files/dist/main.js', 'FILES_PORT', { FILES_API_KEY: KEY, FILES_DATA_DIR: dataDir, FILES_MAX_UPLOAD_MB: '4096' });
    child = server.child;
    const pid = child.pid!;
    await drain(`${server.url}/list`, 'GET');
    const rows: [string, number, number][] = [];

    const phase = async (name: string, bytes: number, fn: () => Promise<unknown>) => {
      const before = await kib(pid, 'VmRSS');
      await resetPeak(pid);
      const { ms } = await timed(fn);
      const peak = await kib(pid, 'VmHWM');
      rows.push([name, mbps(bytes, ms), (peak - before) / 1024]);
    };

    await phase('upload 1 file', size, async () => {
      const status = await upload(server.url, source, size);
      if (status !== 200) throw new Error(`upload answered ${status}`);
    });
    if ((await stat(join(dataDir, 'shared', 'up.bin'))).size !== size) throw new Error('uploaded size differs');
    await phase('download 1 file', size, async () => {
      const r = await drain(`${server.url}/download?path=up.bin`, 'GET');
      if (r.bytes !== size) throw new Error(`downloaded ${r.bytes} bytes`);
    });
    let zipBytes = 0;
    await phase('zip of a folder', size, async () => {
      const r = await drain(`${server.url}/archive`, 'POST', { paths: ['folder'] });
      if (r.status !== 200) throw new Error(`archive answered ${r.status}`);
      zipBytes = r.bytes;
    });

    console.log(`files: plain streamed copy ${baseline.toFixed(0)} MB/s (kernel copy_file_range: ${mbps(size, kernelCopy.ms).toFixed(0)} MB/s)`);
    console.log(`files: loopback floor (bare node:http, body straight to/from disk): upload ${floor.up.toFixed(0)} MB/s, download ${floor.down.toFixed(0)} MB/s`);
    console.log('files: phase               MB/s   x copy  x floor   server peak RSS growth');
    const floors = [floor.up, floor.down, floor.down];
    rows.forEach(([name, speed, rss], i) => {
      console.log(`files: ${name.padEnd(18)} ${speed.toFixed(0).padStart(6)}   ${(speed / baseline).toFixed(2).padStart(6)}   ${(speed / floors[i]!).toFixed(2).padStart(6)}   ${rss.toFixed(1)} MB`);
    });
    console.log(`files: zip output ${(zipBytes / MB).toFixed(0)} MiB from ${(size / MB).toFixed(0)} MiB (targets: >= 0.5x copy, RSS growth < 64 MB)`);
  } finally {
    child?.kill('SIGTERM');
    await rm(work, { recursive: true, force: true });
  }
}
