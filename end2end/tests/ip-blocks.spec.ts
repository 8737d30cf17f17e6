// IP blocks journey for a platform administrator: the page is in the navigation, a bad address
// is refused next to its field, a range is blocked (and listed with why, by whom and until when),
// then lifted. Specs run from 127.0.0.1, so the blocked range is a documentation range
// (192.0.2.0/24) that no request of this run comes from.
import { test, expect, hydrated, signInAsAdmin, signInAs, unique } from './helpers';

test('a platform administrator blocks a range, sees it and lifts it', async ({ page }) => {
  const reason = `scanner ${unique()} <b>not bold</b>`;
  await signInAsAdmin(page);
  await page.getByRole('link', { name: 'IP blocks' }).click();
  await expect(page.getByRole('heading', { name: 'IP blocks', level: 1 })).toBeVisible();
  await hydrated(page);

  // Host bits after the prefix: refused next to the field, nothing blocked.
  await page.getByLabel('Address or range').fill('192.0.2.7/24');
  await page.getByLabel('Reason').fill(reason);
  await page.getByRole('button', { name: 'Block' }).click();
  await expect(page.locator('#field-network-error')).toHaveText(/write the network's first address/);
  await expect(page.getByLabel('Address or range')).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('Address or range').fill('192.0.2.0/24');
  await page.getByLabel('Duration').selectOption({ label: '24 hours' });
  await page.getByRole('button', { name: 'Block' }).click();
  const table = page.getByRole('table', { name: 'IP blocks' });
  const row = table.getByRole('row').filter({ hasText: '192.0.2.0/24' });
  await expect(row).toBeVisible();
  await expect(row.getByText('Manual', { exact: true })).toBeVisible();
  // The reason is text, never markup.
  await expect(row.getByText(reason)).toBeVisible();
  await expect(row.locator('b')).toHaveCount(0);
  await expect(row.getByText(/^by /)).toBeVisible();

  await row.getByRole('button', { name: 'Lift the block of 192.0.2.0/24' }).click();
  await expect(table.getByRole('row').filter({ hasText: '192.0.2.0/24' })).toHaveCount(0);
  await page.reload();
  await hydrated(page);
  await expect(page.getByText('No address is blocked.')).toBeVisible();

  // The audit trail has both.
  await page.goto('/audit');
  await hydrated(page);
  await expect(page.getByText('ip_block.create').first()).toBeVisible();
  await expect(page.getByText('ip_block.lift').first()).toBeVisible();
});

test('a tenant administrator has no IP blocks page', async ({ page }) => {
  await signInAs(page, 'alice@acme.test', 'Alice Admin');
  await expect(page.getByRole('link', { name: 'IP blocks' })).toHaveCount(0);
  await page.goto('/system/ip-blocks');
  await expect(page.getByRole('alert')).toContainText('system:monitor');
});
