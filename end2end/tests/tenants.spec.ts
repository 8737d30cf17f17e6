// Tenant management journey for a platform administrator: validation, create, search, edit,
// suspend/reactivate and delete with a typed confirmation.
import { test, expect, hydrated, signInAsAdmin, unique } from './helpers';

test('create, search, edit, suspend and delete a tenant', async ({ page }) => {
  const slug = `initech-${unique()}`;
  await signInAsAdmin(page);
  await page.getByRole('link', { name: 'Tenants', exact: true }).click();
  await page.getByRole('link', { name: 'New tenant' }).click();
  await expect(page.getByRole('heading', { name: 'New tenant' })).toBeVisible();

  // Bad input: the message sits next to the field and nothing is created.
  await page.getByLabel('Name').fill('Initech');
  await page.getByLabel('Slug').fill('Not A Slug!');
  await page.getByRole('button', { name: 'Create tenant' }).click();
  await expect(page.locator('#field-slug-error')).toHaveText(/lowercase letters, digits and hyphens/);
  await expect(page.getByLabel('Slug')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#field-name-error')).toBeHidden();

  // A slug that is already taken is refused the same way.
  await page.getByLabel('Slug').fill('acme');
  await page.getByRole('button', { name: 'Create tenant' }).click();
  await expect(page.locator('#field-slug-error')).toHaveText('Another tenant already uses this slug.');

  await page.getByLabel('Slug').fill(slug);
  await page.getByLabel('Plan').selectOption({ label: 'Starter' });
  await page.getByRole('button', { name: 'Create tenant' }).click();
  await expect(page.getByRole('heading', { name: 'Initech', level: 1 })).toBeVisible();
  await expect(page.getByText(slug, { exact: true })).toBeVisible();
  await expect(page.getByText('Starter', { exact: true })).toBeVisible();

  // Search keeps its state in the URL, so a reload shows the same result.
  await page.getByRole('link', { name: 'Tenants', exact: true }).click();
  await page.getByLabel('Search').fill(slug);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(new RegExp(`q=${slug}`));
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole('table').getByRole('row')).toHaveCount(2);
  await expect(page.getByRole('link', { name: 'Initech' })).toBeVisible();

  // Edit.
  await page.getByRole('link', { name: 'Initech' }).click();
  await page.getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByLabel('Name')).toHaveValue('Initech');
  await page.getByLabel('Name').fill('Initech Global');
  await page.getByLabel('Plan').selectOption({ label: 'Enterprise' });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Initech Global', level: 1 })).toBeVisible();
  await expect(page.getByText('Enterprise', { exact: true })).toBeVisible();

  // Suspend and reactivate.
  await page.getByRole('button', { name: 'Suspend' }).click();
  await expect(page.getByText('Tenant suspended.')).toBeVisible();
  await expect(page.locator('.page-header .badge')).toHaveText('Suspended');
  await page.getByRole('button', { name: 'Reactivate' }).click();
  await expect(page.locator('.page-header .badge')).toHaveText('Active');

  // Delete: the button stays disabled until the slug is typed exactly.
  await page.getByText('Delete tenant').click();
  const confirm = page.getByLabel(`Type the slug “${slug}” to confirm`);
  const deleteButton = page.getByRole('button', { name: 'Delete this tenant' });
  await confirm.fill('wrong');
  await expect(deleteButton).toBeDisabled();
  await confirm.fill(slug);
  await deleteButton.click();
  await expect(page).toHaveURL(/\/tenants$/);
  await page.goto(`/tenants?q=${slug}`);
  await expect(page.getByText('Nothing matches.')).toBeVisible();
});

test('sorting and page size live in the URL', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/tenants');
  await hydrated(page);
  await page.getByRole('link', { name: 'Sort by Name' }).click();
  await expect(page).toHaveURL(/sort=name&dir=asc/);
  await expect(page.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'ascending');
  await page.getByRole('link', { name: 'Sort by Name' }).click();
  await expect(page).toHaveURL(/sort=name&dir=desc/);
  await page.getByLabel('Rows per page').selectOption('10');
  await expect(page).toHaveURL(/per_page=10/);
  await page.goBack();
  await expect(page).not.toHaveURL(/per_page=10/);
});
