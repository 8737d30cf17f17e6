// Time to interactive over a slow link: how long after navigation starts a page is hydrated
// (<body data-hydrated>), on /login and /analytics, with an empty cache (a first visit) and a warm
// one (assets from the HTTP cache, HTML revalidated), under Chromium's network emulation of about
// 1.6 Mbit/s down, 750 kbit/s up and 150 ms round trips, and how many bytes crossed the wire.
//
// A benchmark, not a test: it asserts only that every load hydrated and was measured, never a
// time. The test command runs it once per case as a smoke run (TTI_RUNS=1) so it cannot rot;
// `cargo xtask tti` runs it against the release site with more runs and keeps the figures in
// bench/results/ (see bench/README.md).
import * as fs from 'node:fs';
import type { BrowserContext, CDPSession, Page } from '@playwright/test';
import { test, expect, signInAsAdmin } from '../tests/helpers';

const RUNS = Math.max(1, Number(process.env.TTI_RUNS ?? '1'));
const OUT = process.env.TTI_OUT;

/** Chromium's emulated link; throughput is in bytes per second. */
const SLOW_LINK = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6e6 / 8) | 0,
  uploadThroughput: (0.75e6 / 8) | 0,
};

interface Load {
  route: string;
  cache: 'cold' | 'warm';
  /** Milliseconds from navigation start to <body data-hydrated>. */
  hydratedMs: number;
  /** Bytes received over the (emulated) network, headers included, for the whole load. */
  transferred: number;
}

/** Records, inside the page, when the shell marks the body hydrated. */
async function watchHydration(context: BrowserContext) {
  await context.addInitScript(() => {
    const mark = () => {
      if (document.body?.dataset.hydrated === 'true') {
        (window as unknown as { __hydratedAt?: number }).__hydratedAt ??= performance.now();
        return true;
      }
      return false;
    };
    new MutationObserver(mark).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
  });
}

/** Sums what the network delivered between `start` and `stop`. */
function countBytes(cdp: CDPSession) {
  let bytes = 0;
  const onFinished = (event: { encodedDataLength: number }) => {
    bytes += event.encodedDataLength;
  };
  cdp.on('Network.loadingFinished', onFinished);
  return () => {
    cdp.off('Network.loadingFinished', onFinished);
    return bytes;
  };
}

async function measure(page: Page, cdp: CDPSession, route: string, cache: Load['cache']): Promise<Load> {
  if (cache === 'cold') await cdp.send('Network.clearBrowserCache');
  await cdp.send('Network.emulateNetworkConditions', SLOW_LINK);
  const stop = countBytes(cdp);
  await page.goto(route, { waitUntil: 'commit' });
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true', { timeout: 120_000 });
  // Let the last responses finish so their bytes are counted.
  await page.waitForLoadState('load');
  const transferred = stop();
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  const hydratedMs = await page.evaluate(() => (window as unknown as { __hydratedAt?: number }).__hydratedAt ?? NaN);
  expect(Number.isFinite(hydratedMs), `${route} (${cache}): hydration time recorded`).toBe(true);
  return { route, cache, hydratedMs: Math.round(hydratedMs), transferred };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : Math.round((sorted[mid - 1] + sorted[mid]) / 2);
}

test('time to hydrated on /login and /analytics over a 1.6 Mbit/s, 150 ms link, cold and warm cache', async ({
  browser,
}) => {
  test.setTimeout(RUNS * 4 * 150_000);
  const loads: Load[] = [];
  for (let run = 0; run < RUNS; run++) {
    for (const route of ['/login', '/analytics']) {
      // A fresh context per run: its own cookies and its own empty HTTP cache.
      const context = await browser.newContext();
      await watchHydration(context);
      const page = await context.newPage();
      if (route !== '/login') {
        // Signed in over the unthrottled link; the measured load below starts with a cold cache.
        await signInAsAdmin(page);
      }
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await page.goto('about:blank');
      loads.push(await measure(page, cdp, route, 'cold'));
      await page.goto('about:blank');
      loads.push(await measure(page, cdp, route, 'warm'));
      await context.close();
    }
  }

  const rows = ['/login', '/analytics'].flatMap((route) =>
    (['cold', 'warm'] as const).map((cache) => {
      const mine = loads.filter((l) => l.route === route && l.cache === cache);
      return {
        route,
        cache,
        runs: mine.length,
        medianHydratedMs: median(mine.map((l) => l.hydratedMs)),
        medianTransferred: median(mine.map((l) => l.transferred)),
      };
    }),
  );
  console.log('route       cache  runs  hydrated (median ms)  transferred (median B)');
  for (const r of rows) {
    console.log(
      `${r.route.padEnd(11)} ${r.cache.padEnd(6)} ${String(r.runs).padStart(4)}  ${String(r.medianHydratedMs).padStart(20)}  ${String(r.medianTransferred).padStart(22)}`,
    );
  }
  if (OUT) fs.writeFileSync(OUT, JSON.stringify({ link: SLOW_LINK, rows, loads }, null, 2));
  expect(loads).toHaveLength(RUNS * 4);
});
