import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yauzl from 'yauzl';
import { createLinkSigner, createLogger, Workspaces, type Env } from '@toolpack/shared';
import { createApp } from '../../servers/files/src/app.js';
import { readFilesConfig } from '../../servers/files/src/config.js';

export const TEST_KEY = 'test-key-files-0123456789';
export const JWT_SECRET = 'jwt-secret-for-tests-0123456789';

/** A files server app on a fresh temp data dir, built exactly as main.ts builds it. */
export async function filesFixture(env: Env = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'files-test-'));
  const config = readFilesConfig({
    FILES_DATA_DIR: join(dir, 'data'),
    FILES_API_KEY: TEST_KEY,
    FILES_LINK_SECRET: 'link-secret-for-tests-0123456789',
    FORWARD_USER_INFO_HEADER_JWT_SECRET: JWT_SECRET,
    FILES_PUBLIC_URL: 'http://files.test',
    ...env,
  });
  const workspaces = new Workspaces({ usersRoot: join(config.dataDir, 'users'), sharedRoot: config.sharedRoot });
  const app = createApp({ config, workspaces, signer: createLinkSigner(config.linkSecret), logger: createLogger({ name: 'files', level: 'silent' }) });
  return {
    app,
    dir,
    config,
    /** Host path of a user's workspace (or the shared root). */
    userRoot: (userId?: string) => (userId ? join(config.dataDir, 'users', userId) : config.sharedRoot),
    auth: { Authorization: `Bearer ${TEST_KEY}` },
    as: (userId: string) => ({ Authorization: `Bearer ${TEST_KEY}`, 'X-User-Id': userId }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export type FilesFixture = Awaited<ReturnType<typeof filesFixture>>;

/** A link's path on this server (links carry the public URL). */
export function linkPath(url: string): string {
  return new URL(url).pathname;
}

/** A supertest parser that keeps the body as bytes (zip, tar.gz, images). */
export function binaryBody(res: import('supertest').Response, done: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

/** Entry name → content of a zip (folders map to ''). */
export function zipEntries(buffer: Buffer): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out = new Map<string, string>();
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith('/')) {
          out.set(entry.fileName, '');
          zip.readEntry();
          return;
        }
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            out.set(entry.fileName, Buffer.concat(chunks).toString());
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(out));
      zip.readEntry();
    });
  });
}
