// Your account: a member signed in on two browsers sees both sessions, this one marked, and ends
// the other, which is signed out at its next step; a password change refuses a wrong current
// password and a common new one next to their fields, then succeeds; the administrator signs the
// member out everywhere from the member's page.
import { test, expect, addTenantMember, createTenant, hydrated, signIn, signInAsAdmin, signOut, unique } from './helpers';

const PASSWORD = 'correct-horse-42';

test('sessions are listed and ended, and the password changes with the current one', async ({ page, browser }) => {
  const slug = `acct-${unique()}`;
  const name = `Account ${slug}`;
  const member = `sam-${slug}@example.test`;
  await signInAsAdmin(page);
  await createTenant(page, name, slug);
  await addTenantMember(page, name, { email: member, name: 'Sam Sessions', role: 'Analyst', password: PASSWORD });
  const memberPage = page.url();
  await signOut(page);

  // A second browser signs in first: the one to be ended.
  const other = await browser.newContext();
  const second = await other.newPage();
  await signIn(second, member, PASSWORD, slug);
  await expect(second.getByTestId('current-user')).toHaveText('Sam Sessions');

  await signIn(page, member, PASSWORD, slug);
  await expect(page.getByTestId('current-user')).toHaveText('Sam Sessions');
  await hydrated(page);
  await page.getByRole('link', { name: 'Your account' }).click();
  await hydrated(page);
  const sessions = page.getByRole('table', { name: 'Your sessions' });
  await expect(sessions.getByRole('row')).toHaveCount(3);
  await expect(sessions.locator('tr[data-current="true"]')).toContainText('This session');
  await sessions.getByRole('button', { name: /^End / }).click();
  await expect(page.getByText('Session ended.')).toBeVisible();
  await expect(sessions.getByRole('row')).toHaveCount(2);
  await second.reload();
  await expect(second).toHaveURL(/\/login/);
  await other.close();

  // The password: the current one is checked, common ones refused, next to their fields.
  await page.getByLabel('Current password').fill('not-the-password');
  await page.getByLabel('New password', { exact: true }).fill('a fresh long passphrase');
  await page.getByLabel('New password again').fill('a fresh long passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.locator('#field-current_password-error')).toContainText('not right');
  await page.getByLabel('Current password').fill(PASSWORD);
  await page.getByLabel('New password', { exact: true }).fill('password123');
  await page.getByLabel('New password again').fill('password123');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.locator('#field-new_password-error')).toContainText('most common');
  await page.getByLabel('New password', { exact: true }).fill('a fresh long passphrase');
  await page.getByLabel('New password again').fill('a fresh long passphrase');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('Password changed.')).toBeVisible();
  await signOut(page);
  await signIn(page, member, 'a fresh long passphrase', slug);
  await expect(page.getByTestId('current-user')).toHaveText('Sam Sessions');
  await signOut(page);

  // The platform's administrator signs the member out everywhere from their page.
  const third = await browser.newContext();
  const memberTab = await third.newPage();
  await signIn(memberTab, member, 'a fresh long passphrase', slug);
  await expect(memberTab.getByTestId('current-user')).toHaveText('Sam Sessions');
  await signInAsAdmin(page);
  await page.goto(memberPage);
  await hydrated(page);
  await page.getByRole('button', { name: 'End all their sessions' }).click();
  await expect(page.getByText('The member is signed out everywhere.')).toBeVisible();
  await memberTab.reload();
  await expect(memberTab).toHaveURL(/\/login/);
  await third.close();
});
