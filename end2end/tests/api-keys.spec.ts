// API keys journey: a tenant admin creates a key that is shown (and copied) once, finds only its
// prefix after a reload, rotates it (the new key shown once) and revokes it; a Viewer sees the
// list without create, rotate or revoke controls; a platform administrator picks the tenant and
// revokes its key. Every key a spec creates ends revoked, so re-runs stay within the quota.
import { type Page } from '@playwright/test';
import { test, expect, chooseTenant, hydrated, signInAs, signInAsAdmin, signOut, unique } from './helpers';

const KEY = /^atr_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/;
const SIGNING_SECRET = /^ats_[A-Za-z0-9_-]{43}$/;

async function openKeysPage(page: Page) {
  await page.getByRole('link', { name: 'API keys' }).click();
  await expect(page.getByRole('heading', { name: 'API keys', level: 1 })).toBeVisible();
  await hydrated(page);
}

/** Creates a metrics:write key through the form; returns the key shown once. */
async function createKey(page: Page, name: string): Promise<string> {
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('metrics:write').check();
  await page.getByRole('button', { name: 'Create key' }).click();
  const shown = page.getByTestId('issued-key');
  await expect(shown).toHaveText(KEY);
  return (await shown.textContent()) ?? '';
}

function keyRow(page: Page, name: string) {
  return page.getByRole('row').filter({ hasText: name });
}

async function revokeKey(page: Page, name: string, prefix: string) {
  const row = keyRow(page, name);
  await row.getByRole('button', { name: 'Revoke' }).click();
  await page.getByLabel(/Type the key prefix/).fill(prefix);
  await page.getByRole('button', { name: 'Revoke this key' }).click();
  await expect(row.getByRole('cell', { name: 'Revoked', exact: true })).toBeVisible();
  await expect(row.getByRole('button')).toHaveCount(0);
}

test('an admin creates a key, sees it once, rotates it and revokes it', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const name = `ingest ${unique()}`;
  await signInAs(page, 'alice@acme.test', 'Alice Admin');
  await openKeysPage(page);
  await expect(page.getByTestId('key-quota')).toHaveText(/^\d+ of 25 keys used \(Professional plan\)$/);

  // Without a scope the form says so next to the scopes and creates nothing.
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Create key' }).click();
  await expect(page.locator('#field-scopes-error')).toHaveText('Choose at least one scope.');
  await expect(keyRow(page, name)).toHaveCount(0);

  await page.getByLabel('Expires').selectOption({ label: 'After 90 days' });
  const key = await createKey(page, name);
  const panel = page.getByTestId('issued-panel');
  await expect(panel).toContainText('You won’t see this key or its signing secret again.');
  await expect(page.getByTestId('issued-signing-secret')).toHaveText(SIGNING_SECRET);
  await panel.getByRole('button', { name: 'Copy key' }).click();
  await expect(panel.getByRole('button', { name: 'Copied' })).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toMatch(KEY);
  expect(copied).toBe(key);

  const prefix = key.split('_')[1];
  const secret = key.slice(`atr_${prefix}_`.length);
  const row = keyRow(page, name);
  await expect(row.getByTestId('key-prefix')).toHaveText(`atr_${prefix}_…`);
  await expect(row).toContainText('metrics:write');
  await expect(row).toContainText('by Alice Admin');
  await expect(row.getByRole('cell', { name: 'Active', exact: true })).toBeVisible();
  await panel.getByRole('button', { name: 'I have stored them' }).click();
  await expect(panel).toHaveCount(0);

  // A reload shows the prefix and never the secret.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId('issued-panel')).toHaveCount(0);
  await expect(row.getByTestId('key-prefix')).toHaveText(`atr_${prefix}_…`);
  expect(await page.content()).not.toContain(secret);

  // Rotation: a new key (new prefix) shown once; the old one keeps working for the grace period.
  await row.getByRole('button', { name: 'Rotate' }).click();
  await page.getByLabel('Old key keeps working for').selectOption({ label: '1 hour' });
  await page.getByRole('button', { name: 'Rotate key', exact: true }).click();
  const shown = page.getByTestId('issued-key');
  await expect(shown).toHaveText(KEY);
  const rotated = (await shown.textContent()) ?? '';
  expect(rotated).not.toBe(key);
  const newPrefix = rotated.split('_')[1];
  await expect(row.getByTestId('key-prefix')).toHaveText(`atr_${newPrefix}_…`);
  await expect(row).toContainText('Previous key works until');

  await revokeKey(page, name, newPrefix);
  await page.reload();
  await hydrated(page);
  await expect(keyRow(page, name).getByRole('cell', { name: 'Revoked', exact: true })).toBeVisible();
  expect(await page.content()).not.toContain(rotated.slice(`atr_${newPrefix}_`.length));

  // The list narrows by status, in the URL: the revoked key is under Revoked, not under Active.
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Revoked' });
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(page).toHaveURL(/[?&]status=revoked/);
  await expect(keyRow(page, name).getByRole('cell', { name: 'Revoked', exact: true })).toBeVisible();
  await expect(page.locator('table.keys').getByRole('cell', { name: 'Active', exact: true })).toHaveCount(0);
  await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Active' });
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(page).toHaveURL(/[?&]status=active/);
  await expect(keyRow(page, name)).toHaveCount(0);
  await page.goto('/api-keys');
  await hydrated(page);

  // The tenant's signing policy: on, kept across a reload, then back off.
  const signing = page.getByLabel('Require signed ingestion');
  await expect(signing).not.toBeChecked();
  await signing.check();
  await expect(page.getByText('Signed ingestion is now required.')).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(signing).toBeChecked();
  await signing.uncheck();
  await expect(page.getByText('Signed ingestion is now optional.')).toBeVisible();
  await expect(signing).not.toBeChecked();
  await signOut(page);
});

test('a viewer sees the keys without controls; a platform admin revokes them', async ({ page }) => {
  const name = `viewer check ${unique()}`;
  await signInAs(page, 'alice@acme.test', 'Alice Admin');
  await openKeysPage(page);
  const key = await createKey(page, name);
  const prefix = key.split('_')[1];
  await signOut(page);

  await signInAs(page, 'victor@acme.test', 'Victor Viewer');
  await openKeysPage(page);
  const row = keyRow(page, name);
  await expect(row.getByTestId('key-prefix')).toHaveText(`atr_${prefix}_…`);
  await expect(row.getByRole('cell', { name: 'Active', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Create key' })).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'New API key' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^(Rotate|Revoke)/ })).toHaveCount(0);
  await expect(page.getByLabel('Require signed ingestion')).toBeDisabled();
  await signOut(page);

  // The platform administrator chooses Acme, sees the key, cannot issue one, and revokes it.
  await signInAsAdmin(page);
  await openKeysPage(page);
  await expect(page.getByText('Choose a tenant to see its API keys.')).toBeVisible();
  await chooseTenant(page, 'Acme Corp');
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/tenant_id=/);
  await hydrated(page);
  await expect(keyRow(page, name).getByTestId('key-prefix')).toHaveText(`atr_${prefix}_…`);
  await expect(page.getByRole('button', { name: 'Create key' })).toHaveCount(0);
  await expect(keyRow(page, name).getByRole('button', { name: 'Rotate' })).toHaveCount(0);
  await revokeKey(page, name, prefix);
  await signOut(page);
});
