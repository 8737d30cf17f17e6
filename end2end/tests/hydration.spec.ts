// Every page must come alive when loaded fresh (server HTML, then hydration), including detail
// pages and tabs whose content loads inside a suspended body: a resource created while such a
// body renders is numbered differently on the server and in the browser, and the page then
// stays server-rendered but dead (found on /tenants/{id} and /users/{id}?tab=permissions).
// Each page must also run under the Content-Security-Policy without a single violation: the
// policy is the second wall against injected markup, and a violation means either an injection
// or a part of the app the policy breaks.
import type { Page } from '@playwright/test';
import { test, expect, hydrated, signInAsAdmin } from './helpers';

/** The first link in the page's data table that points under `prefix` (a detail page). */
async function firstDetailLink(page: Page, list: string, prefix: string): Promise<string> {
  await page.goto(list);
  await hydrated(page);
  const href = await page.locator(`table.data tbody a[href^="${prefix}"]`).first().getAttribute('href');
  expect(href, `a link under ${prefix} on ${list}`).toBeTruthy();
  return href as string;
}

test('every page hydrates when loaded fresh, detail pages and tabs included, without a CSP violation', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  // Reported by the page itself, before any of its scripts run.
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const seen = ((window as unknown as { __csp?: string[] }).__csp ??= []);
      seen.push(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  const violations: string[] = [];
  await signInAsAdmin(page);

  const tenant = await firstDetailLink(page, '/tenants?q=acme', '/tenants/');
  const user = await firstDetailLink(page, tenant, '/users/');
  const pages = [
    '/',
    '/tenants',
    '/tenants/new',
    tenant,
    `${tenant}/edit`,
    `${tenant}?per_page=10&sort=email&dir=desc`,
    '/users',
    '/users/new',
    user,
    `${user}?tab=permissions`,
    `${user}/edit`,
    '/roles',
    '/roles/sets/new',
    '/delegations',
    '/audit',
    '/analytics',
    '/api-keys',
    '/alerts',
    '/alerts/rules',
    '/alerts/rules/new',
    '/alerts/silences',
    '/alerts/channels',
    '/system/ip-blocks',
    '/plans',
    '/account',
  ];
  for (const url of pages) {
    await page.goto(url);
    await hydrated(page);
    const seen = await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []);
    violations.push(...seen.map((v) => `${url}: ${v}`));
  }
  expect(errors).toEqual([]);
  expect(violations).toEqual([]);

  // The listener hears what the policy blocks: markup injected past the escaping (as the title
  // once allowed) does not run, and is reported.
  await page.evaluate(() => {
    document.body.insertAdjacentHTML('beforeend', `<img src="/favicon.ico?x" onerror="window.__ran = 1" onload="window.__ran = 1">`);
  });
  await expect.poll(() => page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])).toContainEqual(
    expect.stringContaining('script-src'),
  );
  expect(await page.evaluate(() => (window as unknown as { __ran?: number }).__ran)).toBeUndefined();

  // Hydrated means interactive: the page-size select of a tenant's user list navigates.
  await page.goto(tenant);
  await hydrated(page);
  await page.getByLabel('Rows per page').selectOption('10');
  await expect(page).toHaveURL(/per_page=10/);
});
