// axe (WCAG 2.2 A and AA rules) on every page a role reaches from its navigation, plus the forms
// and detail pages behind them, in English and Arabic, light and dark, at desktop and phone sizes:
// every route in all eight combinations, each seen by the person who sees the most of it (the
// platform administrator, the tenant administrator). The three other tenant roles see the same
// routes with fewer controls; their views are checked in two looks that differ in language, theme
// and size alike, so each of their pages meets both values of every dimension. Zero violations is
// the bar.
import { test, expect, hydrated, PASSWORD, ADMIN_EMAIL } from './helpers';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from '@playwright/test';

// No trace: a failure lists every violation with its route, rule and elements, and recording a
// trace of some fifty page loads a look took a third of the look's time (59 s → 38 s a look).
test.use({ trace: 'off' });

type Look = { locale: 'en-US' | 'ar'; colorScheme: 'light' | 'dark'; phone: boolean };

// AXE_LOOKS (a JSON list of looks) narrows a local run.
const LOOKS: Look[] = process.env.AXE_LOOKS ? JSON.parse(process.env.AXE_LOOKS) : [
  { locale: 'en-US', colorScheme: 'light', phone: false },
  { locale: 'ar', colorScheme: 'dark', phone: true },
  { locale: 'en-US', colorScheme: 'dark', phone: false },
  { locale: 'ar', colorScheme: 'light', phone: false },
  { locale: 'en-US', colorScheme: 'light', phone: true },
  { locale: 'ar', colorScheme: 'dark', phone: false },
  { locale: 'en-US', colorScheme: 'dark', phone: true },
  { locale: 'ar', colorScheme: 'light', phone: true },
];
/** How many of the looks, from the first, check every person's view; the others check each route
 * once, as its widest viewer sees it (or as another person, for a route no widest viewer has).
 * Everyone in all eight looks took about half as long again (bench/RESULTS.md, 2026-12-08), for
 * views whose look-dependent parts (colours, direction, layout) are the shell and components the
 * widest viewers' pages already put through every look. */
const EVERYONE_LOOKS = Number(process.env.AXE_EVERYONE_LOOKS ?? 2);

type Person = { email: string; home: string; extra: string[]; widest: boolean };

/** `widest`: sees every control on each of their routes (the administrators of the platform and
 * of the tenant); the others' routes are theirs with fewer controls. */
const PEOPLE: Person[] = [
  { email: ADMIN_EMAIL, home: '/', extra: ['/tenants/new', '/users/new'], widest: true },
  { email: 'alice@acme.test', home: '/t/acme', extra: ['/t/acme/users/new', '/t/acme/alerts/rules/new'], widest: true },
  { email: 'mark@acme.test', home: '/t/acme', extra: [], widest: false },
  { email: 'victor@acme.test', home: '/t/acme', extra: [], widest: false },
  { email: 'ana@acme.test', home: '/t/acme', extra: [], widest: false },
];

function describe(look: Look): string {
  return `${look.locale} ${look.colorScheme} ${look.phone ? 'phone' : 'desktop'}`;
}

/** Each person's signed-in session, kept from their first sign-in: the looks only read, so one
 * session serves all eight, and each look opens it in a context with its own language, theme and
 * size (neither is kept with these accounts). */
const sessions = new Map<string, Awaited<ReturnType<BrowserContext['storageState']>>>();

async function open(browser: Browser, look: Look, email: string, home: string): Promise<Page> {
  const context = await browser.newContext({
    locale: look.locale,
    colorScheme: look.colorScheme,
    viewport: look.phone ? { width: 375, height: 740 } : { width: 1280, height: 800 },
    storageState: sessions.get(email),
  });
  const page = await context.newPage();
  if (sessions.has(email)) {
    await page.goto(home);
  } else {
    await page.goto('/login');
    await hydrated(page);
    await page.locator('#field-email').fill(email);
    await page.locator('#field-password').fill(PASSWORD);
    await page.locator('.login-card form button[type=submit]').first().click();
  }
  await expect(page.getByTestId('current-user')).toBeAttached();
  await hydrated(page);
  sessions.set(email, await context.storageState());
  return page;
}

async function violations(page: Page, path: string): Promise<string[]> {
  await page.goto(path);
  await hydrated(page);
  const result = await new AxeBuilder({ page })
    // Only violations fail the check; axe then skips describing each node that passed. First:
    // `options` replaces every option set before it, the tags included.
    .options({ resultTypes: ['violations'] })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'])
    // Atrium's pages have no frames, so axe can run in the page itself: the default runs it per
    // frame and then again in a new blank page that re-injects axe and merges every node's
    // results (passes included) sent over as JSON.
    .setLegacyMode()
    .analyze();
  return result.violations.map(
    (v) => `${path}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`,
  );
}

/** People checked at once: axe's analysis is script in the page's renderer, one core each, so two
 * people in their own contexts use both of the test machine's cores. The checks only read. */
const LANES = Number(process.env.AXE_LANES ?? 2);

/** Runs `work` over `items`, `lanes` at a time, each lane taking the next item when it is done. */
async function inLanes<T>(items: T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const lane = async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  };
  await Promise.all(Array.from({ length: Math.max(1, lanes) }, lane));
}

/** The pages a person's navigation links to (the sidebar, read from the page itself). */
async function navigation(page: Page): Promise<string[]> {
  const hrefs = await page.locator('#sidebar-menu nav a[href]').evaluateAll((links) =>
    links.map((link) => new URL((link as HTMLAnchorElement).href).pathname),
  );
  return [...new Set(hrefs)];
}

/** Each person's routes (their navigation and extra pages), read in their first look: the routes a
 * person reaches do not depend on the look. */
const routes = new Map<string, string[]>();

for (const [index, look] of LOOKS.entries()) {
  test(`no axe violations: ${describe(look)}`, async ({ browser }) => {
    test.setTimeout(240_000);
    const everyone = index < EVERYONE_LOOKS;
    const found: string[] = [];
    // The routes this look has checked, so that outside the everyone looks a route is checked once.
    const checked = new Set<string>();
    // Signed out: the sign-in page.
    const context = await browser.newContext({
      locale: look.locale,
      colorScheme: look.colorScheme,
      viewport: look.phone ? { width: 375, height: 740 } : { width: 1280, height: 800 },
    });
    found.push(...(await violations(await context.newPage(), '/login')));
    await context.close();
    const check = async (person: Person) => {
      const known = routes.get(person.email);
      const todo = known?.filter((path) => everyone || !checked.has(path));
      if (todo?.length === 0) return;
      const page = await open(browser, look, person.email, person.home);
      expect(await page.locator('html').getAttribute('dir')).toBe(look.locale === 'ar' ? 'rtl' : 'ltr');
      const paths = todo ?? [...(await navigation(page)), ...person.extra];
      routes.set(person.email, known ?? paths);
      for (const path of paths) {
        if (!everyone && checked.has(path)) continue;
        checked.add(path);
        found.push(...(await violations(page, path)));
      }
      await page.context().close();
    };
    // The widest viewers first: outside the everyone looks the others then check only routes
    // neither of them has.
    await inLanes(PEOPLE.filter((person) => person.widest), LANES, check);
    await inLanes(PEOPLE.filter((person) => !person.widest), LANES, check);
    expect(found, found.join('\n')).toEqual([]);
  });
}
