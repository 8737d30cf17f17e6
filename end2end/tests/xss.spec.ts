// Markup typed into names must stay text everywhere it lands: in server-rendered HTML (including
// the page title, which is written outside the view), after hydration, and on client-side
// navigation. The payload closes the title first, as an attacker's would.
import type { Page } from '@playwright/test';
import { test, expect, chooseTenant, hydrated, signInAsAdmin, unique } from './helpers';

const payload = (tag: string) => `${tag} </title><img src=x onerror="window.__xss='${tag}'">`;

/** Fails the test if the payload ran or became an element, and checks it reads as text. */
async function assertInert(page: Page, text: string) {
  expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(await page.title()).toContain(text);
}

test('markup in user and tenant names stays text in titles, pages and after hydration', async ({ page }) => {
  let dialogs = 0;
  page.on('dialog', async (dialog) => {
    dialogs += 1;
    await dialog.dismiss();
  });
  await signInAsAdmin(page);

  const tenantName = payload('T');
  const slug = `xss-${unique()}`;
  await page.goto('/tenants/new');
  await hydrated(page);
  await page.getByLabel('Name').fill(tenantName);
  await page.getByLabel('Slug').fill(slug);
  await page.getByRole('button', { name: 'Create tenant' }).click();
  await expect(page.getByRole('heading', { name: tenantName, level: 1 })).toBeVisible();
  const tenantUrl = page.url();

  const userName = payload('U');
  await page.goto('/users/new');
  await hydrated(page);
  await chooseTenant(page, tenantName);
  await page.getByLabel('Email').fill(`xss-${unique()}@example.test`);
  await page.getByLabel('Name', { exact: true }).fill(userName);
  await page.getByLabel('Initial password').fill('long-enough-password');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('heading', { name: userName, level: 1 })).toBeVisible();
  const userUrl = page.url();

  // Server-rendered: the raw HTML must carry the names escaped, title included.
  for (const url of [userUrl, tenantUrl]) {
    const html = await (await page.request.get(url)).text();
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x');
  }

  // Loaded fresh (server HTML, then hydration) and reached by client-side navigation.
  for (const [url, text] of [
    [userUrl, userName],
    [tenantUrl, tenantName],
  ]) {
    await page.goto(url);
    await hydrated(page);
    await assertInert(page, text);
  }
  await page.goto(`/tenants?q=${encodeURIComponent(slug)}`);
  await hydrated(page);
  await page.getByRole('link', { name: tenantName }).click();
  await expect(page.getByRole('heading', { name: tenantName, level: 1 })).toBeVisible();
  await assertInert(page, tenantName);
  expect(dialogs).toBe(0);
});
