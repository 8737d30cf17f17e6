// Arabic and right-to-left: a browser that asks for Arabic gets the sign-in page in Arabic and
// right to left from the first byte; a person picks a language in the sidebar, it is kept with
// their account (another browser gets it too), hydration speaks it (client-side navigation
// renders Arabic), and the shipped Arabic face is what the page reads in.
import { test, expect, hydrated, PASSWORD } from './helpers';
import type { Browser, Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Hank: a Globex viewer no other spec changes the language of; put back to English at the end.
const EMAIL = 'hank@globex.test';

/** A plain message of a catalogue (no arguments), read from the file the server serves. */
function message(language: 'en' | 'ar', key: string): string {
  const source = readFileSync(join(__dirname, '..', '..', 'crates', 'atrium-types', 'locales', `${language}.ftl`), 'utf8');
  const line = source.split('\n').find((l) => l.startsWith(`${key} = `));
  if (!line) throw new Error(`no message ${key} in ${language}.ftl`);
  return line.slice(key.length + 3).trim();
}

async function signInWith(page: Page, language: 'en' | 'ar') {
  await page.goto('/login');
  await hydrated(page);
  await page.getByLabel(message(language, 'login-email')).fill(EMAIL);
  await page.getByLabel(message(language, 'login-password')).fill(PASSWORD);
  await page.getByRole('button', { name: message(language, 'login-submit'), exact: true }).click();
  await expect(page.getByTestId('current-user')).toHaveText('Hank Viewer');
  await hydrated(page);
}

async function newPage(browser: Browser, locale: string): Promise<Page> {
  const context = await browser.newContext({ locale });
  return context.newPage();
}

test('Arabic from the browser, then chosen, kept with the account and rendered right to left before any script', async ({ browser }) => {
  // A browser that prefers Arabic: the first HTML is already Arabic and right to left.
  const arabic = await newPage(browser, 'ar-EG');
  const response = await arabic.goto('/login');
  expect(await response?.text()).toMatch(/<html lang="ar" dir="rtl"/);
  await hydrated(arabic);
  await expect(arabic.getByRole('heading', { level: 1 })).toHaveText(message('ar', 'login-heading'));
  // A refusal is Arabic too, next to the form.
  await arabic.getByLabel(message('ar', 'login-email')).fill(EMAIL);
  await arabic.getByLabel(message('ar', 'login-password')).fill('not the password');
  await arabic.getByRole('button', { name: message('ar', 'login-submit'), exact: true }).click();
  await expect(arabic.getByText(message('ar', 'login-failed'))).toBeVisible();
  // The page reads in the shipped Arabic face, which the server serves.
  const faces = await arabic.evaluate(async () => (await document.fonts.load('16px "Atrium Arabic"', 'ع')).length);
  expect(faces).toBeGreaterThan(0);
  expect(await arabic.evaluate(() => getComputedStyle(document.body).fontFamily)).toMatch(/^"Atrium Arabic"/);

  await signInWith(arabic, 'ar');
  await expect(arabic.locator('html')).toHaveAttribute('dir', 'rtl');
  // Mirrored: the sidebar is on the right, the content on its left.
  const sidebar = await arabic.locator('.sidebar').boundingBox();
  const content = await arabic.locator('main.content').boundingBox();
  expect(sidebar && content && sidebar.x > content.x).toBe(true);
  await arabic.context().close();

  // The same person in an English browser: English until they choose.
  const page = await newPage(browser, 'en-US');
  await signInWith(page, 'en');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('button', { name: 'العربية' }).click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  await hydrated(page);
  await expect(page.getByRole('button', { name: 'العربية' })).toHaveAttribute('aria-pressed', 'true');
  // Hydrated with the Arabic catalogue: a client-side navigation renders Arabic.
  await page.getByRole('link', { name: message('ar', 'nav-users'), exact: true }).click();
  await expect(page).toHaveURL(/\/t\/globex\/users$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(message('ar', 'users-title'));
  // Numbers and dates as Arabic writes them: Arabic-Indic digits in the count and the page
  // position, and each sign-in time as day, month name and year.
  const pager = page.locator('main nav.pager');
  await expect(pager).toContainText(/[٠-٩]/);
  await expect(pager).not.toContainText(/[0-9]/);
  const hank = page.getByRole('row').filter({ hasText: EMAIL });
  await expect(hank).toContainText(/[٠-٩]{1,2} (يناير|فبراير|مارس|أبريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر) [٠-٩]{4}، [٠-٩]{2}:[٠-٩]{2} UTC/);
  // Kept across a reload, and written into the first byte.
  await page.reload();
  await hydrated(page);
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  const html = await (await page.request.get('/t/globex')).text();
  expect(html).toMatch(/<html lang="ar" dir="rtl"/);

  // Kept with the account: another English browser signs in to Arabic pages.
  const other = await newPage(browser, 'en-US');
  await signInWith(other, 'en');
  await expect(other.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(other.getByRole('heading', { level: 1 })).toHaveText(message('ar', 'home-title'));
  await other.context().close();

  // And back to English (Hank's account is left as the seed made it, but for the choice).
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  await hydrated(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Users');
  await page.context().close();
});
