// Two-factor sign-in: a workspace administrator turns it on from their account page (QR code and
// key, confirmed by a first code), notes the backup codes, then signs in with a code from the
// "app" and later with a backup code; once the workspace requires it, a member without it is sent
// to enrolment right after the password and lands in the workspace after it. Codes come from an
// RFC 6238 generator written here, independent of the server's.
import { createHmac } from 'node:crypto';
import { type Page } from '@playwright/test';
import { test, expect, addTenantMember, createTenant, hydrated, signIn, signInAsAdmin, signOut, unique } from './helpers';

const PASSWORD = 'correct-horse-42';

/** RFC 4648 base32 without padding; spaces ignored. */
function base32(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of text.replace(/\s+/g, '')) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** RFC 6238 with the defaults apps assume: HMAC-SHA-1, 30 s steps, 6 digits. */
function totp(key: string, at = Date.now()): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', base32(key)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return code.toString().padStart(6, '0');
}

/** Enrols from the page in front of us; returns the key and the backup codes. */
async function enrol(page: Page): Promise<{ key: string; codes: string[] }> {
  await hydrated(page);
  await page.getByRole('button', { name: 'Set up two-factor sign-in' }).click();
  await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
  const key = (await page.locator('code.secret').textContent()) ?? '';
  expect(key).toMatch(/^[A-Z2-7 ]{32,}$/);
  await page.getByLabel('Code from the app').fill('000000');
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await expect(page.locator('#field-code-error')).toContainText('not right');
  await page.getByLabel('Code from the app').fill(totp(key));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  const list = page.getByRole('status').filter({ hasText: 'Your backup codes' });
  await expect(list.getByRole('listitem')).toHaveCount(10);
  const codes = await list.getByRole('listitem').allTextContents();
  return { key, codes: codes.map((c) => c.trim()) };
}

test('two-factor sign-in: enrol, sign in with a code and a backup code, then required for every member', async ({
  page,
}) => {
  const slug = `tf-${unique()}`;
  const name = `Two Factor ${slug}`;
  const owner = `owner-${slug}@example.test`;
  const member = `member-${slug}@example.test`;
  await signInAsAdmin(page);
  await createTenant(page, name, slug);
  await addTenantMember(page, name, { email: owner, name: 'Olga Owner', role: 'Admin', password: PASSWORD });
  await signOut(page);

  // The owner adds a member, then turns two-factor on from their own account page.
  await signIn(page, owner, PASSWORD, slug);
  await expect(page.getByTestId('current-user')).toHaveText('Olga Owner');
  await hydrated(page);
  await page.getByRole('link', { name: 'Users' }).click();
  await hydrated(page);
  await page.getByRole('link', { name: 'New user' }).click();
  await hydrated(page);
  await page.getByLabel('Email').fill(member);
  await page.getByLabel('Name', { exact: true }).fill('Milo Member');
  await page.getByLabel('Role').selectOption({ label: 'Viewer' });
  await page.getByLabel('Initial password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('heading', { name: 'Milo Member', level: 1 })).toBeVisible();
  await hydrated(page);
  await page.getByRole('link', { name: 'Your account' }).click();
  await expect(page.getByRole('heading', { name: 'Your account', level: 1 })).toBeVisible();
  const { key, codes } = await enrol(page);
  await page.reload();
  await expect(page.locator('[data-two-factor="on"]')).toBeVisible();
  await expect(page.getByText('10 unused backup codes left.')).toBeVisible();
  await signOut(page);

  // The password alone is not enough: the code step comes next. The enrolment used this step's
  // code, so the app's next one signs in.
  await signIn(page, owner, PASSWORD, slug);
  await expect(page).toHaveURL(/\/login\/verify/);
  await hydrated(page);
  await page.getByLabel('Code').fill(totp(key, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('current-user')).toHaveText('Olga Owner');
  await expect(page).toHaveURL(new RegExp(`/t/${slug}`));
  await signOut(page);

  // A backup code works once.
  await signIn(page, owner, PASSWORD, slug);
  await expect(page).toHaveURL(/\/login\/verify/);
  await hydrated(page);
  await page.getByLabel('Code').fill(codes[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByTestId('current-user')).toHaveText('Olga Owner');
  await hydrated(page);

  // The workspace requires it of every member.
  await page.getByRole('link', { name: 'Security' }).click();
  await hydrated(page);
  await page.getByLabel('Require two-factor sign-in for every member').check();
  await page.getByRole('button', { name: 'Save security settings' }).click();
  await expect(page.getByText('Security settings saved.')).toBeVisible();
  await signOut(page);

  // A member without it is sent to enrolment after the password, then into the workspace.
  await signIn(page, member, PASSWORD, slug);
  await expect(page).toHaveURL(/\/login\/enrol/);
  await expect(page.getByRole('heading', { name: 'Set up two-factor sign-in', level: 1 })).toBeVisible();
  await enrol(page);
  await page.getByRole('link', { name: 'Continue' }).click();
  await expect(page.getByTestId('current-user')).toHaveText('Milo Member');
  await expect(page).toHaveURL(new RegExp(`/t/${slug}`));
});
