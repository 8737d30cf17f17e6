// Erasing a whole workspace: its administrator asks on the Data page with the slug typed again;
// every member sees the date on every page of the portal; a platform administrator finds it in
// the tenants list and on the tenant's page, and cancels it; the workspace is back to normal.
// (The purge after the delay is tested in Rust, with the clock moved on.)
import { test, expect, addTenantMember, createTenant, hydrated, signIn, signInAsAdmin, signOut, unique } from './helpers';

const PASSWORD = 'correct-horse-42';

test('an erasure is asked for with the slug, shown to members, and cancelled by a platform administrator', async ({
  page,
}) => {
  const id = unique();
  const slug = `erase-${id}`;
  const name = `Erase ${id}`;
  const owner = `owner-${id}@erase.test`;

  // A fresh workspace with its administrator, so no other journey sees the notice.
  await signInAsAdmin(page);
  await createTenant(page, name, slug);
  await addTenantMember(page, name, { email: owner, name: 'Edna Eraser', role: 'Admin', password: PASSWORD });
  await signOut(page);

  // The administrator asks: the button waits for the exact slug.
  await signIn(page, owner, PASSWORD, slug);
  await expect(page).toHaveURL(new RegExp(`/t/${slug}$`));
  await hydrated(page);
  await expect(page.getByTestId('erasure-banner')).toHaveCount(0);
  await page.getByRole('link', { name: 'Data', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${slug}/data$`));
  await hydrated(page);
  const card = page.getByRole('region', { name: 'Erase this workspace' });
  await card.getByText('Erase the workspace and everything in it').click();
  await expect(card).toContainText('deleted 168 hours after you confirm');
  const button = card.getByRole('button', { name: 'Erase this workspace' });
  await card.getByLabel(`Type the slug “${slug}” to confirm`).fill(`${slug}-`);
  await expect(button).toBeDisabled();
  await card.getByLabel(`Type the slug “${slug}” to confirm`).fill(slug);
  await button.click();
  const pending = card.getByTestId('erasure-pending');
  await expect(pending).toContainText('This workspace will be erased on');
  await expect(pending.getByRole('button', { name: 'Cancel the erasure' })).toBeVisible();
  await expect(page.getByTestId('erasure-banner')).toContainText('This workspace will be erased on');

  // Every member sees it on every page of the portal, after a reload too.
  await page.getByRole('link', { name: 'Overview', exact: true }).click();
  await expect(page.getByTestId('erasure-banner')).toContainText('This workspace will be erased on');
  await page.reload();
  await expect(page.getByTestId('erasure-banner')).toContainText('This workspace will be erased on');
  await signOut(page);

  // A platform administrator finds it in the list and on the tenant's page, and cancels it.
  await signInAsAdmin(page);
  await page.goto(`/tenants?q=${slug}`);
  await hydrated(page);
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row.getByText('Erasure pending')).toBeVisible();
  await row.getByRole('link', { name }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await hydrated(page);
  const notice = page.getByTestId('erasure-pending');
  await expect(notice).toContainText(`Asked by ${owner}`);
  await notice.getByRole('button', { name: 'Cancel the erasure' }).click();
  await expect(page.getByText('Erasure cancelled.')).toBeVisible();
  await expect(page.getByTestId('erasure-pending')).toHaveCount(0);
  await page.goto(`/tenants?q=${slug}`);
  await expect(page.getByRole('row').filter({ hasText: name }).getByText('Erasure pending')).toHaveCount(0);
  await signOut(page);

  // The workspace is back to normal, and its trail says who did what.
  await signIn(page, owner, PASSWORD, slug);
  await expect(page).toHaveURL(new RegExp(`/t/${slug}$`));
  await hydrated(page);
  await expect(page.getByTestId('erasure-banner')).toHaveCount(0);
  await page.goto(`/t/${slug}/audit`);
  await hydrated(page);
  await expect(page.getByText('tenant.erase_request', { exact: true }).first()).toBeVisible();
  await expect(page.getByText('tenant.erase_cancel', { exact: true }).first()).toBeVisible();
});
