// Support access: the platform's administrator opens a member's page, gives a reason and signs in
// as them; the member's workspace shows a banner naming both on every page; one click ends it and
// brings the administrator back to the member's page as themselves; the audit trail holds the
// start and the end with the reason.
import { test, expect, addTenantMember, createTenant, hydrated, signInAsAdmin, unique } from './helpers';

test('a platform administrator signs in as a member with a reason, sees the banner and ends it', async ({ page }) => {
  const slug = `sup-${unique()}`;
  const name = `Support ${slug}`;
  const member = `rita-${slug}@example.test`;
  await signInAsAdmin(page);
  await createTenant(page, name, slug);
  await addTenantMember(page, name, { email: member, name: 'Rita Reader', role: 'Viewer', password: 'correct-horse-42' });
  const memberPage = new URL(page.url()).pathname;
  await hydrated(page);

  await page.getByText('Sign in as this member').click();
  await page.getByLabel('Reason').fill('why');
  await page.getByRole('button', { name: 'Start support access' }).click();
  await expect(page.locator('#field-reason-error')).toContainText('10 to 500');
  await page.getByLabel('Reason').fill('Ticket 4711: the charts look empty to Rita');
  await page.getByRole('button', { name: 'Start support access' }).click();

  await expect(page).toHaveURL(new RegExp(`/t/${slug}$`));
  await expect(page.getByTestId('current-user')).toHaveText('Rita Reader');
  const banner = page.getByTestId('support-banner');
  await expect(banner).toContainText('is signed in as Rita Reader');
  await hydrated(page);
  // On every page of the workspace.
  await page.getByRole('link', { name: 'Users' }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${slug}/users$`));
  await expect(banner).toBeVisible();
  await hydrated(page);

  await banner.getByRole('button', { name: 'End support access' }).click();
  await expect(page).toHaveURL(memberPage);
  await expect(page.getByRole('heading', { name: 'Rita Reader', level: 1 })).toBeVisible();
  await expect(page.getByTestId('support-banner')).toHaveCount(0);
  await hydrated(page);

  // The trail names both, with the reason.
  await page.goto(`/audit?action=user.support_access`);
  await hydrated(page);
  await expect(page.getByRole('cell', { name: /user\.support_access_start/ }).first()).toBeVisible();
  await expect(page.getByRole('cell', { name: /user\.support_access_end/ }).first()).toBeVisible();
});
