// The theme switch: a person picks Dark in the sidebar; the page comes back dark from its first
// byte (the server renders the theme, no flash), charts draw on ECharts' dark theme, the choice
// follows the account to another browser, and System hands the choice back to the device.
import { test, expect, hydrated, signInAs, unique } from './helpers';
import type { Page } from '@playwright/test';

const DARK_BG = 'rgb(15, 17, 21)';
const LIGHT_BG = 'rgb(246, 247, 249)';

async function background(page: Page): Promise<string> {
  return page.evaluate(() => getComputedStyle(document.body).backgroundColor);
}

/** Whether ECharts drew the metric chart with its dark theme. */
async function chartIsDark(page: Page): Promise<boolean | undefined> {
  return page.evaluate(() => {
    type Instance = { getOption(): { darkMode?: boolean } };
    const echarts = (window as unknown as { echarts?: { getInstanceByDom(e: Element | null): Instance | undefined } })
      .echarts;
    return echarts?.getInstanceByDom(document.getElementById('metric-chart'))?.getOption().darkMode;
  });
}

test('the theme is picked in the sidebar, kept with the account and rendered before any script', async ({ page, browser, request }) => {
  await signInAs(page, 'alice@acme.test', 'Alice Admin');
  // A metric to chart: an API key sends one point.
  await page.goto('/t/acme/api-keys');
  await hydrated(page);
  await page.getByLabel('Name').fill(`e2e theme ${unique()}`);
  await page.getByRole('checkbox', { name: /metrics:write/ }).check();
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = ((await page.getByTestId('issued-key').textContent()) ?? '').trim();
  const metric = `e2e.theme_${unique()}`;
  const sent = await request.post('/api/v1/metrics', {
    headers: { Authorization: `Bearer ${key}` },
    data: { points: [{ metric, value: 42 }] },
  });
  expect(sent.status(), await sent.text()).toBe(200);

  await page.goto('/t/acme');
  await hydrated(page);
  await expect(page.locator('html')).not.toHaveAttribute('data-theme');
  expect(await background(page)).toBe(LIGHT_BG);
  await expect(page.getByRole('button', { name: 'System' })).toHaveAttribute('aria-pressed', 'true');

  await page.getByRole('button', { name: 'Dark' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await hydrated(page);
  await expect(page).toHaveURL(/\/t\/acme$/);
  expect(await background(page)).toBe(DARK_BG);
  await expect(page.getByRole('button', { name: 'Dark' })).toHaveAttribute('aria-pressed', 'true');
  // The server writes it into the document: dark before any script or stylesheet runs.
  const html = await (await page.request.get('/t/acme/users')).text();
  expect(html).toMatch(/<html[^>]* data-theme="dark"/);

  // Charts follow it.
  await page.goto(`/t/acme/analytics?metric=${metric}`);
  await hydrated(page);
  await expect(page.locator('#metric-chart canvas')).toBeVisible();
  await expect.poll(() => chartIsDark(page)).toBe(true);

  // Another browser: signed in, Alice gets her theme from her account.
  const other = await browser.newContext();
  const second = await other.newPage();
  await signInAs(second, 'alice@acme.test', 'Alice Admin');
  await expect(second.locator('html')).toHaveAttribute('data-theme', 'dark');
  await other.close();

  // System: the device decides again, light here, dark on a device that prefers dark.
  await page.goto('/t/acme');
  await hydrated(page);
  await page.getByRole('button', { name: 'System' }).click();
  await expect(page.getByRole('button', { name: 'System' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).not.toHaveAttribute('data-theme');
  expect(await background(page)).toBe(LIGHT_BG);
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await background(page)).toBe(DARK_BG);
  await page.goto(`/t/acme/analytics?metric=${metric}`);
  await hydrated(page);
  await expect(page.locator('#metric-chart canvas')).toBeVisible();
  await expect.poll(() => chartIsDark(page)).toBe(true);
  await page.emulateMedia({ colorScheme: 'light' });
});
