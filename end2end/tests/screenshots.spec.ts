// Reference images of Arabic pages: the sign-in page, a workspace's overview and the new-member
// form, right to left in the shipped Arabic face. A changed layout fails here until the new
// images are accepted on purpose (`npx playwright test screenshots --update-snapshots`, then
// look at them and commit). Figures that change from run to run are masked.
import { test, expect, hydrated, PASSWORD } from './helpers';
import type { Page } from '@playwright/test';

test.use({ locale: 'ar', viewport: { width: 1280, height: 800 }, colorScheme: 'light' });

async function settled(page: Page) {
  await hydrated(page);
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
}

const SHOT = { maxDiffPixelRatio: 0.002, fullPage: false } as const;

test('Arabic pages look as accepted', async ({ page }) => {
  await page.goto('/login');
  await settled(page);
  await expect(page).toHaveScreenshot('login-ar.png', SHOT);

  await page.locator('#field-email').fill('gina@globex.test');
  await page.locator('#field-password').fill(PASSWORD);
  await page.locator('.login-card form button[type=submit]').first().click();
  await expect(page.getByTestId('current-user')).toHaveText('Gina Admin');
  await settled(page);
  // The top of the overview: the sidebar, the heading and the firing alerts by severity. Lower
  // cards grow with other specs' activity, so they are left out; the counts are masked.
  await expect(page).toHaveScreenshot('overview-ar.png', {
    ...SHOT,
    clip: { x: 0, y: 0, width: 1280, height: 340 },
    mask: [page.locator('main .figure .value'), page.locator('#firing-heading')],
  });

  await page.goto('/t/globex/users/new');
  await settled(page);
  await expect(page).toHaveScreenshot('user-form-ar.png', SHOT);
});
