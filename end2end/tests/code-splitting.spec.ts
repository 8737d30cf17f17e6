// The wasm is split by area (app/src/shell/routes.rs): the sign-in page needs the main module
// only, a page of an area needs its chunk files too, which the server lists as preloads in the
// head so they download beside the main module, and moving to another area in the browser loads
// that area's files on the way, without a reload.
import type { Page, Response } from '@playwright/test';
import { test, expect, hydrated, signInAsAdmin } from './helpers';

/** Every `.wasm` the page fetches, as its path. */
function wasmRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('response', (response: Response) => {
    const url = new URL(response.url());
    if (url.pathname.endsWith('.wasm')) {
      expect(response.status(), url.pathname).toBe(200);
      seen.push(url.pathname);
    }
  });
  return seen;
}

/** The wasm files the document head preloads. */
async function wasmPreloads(page: Page): Promise<string[]> {
  return page
    .locator('head link[rel="preload"][type="application/wasm"]')
    .evaluateAll((links) => links.map((link) => new URL((link as HTMLLinkElement).href).pathname));
}

const isSplit = (path: string) => /\/split_[a-z_]+_\d+\.wasm$/.test(path);

test('the sign-in page loads the main module alone', async ({ page }) => {
  const fetched = wasmRequests(page);
  await page.goto('/login');
  await hydrated(page);
  const preloads = await wasmPreloads(page);
  expect(preloads).toHaveLength(1);
  expect(preloads[0]).toMatch(/^\/pkg\/[0-9a-f]{16}\/atrium_bg\.wasm$/);
  expect(fetched).toEqual(preloads);
  await expect(page.locator('head link[rel="modulepreload"][href$="/__wasm_split.js"]')).toHaveCount(1);
});

test('a page preloads its area, and moving to another area loads that one without a reload', async ({ page }) => {
  await signInAsAdmin(page);
  const fetched = wasmRequests(page);

  // A fresh load of an alerting page: the head lists the alerting chunk files, and those are
  // what the browser fetched before the page came alive.
  await page.goto('/alerts');
  await hydrated(page);
  const preloads = await wasmPreloads(page);
  expect(preloads.filter(isSplit)).toEqual([expect.stringMatching(/\/split_alerting_area_\d+\.wasm$/)]);
  expect(preloads.length).toBeGreaterThan(2);
  await expect.poll(() => [...new Set(fetched)].sort()).toEqual([...preloads].sort());

  // In-app navigation to the people area: one more split module, no new document.
  const marker = await page.evaluate(() => ((window as unknown as { __same?: number }).__same = Math.random()));
  fetched.length = 0;
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Users' }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await expect.poll(() => fetched.filter(isSplit)).toEqual([expect.stringMatching(/\/split_people_area_\d+\.wasm$/)]);
  expect(await page.evaluate(() => (window as unknown as { __same?: number }).__same)).toBe(marker);

  // The loaded page is interactive: changing the page size navigates in the browser.
  await page.getByLabel('Rows per page').selectOption('10');
  await expect(page).toHaveURL(/[?&]per_page=10/);
  expect(await page.evaluate(() => (window as unknown as { __same?: number }).__same)).toBe(marker);

  // Back to an area already loaded: nothing is fetched again.
  fetched.length = 0;
  await page.goBack();
  await page.goBack();
  await expect(page).toHaveURL(/\/alerts$/);
  await expect(page.getByRole('heading', { name: 'Alerts', level: 1 })).toBeVisible();
  expect(fetched.filter(isSplit)).toEqual([]);
});
