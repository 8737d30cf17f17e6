// Plans journey: a platform administrator gives a new Starter workspace its own member limit and
// switches delegations on for it alone; the workspace's administrator sees the usage bar move,
// the 80 % warning, and the refusal at the limit next to the form; a feature switched on for the
// whole Starter plan shows in the workspace at once (and is switched off again, so re-runs and
// other specs see the seeded plans).
import { type Page } from '@playwright/test';
import { test, expect, addTenantMember, hydrated, signIn, signInAsAdmin, signOut, unique } from './helpers';

const PASSWORD = 'correct-horse-42';

async function addMember(page: Page, email: string, name: string) {
  await page.goto('/users/new');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Role').selectOption({ label: 'Viewer' });
  await page.getByLabel('Initial password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create user' }).click();
}

async function openUsage(page: Page) {
  await page.getByRole('link', { name: 'Usage' }).click();
  await expect(page.getByRole('heading', { name: 'Usage and limits', level: 1 })).toBeVisible();
  await hydrated(page);
}

async function setStarterFeature(page: Page, feature: string, on: boolean) {
  await signInAsAdmin(page);
  await page.getByRole('link', { name: 'Plans' }).click();
  await expect(page.getByRole('heading', { name: 'Plans', level: 1 })).toBeVisible();
  await hydrated(page);
  const starter = page.getByRole('region', { name: 'Starter' });
  await starter.getByLabel(feature).setChecked(on);
  await starter.getByRole('button', { name: 'Save Starter' }).click();
  await expect(page.getByText('Plan saved.')).toBeVisible();
  await signOut(page);
}

test('a workspace gets its own limits and features, and its admin sees usage and refusals', async ({ page }) => {
  const id = unique();
  const slug = `plans-${id}`;
  const name = `Plans ${id}`;
  const owner = `owner-${id}@plans.test`;

  await signInAsAdmin(page);
  await page.goto('/tenants/new');
  await hydrated(page);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Slug').fill(slug);
  await page.getByLabel('Plan').selectOption({ label: 'Starter' });
  await page.getByRole('button', { name: 'Create tenant' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await hydrated(page);

  // Its own values: a bad one is refused next to its field; then at most 5 members, and
  // delegations on although the Starter plan leaves them out.
  const own = page.getByRole('region', { name: 'Plan, limits and features' });
  await expect(own.getByRole('textbox', { name: 'Members' })).toHaveAttribute('placeholder', 'Follow the plan');
  await own.getByRole('textbox', { name: 'Alert rules' }).fill('many');
  await own.getByRole('button', { name: 'Save limits and features' }).click();
  await expect(own.locator('#own-alert_rules-error')).toHaveText('Enter a whole number from 0 to 4294967295.');
  await own.getByRole('textbox', { name: 'Alert rules' }).fill('');
  await own.getByRole('textbox', { name: 'Members' }).fill('5');
  await own.getByLabel('Delegations').selectOption('on');
  await own.getByRole('button', { name: 'Save limits and features' }).click();
  await expect(page.getByText('Saved.', { exact: true })).toBeVisible();
  await expect(own.getByRole('meter', { name: 'Members' })).toHaveAttribute('aria-valuetext', '0 of 5');

  // The workspace's first administrator.
  await addTenantMember(page, name, { email: owner, name: 'Olga Owner', role: 'Admin', password: PASSWORD });
  await signOut(page);

  await signIn(page, owner, PASSWORD, slug);
  await expect(page.getByTestId('current-user')).toHaveText('Olga Owner');
  await hydrated(page);
  // Delegations are on for this workspace alone.
  await expect(page.getByRole('link', { name: 'Delegations' })).toBeVisible();
  await openUsage(page);
  const members = page.getByRole('meter', { name: 'Members' });
  await expect(members).toHaveAttribute('aria-valuetext', '1 of 5');
  await expect(page.getByText('Set for this workspace')).toBeVisible();
  await expect(page.getByText('Starter plan', { exact: true })).toBeVisible();

  // Three more members make 4 of 5: the warning at 80 %.
  for (const n of [1, 2, 3]) {
    await addMember(page, `m${n}-${id}@plans.test`, `Member ${n}`);
    await expect(page.getByRole('heading', { name: `Member ${n}`, level: 1 })).toBeVisible();
  }
  await openUsage(page);
  await expect(members).toHaveAttribute('aria-valuetext', '4 of 5');
  await expect(page.getByRole('status').filter({ hasText: '“Members” is at 80 %' })).toBeVisible();

  // The fifth fills the limit; the sixth is refused with the limit, the plan and what to do.
  await addMember(page, `m4-${id}@plans.test`, 'Member 4');
  await expect(page.getByRole('heading', { name: 'Member 4', level: 1 })).toBeVisible();
  await addMember(page, `m5-${id}@plans.test`, 'Member 5');
  await expect(page.locator('.form-alert')).toHaveText(
    /reached its limit of 5 for “Members” on the Starter plan\. Remove something you no longer need/,
  );
  await openUsage(page);
  await expect(members).toHaveAttribute('aria-valuetext', '5 of 5');
  await expect(page.getByRole('alert').filter({ hasText: '“Members” is used up (5 of 5)' })).toBeVisible();
  // Custom permission sets are not part of Starter: no way to make one.
  await page.getByRole('link', { name: 'Roles & permissions' }).click();
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Permission sets' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New permission set' })).toHaveCount(0);
  await signOut(page);

  // The platform switches custom sets on for the whole Starter plan: the workspace has them at once.
  await setStarterFeature(page, 'Custom permission sets', true);
  try {
    await signIn(page, owner, PASSWORD, slug);
    await expect(page.getByTestId('current-user')).toHaveText('Olga Owner');
    await page.getByRole('link', { name: 'Roles & permissions' }).click();
    await hydrated(page);
    await expect(page.getByRole('link', { name: 'New permission set' })).toBeVisible();
    await openUsage(page);
    await expect(
      page.getByRole('term').filter({ hasText: 'Custom permission sets' }).locator('xpath=following-sibling::dd'),
    ).toHaveText('Included');
    await signOut(page);
  } finally {
    await setStarterFeature(page, 'Custom permission sets', false);
  }
});
