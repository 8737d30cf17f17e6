// Data rights and security journeys in the portal: a workspace administrator downloads the archive
// and follows its progress to "done"; then erases a member, who disappears from the members list
// while the audit trail still verifies and names them only by a pseudonym; and shortens sessions.
import * as fs from 'node:fs';
import { test, expect, hydrated, signIn, unique, PASSWORD } from './helpers';

test('a workspace administrator downloads the archive and sees the export finish', async ({ page }) => {
  await signIn(page, 'alice@acme.test', PASSWORD);
  await expect(page).toHaveURL(/\/t\/acme$/);
  await hydrated(page);
  await page.getByRole('link', { name: 'Data', exact: true }).click();
  await expect(page).toHaveURL(/\/t\/acme\/data$/);
  await expect(page.getByRole('heading', { name: 'Data and privacy' })).toBeVisible();

  const downloading = page.waitForEvent('download');
  await page.getByTestId('export-workspace').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^atrium-workspace-\d{8}-\d{6}\.zip$/);
  const file = await download.path();
  const bytes = fs.readFileSync(file);
  // A ZIP: local file header first, end of central directory last.
  expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  expect(bytes.includes(Buffer.from('manifest.json'))).toBe(true);

  const newest = page.getByTestId('exports').locator('tbody tr').first();
  await expect(newest).toHaveAttribute('data-status', 'done', { timeout: 15_000 });
  await expect(newest.getByRole('progressbar')).toHaveAttribute('value', '100');
  await expect(newest).toContainText('the workspace');
});

test('erasing a member removes them and keeps the audit trail verifiable', async ({ page }) => {
  const email = `erase-${unique()}@acme.test`;
  await signIn(page, 'alice@acme.test', PASSWORD);
  await expect(page).toHaveURL(/\/t\/acme$/);
  await page.goto('/t/acme/users/new');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name', { exact: true }).fill('Erin Erasable');
  await page.getByLabel('Role').selectOption({ label: 'Viewer' });
  await page.getByLabel('Initial password').fill('correct-horse-42');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('heading', { name: 'Erin Erasable', level: 1 })).toBeVisible();

  await page.getByText('Erase personal data').click();
  const button = page.getByRole('button', { name: 'Erase this person' });
  await expect(button).toBeDisabled();
  await page.locator('#erase-typed').fill(email);
  await button.click();
  await expect(page.getByText('Personal data erased.')).toBeVisible();
  await expect(page).toHaveURL(/\/t\/acme\/users$/);
  await expect(page.getByText(email)).toHaveCount(0);

  await page.goto('/t/acme/audit');
  await hydrated(page);
  await expect(page.getByText(email)).toHaveCount(0);
  await page.getByRole('button', { name: 'Verify chain' }).click();
  await expect(page.getByText(/had personal data erased/)).toBeVisible();
});

test('a workspace administrator shortens sessions on the security page', async ({ page }) => {
  await signIn(page, 'alice@acme.test', PASSWORD);
  await expect(page).toHaveURL(/\/t\/acme$/);
  await hydrated(page);
  await page.getByRole('link', { name: 'Security', exact: true }).click();
  await expect(page).toHaveURL(/\/t\/acme\/security$/);
  const idle = page.getByLabel('Sign out after inactivity (minutes)');
  const longest = page.getByLabel('Longest session (hours)');
  await idle.fill('2');
  await longest.fill('8');
  await page.getByRole('button', { name: 'Save security settings' }).click();
  await expect(idle).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Enter a whole number from 5 to 480 minutes, or leave it empty.')).toBeVisible();

  await idle.fill('30');
  await page.getByRole('button', { name: 'Save security settings' }).click();
  await expect(page.getByText('Security settings saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Sign out after inactivity (minutes)')).toHaveValue('30');
  await expect(page.getByLabel('Longest session (hours)')).toHaveValue('8');

  // Back to the platform's values, so other journeys keep their sessions.
  await hydrated(page);
  await page.getByLabel('Sign out after inactivity (minutes)').fill('');
  await page.getByLabel('Longest session (hours)').fill('');
  await page.getByRole('button', { name: 'Save security settings' }).click();
  await expect(page.getByText('Security settings saved.')).toBeVisible();
});
