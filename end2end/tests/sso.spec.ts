// Single sign-on with OpenID Connect against a real provider (npm's oidc-provider on 127.0.0.1):
// a workspace's administrator saves the provider on the Security page; its sign-in page then
// offers "Sign in with …", which goes through the provider's login and back into the workspace,
// creating the newcomer with the default role. Someone outside the allowed domains, and a return
// that did not start in this browser, are refused on the sign-in page with the reason.
import { test, expect, addTenantMember, createTenant, hydrated, PASSWORD, signIn, signInAsAdmin, signOut, unique } from './helpers';
import { type OidcProvider, startOidcProvider } from './oidc-provider';

const CLIENT = { clientId: 'atrium-e2e', clientSecret: 'e2e-client-secret-0123456789' };
let provider: OidcProvider;

test.beforeAll(async () => {
  provider = await startOidcProvider(Number(process.env.OIDC_PROVIDER_PORT), CLIENT);
});

test.afterAll(async () => {
  await provider?.close();
});

test('members sign in through the workspace provider; outsiders and forged returns are refused', async ({ page, browser }) => {
  const slug = `sso-${unique()}`;
  const name = `Single Sign-On ${slug}`;
  const owner = `owner-${slug}@example.test`;
  await signInAsAdmin(page);
  await createTenant(page, name, slug);
  await addTenantMember(page, name, { email: owner, name: 'Olga Owner', role: 'Admin', password: PASSWORD });
  await signOut(page);
  /** The owner signs in to the workspace and opens its Security page. */
  const ownersSecurityPage = async () => {
    await signIn(page, owner, PASSWORD, slug);
    await expect(page.getByTestId('current-user')).toHaveText('Olga Owner');
    await hydrated(page);
    await page.getByRole('link', { name: 'Security' }).click();
    await hydrated(page);
  };

  // The owner sets the provider up on the Security page.
  await ownersSecurityPage();
  await expect(page.getByTestId('sso-redirect-uri')).toHaveText(new RegExp(`/sso/${slug}/callback$`));
  await page.getByLabel('Provider name').fill('Test <IdP>');
  await page.getByLabel('Issuer URL').fill(provider.issuer);
  await page.getByLabel('Client ID').fill(CLIENT.clientId);
  await page.getByLabel('Client secret').fill(CLIENT.clientSecret);
  await page.getByLabel('Allowed email domains').fill('example.test');
  // Newcomers can get at most a role below the owner's own.
  await expect(page.getByLabel('Role of people created on first sign-in').locator('option', { hasText: 'Admin' })).toHaveCount(0);
  await page.getByLabel('Role of people created on first sign-in').selectOption({ label: 'Analyst' });
  await page.getByRole('button', { name: 'Save single sign-on' }).click();
  await expect(page.getByText('Single sign-on saved.')).toBeVisible();
  await expect(page.getByText('A secret is stored (encrypted). Leave this empty to keep it.')).toBeVisible();
  await signOut(page);

  // A newcomer signs in through the provider and lands in the workspace as an Analyst.
  const newcomer = `nina-${slug}@example.test`;
  await page.goto(`/t/${slug}/login`);
  await hydrated(page);
  // The provider's name is text typed by an administrator: shown as text, not markup.
  await page.getByRole('link', { name: 'Sign in with Test <IdP>' }).click();
  await expect(page).toHaveURL(new RegExp(`^${provider.issuer}/`));
  await page.getByPlaceholder('Enter any login').fill(newcomer);
  await page.getByPlaceholder('and password').fill('anything');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${slug}$`));
  await expect(page.getByTestId('current-user')).toHaveText(`nina-${slug}`);
  await hydrated(page);
  await page.getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('row').filter({ hasText: newcomer })).toContainText('Analyst');

  // Someone outside the allowed domains (a new browser, so the provider asks again).
  const outsider = await browser.newContext();
  const other = await outsider.newPage();
  await other.goto(`/t/${slug}/login`);
  await hydrated(other);
  await other.getByRole('link', { name: 'Sign in with Test <IdP>' }).click();
  await other.getByPlaceholder('Enter any login').fill(`eve-${slug}@elsewhere.example`);
  await other.getByPlaceholder('and password').fill('anything');
  await other.getByRole('button', { name: 'Sign-in' }).click();
  await expect(other).toHaveURL(new RegExp(`/t/${slug}/login\\?sso_error=domain$`));
  await expect(other.getByRole('alert').filter({ hasText: 'not one this workspace accepts' })).toBeVisible();

  // A return this browser did not start (a forged or someone else's state) is refused.
  await other.goto(`/sso/${slug}/callback?code=stolen&state=forged`);
  await expect(other).toHaveURL(new RegExp(`/t/${slug}/login\\?sso_error=state$`));
  await expect(other.getByRole('alert').filter({ hasText: 'did not start in this browser' })).toBeVisible();
  await outsider.close();

  // The console's sign-in page finds the workspace's own sign-in page, and its provider, by name.
  const console_ = await browser.newContext();
  const fresh = await console_.newPage();
  await fresh.goto('/login');
  await hydrated(fresh);
  await fresh.getByText("Use your organisation's single sign-on").click();
  await fresh.getByLabel('Workspace', { exact: true }).fill('no-such-workspace');
  await fresh.getByRole('button', { name: 'Continue' }).click();
  await expect(fresh).toHaveURL(/\/login\?sso_error=not_configured$/);
  await expect(fresh.getByRole('alert').filter({ hasText: 'does not offer single sign-on' })).toBeVisible();
  await hydrated(fresh);
  await fresh.getByText("Use your organisation's single sign-on").click();
  await fresh.getByLabel('Workspace', { exact: true }).fill(slug);
  await fresh.getByRole('button', { name: 'Continue' }).click();
  await expect(fresh).toHaveURL(new RegExp(`/t/${slug}/login`));
  await hydrated(fresh);
  await fresh.getByRole('link', { name: 'Sign in with Test <IdP>' }).click();
  await fresh.getByPlaceholder('Enter any login').fill(newcomer);
  await fresh.getByPlaceholder('and password').fill('anything');
  await fresh.getByRole('button', { name: 'Sign-in' }).click();
  await expect(fresh.getByTestId('current-user')).toHaveText(`nina-${slug}`);
  await console_.close();

  // Removing the provider asks first; then the workspace's sign-in page offers passwords only.
  await signOut(page);
  await ownersSecurityPage();
  const removeNow = page.getByRole('button', { name: 'Remove it now' });
  await expect(removeNow).toBeHidden();
  await page.getByText('Remove single sign-on').click();
  await expect(page.getByText('Members will no longer be able to sign in through Test <IdP>')).toBeVisible();
  await removeNow.click();
  await expect(page.getByText('Single sign-on removed.')).toBeVisible();
  await signOut(page);
  await page.goto(`/t/${slug}/login`);
  await hydrated(page);
  await expect(page.getByRole('link', { name: 'Sign in with Test <IdP>' })).toHaveCount(0);
});
