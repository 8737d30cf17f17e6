// Shared steps for Atrium's specs: waiting for hydration and signing in/out as a person would.
import { test as base, expect, type Page } from '@playwright/test';

export { expect };

/** Playwright's test, plus the browser console printed when a test fails (hydration panics
 * and failed requests show up there first). */
export const test = base.extend<{ browserConsole: void }>({
  browserConsole: [
    async ({ page }, use, testInfo) => {
      const lines: string[] = [];
      page.on('console', (message) => lines.push(`${message.type()}: ${message.text()}`));
      page.on('pageerror', (error) => lines.push(`pageerror: ${error.message}`));
      page.on('requestfailed', (request) => lines.push(`requestfailed: ${request.url()} ${request.failure()?.errorText}`));
      await use();
      if (testInfo.status !== testInfo.expectedStatus) {
        console.log(`--- browser console for "${testInfo.title}" ---\n${lines.join('\n')}`);
      }
    },
    { auto: true },
  ],
});

export const ADMIN_EMAIL = process.env.ATRIUM_ADMIN_EMAIL ?? 'admin@atrium.local';
export const PASSWORD = process.env.ATRIUM_ADMIN_PASSWORD ?? '';

/** The shell marks <body data-hydrated="true"> once the wasm has attached. */
export async function hydrated(page: Page) {
  await expect(page.locator('body')).toHaveAttribute('data-hydrated', 'true');
}

/** Picks a tenant in a tenant chooser: a combobox that asks the server as one types. */
export async function chooseTenant(page: Page, name: string) {
  await hydrated(page);
  const chooser = page.getByRole('combobox', { name: 'Tenant' });
  await chooser.fill(name);
  await page.getByRole('option').filter({ hasText: name }).first().click();
  await expect(chooser).toHaveValue(name);
}

export async function signIn(page: Page, email: string, password: string, workspace?: string) {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  if (workspace) await page.getByLabel('Workspace (optional)').fill(workspace);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Signs in and waits until the shell shows who is signed in. */
export async function signInAs(page: Page, email: string, name: string) {
  await signIn(page, email, PASSWORD);
  await expect(page.getByTestId('current-user')).toHaveText(name);
  await hydrated(page);
}

export async function signInAsAdmin(page: Page) {
  await signIn(page, ADMIN_EMAIL, PASSWORD);
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await hydrated(page);
}

export async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
}

/** As the platform administrator, creates a tenant and waits for its page. */
export async function createTenant(page: Page, name: string, slug: string) {
  await page.goto('/tenants/new');
  await hydrated(page);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Slug').fill(slug);
  await page.getByRole('button', { name: 'Create tenant' }).click();
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
  await hydrated(page);
}

/** A suffix that keeps names unique across runs against the same database. */
export function unique(): string {
  return Date.now().toString(36) + Math.floor(Math.random() * 1000).toString(36);
}

/** On a tenant's page (a platform administrator), adds a member with an initial password and
 * waits for their page. */
export async function addTenantMember(
  page: Page,
  tenant: string,
  member: { email: string; name: string; role: string; password: string },
) {
  await page.getByRole('link', { name: 'Add user' }).click();
  await expect(page.getByRole('combobox', { name: 'Tenant' })).toHaveValue(tenant);
  await page.getByLabel('Email').fill(member.email);
  await page.getByLabel('Name', { exact: true }).fill(member.name);
  await page.getByLabel('Role').selectOption({ label: member.role });
  await page.getByLabel('Initial password').fill(member.password);
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('heading', { name: member.name, level: 1 })).toBeVisible();
}
