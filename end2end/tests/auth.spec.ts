// Sign-in journey: the signed-out redirect, a refused sign-in, a successful one that returns to
// the page first asked for, and signing out.
import { test, expect, ADMIN_EMAIL, PASSWORD, hydrated, signIn, signOut } from './helpers';

test('signed-out visitors are sent to sign in and come back afterwards', async ({ page }) => {
  await page.goto('/tenants?q=acme');
  await expect(page).toHaveURL(/\/login\?next=/);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: 'Sign in to Atrium' })).toBeVisible();

  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Incorrect email or password.' })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);

  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/tenants\?q=acme$/);
  await expect(page.getByRole('heading', { name: 'Tenants' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Acme Corp' })).toBeVisible();
  await expect(page.getByTestId('current-user')).toHaveText('Platform Admin');

  await hydrated(page);
  await signOut(page);
  await page.goto('/users');
  await expect(page).toHaveURL(/\/login\?next=%2Fusers$/);
});

test('sign-in works before hydration as a plain form post', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await context.close();
});

test('a tenant user signs in and sees only their tenant', async ({ page }) => {
  await signIn(page, 'alice@acme.test', PASSWORD);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await hydrated(page);
  await expect(page.getByRole('link', { name: 'Tenants' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('cell', { name: 'mark@acme.test' })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'gina@globex.test' })).toHaveCount(0);
});

// A sign-in link whose `next` points elsewhere (a tab browsers drop, the same encoded twice, a
// backslash browsers read as a slash) lands on this site's home page after the hydrated sign-in.
for (const next of ['%2F%09%2Fevil.example', '%2F%2509%2Fevil.example', '%2F%5Cevil.example']) {
  test(`a sign-in link with next=${next} stays on this site`, async ({ browser, baseURL }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`/login?next=${next}`);
    await hydrated(page);
    await page.getByLabel('Email').fill(ADMIN_EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
    const landed = new URL(page.url());
    expect(landed.origin).toBe(new URL(baseURL ?? page.url()).origin);
    expect(landed.pathname).toBe('/');
    await context.close();
  });
}
