// User management journeys: create a user in a tenant and sign in as them, field-level errors,
// HTML-looking names rendered as text, generated passwords, and suspended tenants.
import { test, expect, chooseTenant, PASSWORD, hydrated, signIn, signInAsAdmin, signOut, unique } from './helpers';

test('create a user in a tenant, then sign in as that user', async ({ page }) => {
  const email = `new-${unique()}@acme.test`;
  await signInAsAdmin(page);
  await page.getByRole('link', { name: 'Tenants', exact: true }).click();
  await page.getByRole('link', { name: 'Acme Corp' }).click();
  await page.getByRole('link', { name: 'Add user' }).click();
  await expect(page.getByRole('heading', { name: 'New user' })).toBeVisible();
  // The tenant the page was opened from is chosen, by name, and travels as its id.
  await expect(page.getByRole('combobox', { name: 'Tenant' })).toHaveValue('Acme Corp');
  await expect(page.locator('input[name=tenant_id]')).toHaveValue(/[0-9a-f-]{36}/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name', { exact: true }).fill('Nina New');
  await page.getByLabel('Role').selectOption({ label: 'Manager' });
  await page.getByLabel('Initial password').fill('correct-horse-42');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('heading', { name: 'Nina New', level: 1 })).toBeVisible();
  await expect(page.getByText('Acme Corp', { exact: true })).toBeVisible();

  await signOut(page);
  await signIn(page, email, 'correct-horse-42');
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(page.getByTestId('current-user')).toHaveText('Nina New');
  await hydrated(page);
  await signOut(page);
});

test('bad input shows a message next to each field and creates nothing', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/users/new');
  await hydrated(page);
  await chooseTenant(page, 'Acme Corp');
  await page.getByLabel('Email').fill('alice@acme.test');
  await page.getByLabel('Name', { exact: true }).fill('x'.repeat(121));
  await page.getByLabel('Initial password').fill('short');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.locator('#field-name-error')).toHaveText('Must be at most 120 characters.');
  await expect(page.locator('#field-password-error')).toHaveText('Passwords need at least 10 characters.');

  await page.getByLabel('Name', { exact: true }).fill('Second Alice');
  await page.getByLabel('Initial password').fill('long-enough-password');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.locator('#field-email-error')).toHaveText('A user with this email already exists in this tenant.');

  await page.getByLabel('Email').fill('not-an-email');
  // The browser's own type=email check would stop the post; the server must catch it too.
  await page.getByLabel('Email').evaluate((input: HTMLInputElement) => (input.type = 'text'));
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.locator('#field-email-error')).toHaveText('Enter a valid email address, like name@example.com.');

  await page.goto('/users?q=Second%20Alice');
  await expect(page.getByText('Nothing matches.')).toBeVisible();
});

test('a name that looks like HTML renders as text', async ({ page }) => {
  const hostile = '<img src=x onerror=alert(1)>';
  let dialogs = 0;
  page.on('dialog', async (dialog) => {
    dialogs += 1;
    await dialog.dismiss();
  });
  await signInAsAdmin(page);
  await page.goto('/users/new');
  await hydrated(page);
  await chooseTenant(page, 'Globex');
  const email = `xss-${unique()}@globex.test`;
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name', { exact: true }).fill(hostile);
  await page.getByLabel('Initial password').fill('long-enough-password');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('heading', { name: hostile, level: 1 })).toBeVisible();
  // Server-rendered too: reload and look again.
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole('heading', { name: hostile, level: 1 })).toBeVisible();
  await expect(page.locator('main img')).toHaveCount(0);
  await page.goto(`/users?q=${encodeURIComponent(email)}`);
  await expect(page.getByRole('link', { name: hostile })).toBeVisible();
  expect(dialogs).toBe(0);
});

test('a generated password is shown once and signs the user in', async ({ page }) => {
  const email = `gen-${unique()}@globex.test`;
  await signInAsAdmin(page);
  await page.goto('/users/new');
  await hydrated(page);
  await chooseTenant(page, 'Globex');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name', { exact: true }).fill('Gene Rated');
  await page.getByRole('button', { name: 'Create user' }).click();
  const secret = page.getByTestId('issued-password');
  await expect(secret).toHaveText(/^[A-Za-z0-9]{20}$/);
  const password = (await secret.textContent()) ?? '';
  await signOut(page);
  await signIn(page, email, password);
  await expect(page.getByTestId('current-user')).toHaveText('Gene Rated');
});

test('users of a suspended tenant cannot sign in', async ({ page }) => {
  const slug = `hooli-${unique()}`;
  const email = `u-${unique()}@hooli.test`;
  await signInAsAdmin(page);
  await page.goto('/tenants/new');
  await hydrated(page);
  await page.getByLabel('Name').fill('Hooli');
  await page.getByLabel('Slug').fill(slug);
  await page.getByRole('button', { name: 'Create tenant' }).click();
  await expect(page.getByRole('heading', { name: 'Hooli', level: 1 })).toBeVisible();
  await page.getByRole('link', { name: 'Add user' }).click();
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name', { exact: true }).fill('Gavin');
  await page.getByLabel('Role').selectOption({ label: 'Admin' });
  await page.getByLabel('Initial password').fill('long-enough-password');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('heading', { name: 'Gavin', level: 1 })).toBeVisible();
  await page.goto(`/tenants?q=${slug}`);
  await hydrated(page);
  await page.getByRole('link', { name: 'Hooli' }).click();
  await page.getByRole('button', { name: 'Suspend' }).click();
  await expect(page.locator('.page-header .badge')).toHaveText('Suspended');
  await signOut(page);

  await signIn(page, email, 'long-enough-password');
  await expect(page.getByRole('alert').filter({ hasText: 'This workspace is suspended.' })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});
