// Phone-sized screens (375 px): the sidebar folds into a menu button, the page never scrolls
// sideways (wide tables scroll inside the content), the menu closes on a followed link and on
// Escape, and in Arabic it opens from the right.
import { test, expect, hydrated, signInAs, unique } from './helpers';
import type { Page } from '@playwright/test';

test.use({ viewport: { width: 375, height: 740 } });

async function pageScrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
}

test('at 375 px the sidebar is a menu and nothing scrolls the page sideways', async ({ page }) => {
  await signInAs(page, 'alice@acme.test', 'Alice Admin');
  const menu = page.getByRole('button', { name: 'Menu', exact: true });
  const nav = page.locator('#sidebar-menu').getByRole('navigation');
  await expect(menu).toBeVisible();
  await expect(nav).toBeHidden();
  expect(await pageScrollsSideways(page)).toBe(false);

  // Open it, follow a link: the page changes and the menu folds away again.
  await menu.click();
  await expect(nav).toBeVisible();
  // A popover the browser opened (assistive technology hears the button as expanded).
  expect(await page.locator('#sidebar-menu').evaluate((menu) => menu.matches(':popover-open'))).toBe(true);
  await nav.getByRole('link', { name: 'Users', exact: true }).click();
  await expect(page).toHaveURL(/\/t\/acme\/users$/);
  await expect(page.getByRole('heading', { name: 'Users', level: 1 })).toBeVisible();
  await expect(nav).toBeHidden();
  // The members table is wider than a phone: it scrolls inside the content, not the page.
  expect(await pageScrollsSideways(page)).toBe(false);
  await expect(page.locator('table.data').first()).toBeVisible();

  // Escape closes it; the account's controls live in it too.
  await menu.click();
  await expect(page.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(nav).toBeHidden();
  await expect(menu).toBeFocused();

  // Forms fit: the new-member form's fields are inside the screen.
  await page.goto('/t/acme/users/new');
  await hydrated(page);
  const email = await page.getByLabel('Email').boundingBox();
  expect(email && email.x >= 0 && email.x + email.width <= 375).toBe(true);
  expect(await pageScrollsSideways(page)).toBe(false);
});

test('a chart takes the width of a phone and follows it when the screen turns', async ({ page, request }) => {
  await signInAs(page, 'alice@acme.test', 'Alice Admin');
  // A metric to chart: an API key sends a point.
  await page.goto('/t/acme/api-keys');
  await hydrated(page);
  await page.getByLabel('Name').fill(`e2e phone ${unique()}`);
  await page.getByRole('checkbox', { name: /metrics:write/ }).check();
  await page.getByRole('button', { name: 'Create key' }).click();
  const key = ((await page.getByTestId('issued-key').textContent()) ?? '').trim();
  const metric = `e2e.phone_${unique()}`;
  const sent = await request.post('/api/v1/metrics', {
    headers: { Authorization: `Bearer ${key}` },
    data: { points: [{ metric, value: 7 }] },
  });
  expect(sent.status(), await sent.text()).toBe(200);

  await page.goto(`/t/acme/analytics?metric=${metric}`);
  await hydrated(page);
  const canvas = page.locator('#metric-chart canvas');
  await expect(canvas).toBeVisible();
  const narrow = (await canvas.boundingBox())?.width ?? 0;
  expect(narrow).toBeGreaterThan(200);
  expect(narrow).toBeLessThanOrEqual(375);
  expect(await pageScrollsSideways(page)).toBe(false);
  // Turned: the chart redraws at the new width.
  await page.setViewportSize({ width: 740, height: 375 });
  await expect.poll(async () => (await canvas.boundingBox())?.width ?? 0).toBeGreaterThan(narrow + 200);
});

test('in Arabic the phone menu opens from the right', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'ar', viewport: { width: 375, height: 740 } });
  const page = await context.newPage();
  await page.goto('/login');
  await hydrated(page);
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  expect(await pageScrollsSideways(page)).toBe(false);
  await page.locator('#field-email').fill('alice@acme.test');
  await page.locator('#field-password').fill(process.env.ATRIUM_ADMIN_PASSWORD ?? '');
  await page.locator('form button[type=submit]').first().click();
  await expect(page.getByTestId('current-user')).toHaveText('Alice Admin');
  await hydrated(page);
  await page.locator('.menu-button').click();
  const panel = await page.locator('#sidebar-menu').boundingBox();
  expect(panel && Math.round(panel.x + panel.width)).toBe(375);
  expect(panel && panel.x).toBeGreaterThan(0);
  await context.close();
});
