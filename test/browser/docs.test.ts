/**
 * The /docs page of each server, rendered by a real headless Chromium (Debian's package, driven by
 * playwright-core): what an admin sees when checking what a server offers.
 */
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '@toolpack/shared';
import { SERVERS, type BuiltServer } from '../helpers/servers.js';
import { listOperations, loadSpec, type JsonObject } from '@toolpack/shared';
import request from 'supertest';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
});
afterAll(() => browser?.close());

describe.each(Object.keys(SERVERS))('%s /docs', (name) => {
  let built: BuiltServer;
  let running: RunningServer;
  beforeAll(async () => {
    built = await SERVERS[name]!();
    running = await startServer(built.app, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await running.close();
    await built.cleanup();
  });

  it('renders every tool operation, and no helper route', async () => {
    const served = (await request(built.app).get('/openapi.json')).body as JsonObject;
    const ops = listOperations(served);
    const page = await browser.newPage();
    try {
      await page.goto(`${running.url}/docs/`);
      await page.waitForSelector('.opblock', { timeout: 15_000 });
      const rendered = await page.$$eval('.opblock-summary-operation-id, .opblock-summary-path', (els) => els.map((e) => e.textContent?.trim() ?? ''));
      const title = await page.textContent('.info .title');
      expect(title).toContain(String((served.info as JsonObject).title));
      for (const op of ops) expect(rendered.join(' '), op.operationId).toContain(op.path);
      expect(await page.locator('.opblock').count()).toBe(ops.length);
      // Helper routes (uploads, raw downloads, links) stay out of what models and admins see as tools.
      const source = loadSpec(new URL(`../../specs/${name}.yaml`, import.meta.url).pathname);
      const helperOnly = source.operations.filter((op) => op.helper && !ops.some((t) => t.path === op.path));
      expect(helperOnly.length).toBeGreaterThan(0);
      for (const op of helperOnly) expect(rendered, op.operationId).not.toContain(op.path);
    } finally {
      await page.close();
    }
  });
});
