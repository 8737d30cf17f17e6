// Keyset paging as a person uses it: a tenant's users ten at a time, forward and back by cursor,
// sorted both ways, with the total and the page's number, the state kept in the URL.
import { test, expect, chooseTenant, hydrated, signInAsAdmin, unique } from './helpers';

test('page through a tenant’s users by cursor, forward, back and reversed', async ({ page }) => {
  test.slow();
  const slug = `pager-${unique()}`;
  const tenantName = `Pager ${slug}`;
  await signInAsAdmin(page);
  await page.goto('/tenants/new');
  await hydrated(page);
  await page.getByLabel('Name').fill(tenantName);
  await page.getByLabel('Slug').fill(slug);
  // Eleven members: more than the Free plan's ten.
  await page.getByLabel('Plan').selectOption({ label: 'Starter' });
  await page.getByRole('button', { name: 'Create tenant' }).click();
  await expect(page.getByRole('heading', { name: tenantName, level: 1 })).toBeVisible();
  const tenantPath = new URL(page.url()).pathname;

  const names = Array.from({ length: 11 }, (_, i) => `Member ${String(i + 1).padStart(2, '0')}`);
  for (const [i, name] of names.entries()) {
    await page.goto('/users/new');
    await hydrated(page);
    await chooseTenant(page, tenantName);
    await page.getByLabel('Email').fill(`member${i + 1}@${slug}.test`);
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Initial password').fill('correct-horse-42');
    await page.getByRole('button', { name: 'Create user' }).click();
    await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  }

  // The tenant's members table (its page also has a table of the tenant's limits).
  const rows = page.getByRole('region', { name: 'Users' }).getByRole('table').getByRole('row');
  const firstCell = rows.nth(1).getByRole('cell').first();
  await page.goto(`${tenantPath}?sort=name&dir=asc&per_page=10`);
  await hydrated(page);
  const pager = page.getByRole('navigation', { name: 'Pagination' });
  await expect(pager).toContainText('11 results');
  await expect(pager).toContainText('Page 1 of 2');
  await expect(rows).toHaveCount(11); // header + 10
  await expect(firstCell).toHaveText('Member 01');
  await expect(pager.getByRole('link', { name: 'Previous page' })).toHaveCount(0);

  await pager.getByRole('link', { name: 'Next page' }).click();
  await expect(page).toHaveURL(/after=/);
  await expect(pager).toContainText('Page 2 of 2');
  await expect(rows).toHaveCount(2);
  await expect(firstCell).toHaveText('Member 11');
  await expect(pager.getByRole('link', { name: 'Next page' })).toHaveCount(0);

  // Back by the cursor of the page's first row: exactly the first page again.
  await pager.getByRole('link', { name: 'Previous page' }).click();
  await expect(page).toHaveURL(/before=/);
  await expect(pager).toContainText('Page 1 of 2');
  await expect(rows).toHaveCount(11);
  await expect(firstCell).toHaveText('Member 01');
  await expect(rows.nth(10).getByRole('cell').first()).toHaveText('Member 10');

  // The same URL after a reload (server-rendered from the cursor), then reversed.
  await page.reload();
  await hydrated(page);
  await expect(firstCell).toHaveText('Member 01');
  await page.getByRole('link', { name: 'Sort by Name' }).click();
  await expect(page).toHaveURL(/sort=name&dir=desc/);
  await expect(page).not.toHaveURL(/before=|after=/);
  await expect(firstCell).toHaveText('Member 11');
  await pager.getByRole('link', { name: 'Next page' }).click();
  await expect(rows).toHaveCount(2);
  await expect(firstCell).toHaveText('Member 01');
  await pager.getByRole('link', { name: 'First page' }).click();
  await expect(firstCell).toHaveText('Member 11');

  // A cursor that is not one shows the first page, not an error.
  await page.goto(`${tenantPath}?sort=name&per_page=10&after=${encodeURIComponent("x,'; DROP TABLE users; --")}`);
  await hydrated(page);
  await expect(firstCell).toHaveText('Member 01');
  await expect(pager).toContainText('Page 1 of 2');
});
