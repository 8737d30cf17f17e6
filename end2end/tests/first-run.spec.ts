// A first run as a new user makes it: the server started with no configuration at all runs its
// own PostgreSQL, seeds the demo with a week of metrics and its alerts, and sends live points.
// Within a minute of the start the overview shows a firing alert and a live chart of its metric,
// the latency chart has a week of points and moves without a reload, and the demo channel's deliveries are in the log.
//
// This spec starts its own server (the test command's binary, ATRIUM_BIN) in a fresh data
// directory, as `cargo xtask run` does on a new machine, and stops it at the end.
import { test, expect } from './helpers';
import type { Page } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const PASSWORD = 'first-run-password-1';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function ready(base: string, server: ChildProcess, within: number): Promise<void> {
  const deadline = Date.now() + within;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    try {
      if ((await fetch(`${base}/ready`)).status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${base}/ready did not answer 200 in ${within} ms`);
}

type DrawnSeries = { type: string; values: [number, number | null][] };

/** The line ECharts draws on a chart (the analytics page's by default): [time, value] pairs. */
async function chartLine(page: Page, id = 'metric-chart'): Promise<[number, number | null][]> {
  return page.evaluate((id) => {
    type Instance = { getOption(): { series: DrawnSeries[] } };
    type DrawnSeries = { type: string; data: [number, number | null][] };
    const echarts = (window as unknown as { echarts?: { getInstanceByDom(e: Element | null): Instance | undefined } })
      .echarts;
    const chart = echarts?.getInstanceByDom(document.getElementById(id));
    return chart?.getOption().series.find((s) => s.type === 'line')?.data ?? [];
  }, id);
}

test('a fresh run with no configuration shows live charts and a firing alert within a minute', async ({ page }) => {
  test.setTimeout(240_000);
  const binary = process.env.ATRIUM_BIN;
  const site = process.env.ATRIUM_SITE_DIR;
  expect(binary, 'cargo xtask test names the server binary').toBeTruthy();
  expect(site, 'cargo xtask test names the built site').toBeTruthy();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'atrium-first-run-'));
  // As root the private PostgreSQL runs as the postgres user, who must reach the directory.
  await chmod(dataDir, 0o755);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const log: string[] = [];
  // No DATABASE_URL, no ATRIUM_DEMO_LIVE: the defaults a new user gets.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dataDir,
    ATRIUM_ADDR: `127.0.0.1:${port}`,
    ATRIUM_DATA_DIR: dataDir,
    ATRIUM_SITE_ROOT: site ?? '',
    ATRIUM_ADMIN_PASSWORD: PASSWORD,
    RUST_LOG: 'info',
  };
  const started = Date.now();
  const server = spawn(binary ?? 'atrium', [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout?.on('data', (chunk) => log.push(String(chunk)));
  server.stderr?.on('data', (chunk) => log.push(String(chunk)));
  try {
    await ready(base, server, 120_000);
    const readyAfter = Date.now() - started;

    // Acme's administrator signs in and lands on the overview.
    await page.goto(`${base}/login`);
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    await page.getByLabel('Email').fill('alice@acme.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByTestId('current-user')).toHaveText('Alice Admin');
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    // The slow-responses rule is firing (medium); the error-rate alert was acknowledged.
    await expect(page.getByTestId('firing-medium').locator('.value')).toHaveText('1');
    await expect(page.getByRole('heading', { name: /Firing alerts: [1-9]/ })).toBeVisible();
    const firingAfter = Date.now() - started;
    console.log(`first run: ready after ${readyAfter} ms, a firing alert on the overview after ${firingAfter} ms`);
    expect(firingAfter, 'a firing alert within a minute of start').toBeLessThan(60_000);
    // Beside it, the firing rule's metric over the last hour, moving as minutes arrive.
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    await expect(page.getByRole('heading', { name: 'http.request.duration_ms' })).toBeVisible();
    await expect(page.locator('#overview-chart canvas')).toBeVisible();
    await expect.poll(async () => (await chartLine(page, 'overview-chart')).length).toBeGreaterThan(30);
    const overviewBefore = await chartLine(page, 'overview-chart');
    await expect
      .poll(async () => JSON.stringify(await chartLine(page, 'overview-chart')) !== JSON.stringify(overviewBefore), {
        timeout: 30_000,
      })
      .toBe(true);

    // The latency chart: a week of points that moves as the generator sends more.
    await page.goto(`${base}/analytics?metric=http.request.duration_ms&range=1h`);
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    await expect(page.locator('#metric-chart canvas')).toBeVisible();
    await expect(page.locator('.live-indicator')).toHaveAttribute('data-state', 'live');
    await expect.poll(async () => (await chartLine(page)).length).toBeGreaterThan(50);
    const before = await chartLine(page);
    await page.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));
    await expect
      .poll(async () => JSON.stringify(await chartLine(page)) !== JSON.stringify(before), { timeout: 30_000 })
      .toBe(true);
    expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);

    // The alerts page: one firing, one acknowledged with Alice's comment in its history.
    await page.goto(`${base}/alerts`);
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    await expect(page.getByRole('link', { name: 'Slow responses (p95)' }).first()).toBeVisible();
    await page.goto(`${base}/alerts?tab=acknowledged`);
    await expect(page.getByRole('link', { name: 'High error rate' }).first()).toBeVisible();
    await page.getByRole('link', { name: 'High error rate' }).first().click();
    await expect(page.getByTestId('alert-history').getByText('Payment provider in us-east is returning 503s')).toBeVisible();

    // The demo channel's deliveries reached the server's own receiver.
    await page.goto(`${base}/alerts/channels`);
    await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
    await expect(page.getByRole('cell', { name: 'Demo receiver' }).first()).toBeVisible();
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.getByText('Delivered').count();
        },
        { timeout: 30_000 },
      )
      .toBeGreaterThan(0);
  } catch (error) {
    console.log(`--- first-run server output ---\n${log.join('').slice(-8000)}`);
    throw error;
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => {
      if (server.exitCode !== null) resolve(null);
      server.once('exit', resolve);
      setTimeout(resolve, 20_000);
    });
    await rm(dataDir, { recursive: true, force: true });
  }
});
