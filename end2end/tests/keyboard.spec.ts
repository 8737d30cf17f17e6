// Keyboard only: sign in, open the palette (Ctrl-K), jump to a tenant, create a user there, all
// without the mouse; the palette finds people by name in a workspace; `?` shows the shortcuts in
// a modal dialog that keeps focus inside and gives it back when closed.
import { test, expect, hydrated, PASSWORD, ADMIN_EMAIL, unique } from './helpers';
import type { Page } from '@playwright/test';

/** Presses Tab until `selector` has focus (as a keyboard user would), at most `limit` times. */
async function tabTo(page: Page, selector: string, limit = 60) {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

async function signInByKeyboard(page: Page, email: string) {
  await page.goto('/login');
  await hydrated(page);
  await tabTo(page, '#field-email');
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('current-user')).toBeVisible();
  await hydrated(page);
}

test('keyboard only: sign in, open the palette, go to a tenant and create a user there', async ({ page }) => {
  await signInByKeyboard(page, ADMIN_EMAIL);

  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await expect(palette).toBeVisible();
  const search = palette.getByRole('combobox');
  await expect(search).toBeFocused();
  await page.keyboard.type('Acme');
  // The tenant first; its members follow (their workspace named beside them).
  const option = palette.getByRole('option', { name: /^Tenant Acme Corp/ });
  await expect(option).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/tenants\/[0-9a-f-]{36}$/);
  await expect(palette).toBeHidden();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Acme Corp');

  // The tenant's "Add a user" link, reached with Tab, opens the form with the tenant chosen.
  await tabTo(page, 'a[href^="/users/new?tenant_id="]');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/users\/new\?tenant_id=/);
  await hydrated(page);
  const email = `kbd-${unique()}@acme.test`;
  await tabTo(page, '#field-email');
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type('Kay Board');
  await tabTo(page, '#field-password');
  await page.keyboard.type('a long enough password 1');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/users\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Kay Board');
});

test('the palette finds a colleague by name, and Escape closes it where one was', async ({ page }) => {
  await signInByKeyboard(page, 'alice@acme.test');
  await tabTo(page, 'a[href="/t/acme/users"]');
  await page.keyboard.press('Control+k');
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await expect(palette.getByRole('combobox')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(palette).toBeHidden();
  // Focus is given back to the link it was on.
  await expect(page.locator('a[href="/t/acme/users"]').first()).toBeFocused();

  await page.keyboard.press('Control+k');
  await page.keyboard.type('mark');
  await expect(palette.getByRole('option', { name: /Mark Manager/ })).toBeVisible();
  // Pages and actions match too: "new user" is an action.
  await page.keyboard.press('Control+a');
  await page.keyboard.type('new user');
  await expect(palette.getByRole('option', { name: /New user/ })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Control+a');
  await page.keyboard.type('mark');
  const mark = palette.getByRole('option', { name: /Mark Manager/ });
  await expect(mark).toBeVisible();
  // Move to it with the arrows, then open it.
  for (let i = 0; i < 10 && (await mark.getAttribute('aria-selected')) !== 'true'; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/t\/acme\/users\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mark Manager');
  // A page of the workspace's navigation, under the portal's prefix.
  await page.keyboard.press('Control+k');
  await page.keyboard.type('audit');
  await expect(palette.getByRole('option', { name: /Audit/ }).first()).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/t\/acme\/audit$/);
});

test('? shows the shortcuts in a dialog that keeps focus inside and gives it back', async ({ page }) => {
  await signInByKeyboard(page, 'alice@acme.test');
  await tabTo(page, 'a[href="/t/acme/alerts"]');
  await page.keyboard.press('Shift+Slash');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help.getByText('Open the command palette')).toBeVisible();
  // Tab never leaves the dialog for the page behind it.
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    const outside = await page.evaluate(() => {
      const active = document.activeElement;
      return !!active && active !== document.body && !active.closest('dialog[open]');
    });
    expect(outside).toBe(false);
  }
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  await expect(page.locator('a[href="/t/acme/alerts"]').first()).toBeFocused();
  // Typed into a field, ? is just a character.
  await page.goto('/t/acme/users');
  await hydrated(page);
  await page.getByRole('searchbox').first().focus();
  await page.keyboard.type('?');
  await expect(help).toBeHidden();
});
