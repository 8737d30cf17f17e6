// Portal journey: a workspace's administrator signs in and lands in the workspace's portal at
// /t/{slug}, whose overview shows usage against the plan and recent activity; links inside it
// keep the prefix; they brand it (a colour too light for the page is refused next to its field),
// the header and buttons change at once and stay after a reload, and the portal's own sign-in
// page shows the brand. Another workspace's portal sends them home; the platform's administrator
// stays on the console. Every portal page hydrates without an error. The branding is reset at
// the end, so re-runs and other specs see the seeded workspace.
import { type Page } from '@playwright/test';
import { test, expect, hydrated, signIn, signInAsAdmin, signOut, PASSWORD } from './helpers';

async function openBranding(page: Page) {
  await page.getByRole('link', { name: 'Branding' }).click();
  await expect(page).toHaveURL(/\/t\/acme\/branding$/);
  await expect(page.getByRole('heading', { name: 'Branding', level: 1 })).toBeVisible();
  await hydrated(page);
}

test('a workspace admin lands in the portal, brands it, and its sign-in page follows', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));

  await signIn(page, 'alice@acme.test', PASSWORD);
  await expect(page).toHaveURL(/\/t\/acme$/);
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  await hydrated(page);
  const header = page.locator('aside').getByTestId('workspace-name');
  await expect(header).toHaveText('Acme Corp');
  const usage = page.getByRole('region', { name: 'Usage against your plan' });
  await expect(usage.getByRole('meter', { name: 'Members' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Recent activity' })).toContainText('auth.login');

  // Links inside the portal keep its prefix and navigate in place.
  await page.getByRole('link', { name: 'Users' }).click();
  await expect(page).toHaveURL(/\/t\/acme\/users$/);
  await expect(page.getByRole('cell', { name: 'mark@acme.test' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Mark Manager' })).toHaveAttribute('href', /^\/t\/acme\/users\//);

  await openBranding(page);
  await page.getByLabel('Display name').fill('Acme Portal');
  // An https address on this machine: the browser's fetch of it stays local.
  await page.getByLabel('Logo URL').fill('https://127.0.0.1:9/logo.svg');
  await page.getByLabel('Primary colour').fill('#ffff00');
  await page.getByRole('button', { name: 'Save branding' }).click();
  const colour = page.getByRole('textbox', { name: 'Primary colour' });
  await expect(colour).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText(/stands out from the white page by only 1\.07:1/)).toBeVisible();
  await expect(header).toHaveText('Acme Corp');

  await colour.fill('#1d4ed8');
  await page.getByRole('button', { name: 'Save branding' }).click();
  await expect(page.getByText('Branding saved.')).toBeVisible();
  await expect(header).toHaveText('Acme Portal');
  await expect(page.locator('.layout')).toHaveAttribute('style', /--brand: #1d4ed8; --brand-text: #ffffff;/);
  await expect(page.getByRole('button', { name: 'Save branding' })).toHaveCSS('background-color', 'rgb(29, 78, 216)');
  await expect(page.locator('aside img.brand-logo')).toHaveAttribute('src', 'https://127.0.0.1:9/logo.svg');

  // Kept: after a reload, and on the portal's own sign-in page.
  await page.reload();
  await hydrated(page);
  await expect(header).toHaveText('Acme Portal');
  await signOut(page);
  await expect(page).toHaveURL(/\/t\/acme\/login$/);
  await expect(page.getByRole('heading', { name: 'Sign in to Acme Portal' })).toBeVisible();
  await expect(page.getByLabel('Workspace (optional)')).toHaveCount(0);
  await hydrated(page);
  await page.getByLabel('Email').fill('alice@acme.test');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/t\/acme$/);
  await hydrated(page);

  // Every portal page comes alive when loaded fresh.
  for (const path of ['/t/acme', '/t/acme/users', '/t/acme/usage', '/t/acme/audit', '/t/acme/alerts', '/t/acme/api-keys', '/t/acme/branding']) {
    await page.goto(path);
    await hydrated(page);
    await expect(page.locator('aside').getByTestId('workspace-name')).toHaveText('Acme Portal');
  }
  // Another workspace's portal: back home.
  await page.goto('/t/globex/users');
  await expect(page).toHaveURL(/\/t\/acme$/);

  // Back to Atrium's look.
  await page.goto('/t/acme/branding');
  await hydrated(page);
  await page.getByLabel('Display name').fill('');
  await page.getByLabel('Logo URL').fill('');
  await page.getByLabel('Primary colour').fill('');
  await page.getByRole('button', { name: 'Save branding' }).click();
  await expect(page.getByText('Branding saved.')).toBeVisible();
  await expect(header).toHaveText('Acme Corp');
  await expect(page.locator('.layout')).not.toHaveAttribute('style', /--brand/);
  expect(errors).toEqual([]);
});

test('the platform administrator stays on the console', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/t/acme/users');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Overview', level: 1 })).toBeVisible();
  await expect(page.locator('aside').getByTestId('workspace-name')).toHaveCount(0);
});
