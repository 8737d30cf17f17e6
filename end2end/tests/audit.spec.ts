// Audit log journey for a platform administrator: a tenant edit shows up with a field-by-field
// before/after diff, filters live in the URL, the chain verifies, security events filter, and
// the CSV export downloads exactly the filtered rows; and a tenant admin sets the retention.
import { readFile } from 'node:fs/promises';
import { test, expect, hydrated, signIn, signInAs, signInAsAdmin, unique } from './helpers';

test('a tenant edit appears with its diff, filters apply, the chain verifies and CSV exports', async ({ page }) => {
  // A security event to filter for later: a wrong password for a tenant user.
  await signIn(page, 'hank@globex.test', 'not-the-password');
  await expect(page.getByRole('alert')).toContainText('Incorrect email or password.');

  const slug = `audited-${unique()}`;
  await signInAsAdmin(page);
  await page.goto('/tenants/new');
  await hydrated(page);
  await page.getByLabel('Name').fill('Audit Target');
  await page.getByLabel('Slug').fill(slug);
  await page.getByRole('button', { name: 'Create tenant' }).click();
  await expect(page.getByRole('heading', { name: 'Audit Target', level: 1 })).toBeVisible();
  const tenantId = new URL(page.url()).pathname.split('/').pop() ?? '';
  expect(tenantId).toMatch(/^[0-9a-f-]{36}$/);
  await hydrated(page);
  await page.getByRole('link', { name: 'Edit' }).click();
  await page.getByLabel('Name').fill('Audit Target Renamed');
  await page.getByLabel('Plan').selectOption({ label: 'Enterprise' });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Audit Target Renamed', level: 1 })).toBeVisible();

  // The audit page, filtered to this tenant's edits; the filter is kept in the URL.
  await page.getByRole('link', { name: 'Audit', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Audit log', level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByLabel('Action', { exact: true }).fill('tenant.update');
  await page.getByLabel('Entity ID').fill(tenantId);
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/action=tenant\.update/);
  await expect(page).toHaveURL(new RegExp(`entity_id=${tenantId}`));
  const rows = page.locator('table.audit > tbody > tr');
  await expect(rows).toHaveCount(1);
  const row = rows.first();
  await expect(row).toContainText('tenant.update');
  await expect(row).toContainText('admin@atrium.local');
  await expect(row).toContainText('Audit Target Renamed');

  // The tenant chooser searches as one types (here by slug); the choice travels in the URL and
  // is shown by name when the page is opened again.
  const chooser = page.getByRole('combobox', { name: 'Tenant' });
  await chooser.fill(slug);
  await page.getByRole('option').filter({ hasText: 'Audit Target Renamed' }).click();
  await expect(chooser).toHaveValue('Audit Target Renamed');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(new RegExp(`tenant=${tenantId}`));
  await expect(rows).toHaveCount(1);
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Tenant' })).toHaveValue('Audit Target Renamed');
  await hydrated(page);

  // Row detail: changed fields highlighted, unchanged ones collapsed.
  await hydrated(page);
  await row.getByText('Show changes').click();
  const changed = row.getByRole('table', { name: 'Changed fields' });
  await expect(changed).toBeVisible();
  const nameRow = changed.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'name', exact: true }) });
  await expect(nameRow.locator('del')).toHaveText('Audit Target');
  await expect(nameRow.locator('ins')).toHaveText('Audit Target Renamed');
  const planRow = changed.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'plan', exact: true }) });
  await expect(planRow.locator('del')).toHaveText('Free');
  await expect(planRow.locator('ins')).toHaveText('Enterprise');
  await expect(changed.getByRole('rowheader', { name: 'slug', exact: true })).toHaveCount(0);
  const unchanged = row.getByRole('table', { name: 'Unchanged fields' });
  await expect(unchanged).toBeHidden();
  await row.getByText(/\d+ unchanged fields/).click();
  await expect(unchanged.getByRole('row').filter({ hasText: slug })).toBeVisible();

  // Verify the chain.
  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByRole('status', { name: 'Chain verification' })).toContainText('Chain intact.');

  // Export the filtered set as CSV and read the download.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Export CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^audit-.*\.csv$/);
  const csv = await readFile(await download.path(), 'utf8');
  const lines = csv.trimEnd().split('\r\n');
  expect(lines[0]).toBe(
    'audit_id,occurred_at,tenant_id,tenant_name,actor_kind,actor_id,actor_email,action,entity_type,entity_id,ip,user_agent,request_id,chain_seq,before,after,impersonator_id',
  );
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(`,${tenantId},Audit Target Renamed,platform_user,`);
  expect(lines[1]).toContain(',admin@atrium.local,tenant.update,tenant,');
  expect(lines[1]).toContain('""name"":""Audit Target Renamed""');

  // Security events only: the failed sign-in is there, and nothing else but security events.
  await page.getByRole('link', { name: 'Clear filters' }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await hydrated(page);
  await page.getByLabel('Security events only').check();
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/security=1/);
  const security = page.locator('table.audit > tbody > tr');
  await expect(security.filter({ hasText: 'auth.login_failed' }).first()).toBeVisible();
  const count = await security.count();
  for (let i = 0; i < count; i++) {
    await expect(security.nth(i).locator('.badge.security')).toHaveText('Security');
  }
});

test('a tenant admin sets how long audit entries are kept', async ({ page }) => {
  await signInAs(page, 'alice@acme.test', 'Alice Admin');
  await page.goto('/audit');
  await hydrated(page);
  const days = page.getByLabel('Keep audit entries for (days)');
  await days.fill('7');
  await page.getByRole('button', { name: 'Save retention' }).click();
  await expect(page.locator('#field-days-error')).toHaveText('Choose a whole number of days from 30 to 3650.');
  await days.fill('180');
  await page.getByRole('button', { name: 'Save retention' }).click();
  await expect(page.getByText('Retention saved.')).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel('Keep audit entries for (days)')).toHaveValue('180');
});
