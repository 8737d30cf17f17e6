// Invitations journey: a workspace's administrator invites someone by email from the members page
// of the portal; the message arrives at a local SMTP sink, the invitee follows its link in a
// fresh browser, sees the branded page, joins with a name and password and lands in the portal
// signed in; the link then says it has been used. A revoked invitation's link says it was
// withdrawn.
import { test, expect, hydrated, signIn, unique, PASSWORD } from './helpers';
import { type Mail, type SmtpSink, inviteLink, startSmtpSink } from './smtp-sink';

let sink: SmtpSink;

test.beforeAll(async () => {
  sink = await startSmtpSink(Number(process.env.SMTP_SINK_PORT));
});

test.afterAll(async () => {
  await sink?.close();
});

async function mailTo(email: string): Promise<Mail> {
  await expect.poll(() => sink.mails.some((mail) => mail.to.some((to) => to.includes(email)))).toBe(true);
  return sink.mails.filter((mail) => mail.to.some((to) => to.includes(email))).at(-1) as Mail;
}

test('an invitee joins the workspace through the link in the email', async ({ page, browser }) => {
  const id = unique();
  const email = `ivy-${id}@acme.test`;
  const dropped = `drop-${id}@acme.test`;

  await signIn(page, 'alice@acme.test', PASSWORD);
  await expect(page).toHaveURL(/\/t\/acme$/);
  await hydrated(page);
  await page.getByRole('link', { name: 'Users' }).click();
  await expect(page).toHaveURL(/\/t\/acme\/users$/);
  const card = page.getByRole('region', { name: 'Invite people' });
  await card.getByLabel('Email address').fill(email);
  await card.getByLabel('Role').selectOption({ label: 'Analyst' });
  await card.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText(`Invitation sent to ${email}.`)).toBeVisible();
  await expect(card.getByRole('cell', { name: email, exact: true })).toBeVisible();

  const mail = await mailTo(email);
  expect(mail.data).toContain('Subject: Join Acme Corp on Atrium');
  const link = inviteLink(mail);
  expect(new URL(link).pathname).toMatch(/^\/t\/acme\/invite\/inv_/);

  // The invitee, signed in nowhere.
  const context = await browser.newContext();
  const invitee = await context.newPage();
  await invitee.goto(link);
  await expect(invitee.getByRole('heading', { name: 'Join Acme Corp' })).toBeVisible();
  await expect(invitee.getByText(`You were invited as ${email}, with the role Analyst.`)).toBeVisible();
  await hydrated(invitee);
  await invitee.getByLabel('Your name').fill('Ivy Invitee');
  await invitee.getByLabel('Choose a password').fill('short');
  await invitee.getByRole('button', { name: 'Join Acme Corp' }).click();
  await expect(invitee.getByLabel('Choose a password')).toHaveAttribute('aria-invalid', 'true');
  await invitee.getByLabel('Choose a password').fill('a-long-password-1');
  await invitee.getByRole('button', { name: 'Join Acme Corp' }).click();
  await expect(invitee).toHaveURL(/\/t\/acme$/);
  await expect(invitee.getByTestId('current-user')).toHaveText('Ivy Invitee');
  await invitee.goto(link);
  await expect(invitee.getByText('This invitation has already been used. Sign in instead.')).toBeVisible();
  await context.close();

  // The administrator's list: the accepted one is gone; a revoked link is withdrawn.
  await page.reload();
  await hydrated(page);
  await expect(card.getByRole('cell', { name: email, exact: true })).toHaveCount(0);
  await card.getByLabel('Email address').fill(dropped);
  await card.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText(`Invitation sent to ${dropped}.`)).toBeVisible();
  const droppedLink = inviteLink(await mailTo(dropped));
  // Revoking asks first; "Keep it" leaves the invitation alone.
  await card.getByRole('button', { name: `Revoke the invitation to ${dropped}` }).click();
  await expect(card.getByRole('button', { name: 'Revoke now' })).toBeFocused();
  await card.getByRole('button', { name: 'Keep it' }).click();
  await expect(card.getByRole('cell', { name: dropped, exact: true })).toHaveCount(1);
  await card.getByRole('button', { name: `Revoke the invitation to ${dropped}` }).click();
  await card.getByRole('button', { name: 'Revoke now' }).click();
  await expect(card.getByRole('cell', { name: dropped, exact: true })).toHaveCount(0);
  const other = await browser.newContext();
  const stranger = await other.newPage();
  await stranger.goto(droppedLink);
  await expect(stranger.getByText('This invitation was withdrawn.')).toBeVisible();
  await other.close();
});
