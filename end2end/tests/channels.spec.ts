// Channels journey: a tenant admin adds a webhook channel pointing at a receiver this spec starts
// on 127.0.0.1 (the e2e server runs with ATRIUM_OUTBOUND_ALLOW_PRIVATE=true for it), copies the
// signing secret shown once, sends a test, sees it delivered in the log, and the receiver checks
// the Standard Webhooks signature with that secret (its own code, not Atrium's). The channel is
// deleted at the end so re-runs start clean; a viewer never sees the page.
import http from 'node:http';
import crypto from 'node:crypto';
import { type AddressInfo } from 'node:net';
import { type Page } from '@playwright/test';
import { test, expect, hydrated, signInAs, signOut, unique } from './helpers';

type Received = { headers: http.IncomingHttpHeaders; body: string };

/** A webhook receiver on 127.0.0.1 that records every request and answers 200. */
async function startReceiver() {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('received');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/hooks/atrium`,
    received,
    // Atrium keeps its connection alive for reuse; end it so close() does not wait for it.
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Standard Webhooks verification: HMAC-SHA256 over "id.timestamp.body" with the base64 key
 * after `whsec_`; any `v1,` entry of the space-separated header may match. */
function verify(secret: string, request: Received): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const id = String(request.headers['webhook-id']);
  const timestamp = String(request.headers['webhook-timestamp']);
  const expected = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${request.body}`).digest('base64');
  return String(request.headers['webhook-signature'] ?? '')
    .split(' ')
    .some((entry) => entry === `v1,${expected}`);
}

async function openChannelsPage(page: Page) {
  await page.getByRole('link', { name: 'Channels' }).click();
  await expect(page.getByRole('heading', { name: 'Channels', level: 1 })).toBeVisible();
  await hydrated(page);
}

function channelRow(page: Page, name: string) {
  return page.getByRole('table', { name: 'Channels', exact: true }).getByRole('row').filter({ hasText: name });
}

test('an admin adds a webhook channel, copies its secret once and sends a test the receiver verifies', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const receiver = await startReceiver();
  try {
    const name = `ops hook ${unique()}`;
    await signInAs(page, 'alice@acme.test', 'Alice Admin');
    await openChannelsPage(page);

    // Only http(s) destinations: the refusal shows next to the URL field.
    await page.getByLabel('Name', { exact: true }).fill(name);
    await page.getByLabel('Kind').selectOption({ label: 'Webhook' });
    await page.getByLabel('URL', { exact: true }).fill('ftp://example.com/hook');
    await page.getByRole('button', { name: 'Add channel' }).click();
    await expect(page.locator('#field-url-error')).toHaveText('Only http:// and https:// URLs can receive notifications.');
    await expect(channelRow(page, name)).toHaveCount(0);

    await page.getByLabel('URL', { exact: true }).fill(receiver.url);
    await page.getByRole('button', { name: 'Add channel' }).click();
    const panel = page.getByTestId('issued-secret-panel');
    const shown = page.getByTestId('channel-secret');
    await expect(shown).toHaveText(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const secret = (await shown.textContent()) ?? '';
    await expect(panel).toContainText('You won’t see this secret again.');
    await panel.getByRole('button', { name: 'Copy secret' }).click();
    await expect(panel.getByRole('button', { name: 'Copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

    const row = channelRow(page, name);
    await expect(row).toContainText('Webhook');
    // The path (a credential, for Slack and Teams URLs) is cut from the list.
    await expect(row.locator('code.target')).toHaveText(`${receiver.origin}/…`);
    await expect(row.locator('.badge')).toHaveText('On');
    await panel.getByRole('button', { name: 'Done' }).click();
    await expect(panel).toHaveCount(0);

    // Send test: one attempt at once, its result next to the channel.
    await row.getByRole('button', { name: 'Send test' }).click();
    await expect(row.getByTestId('test-result')).toHaveText(/^Test delivered: 200 in \d+ ms$/);
    expect(receiver.received).toHaveLength(1);
    const request = receiver.received[0];
    expect(verify(secret, request)).toBe(true);
    expect(verify(`whsec_${Buffer.alloc(32).toString('base64')}`, request)).toBe(false);
    const body = JSON.parse(request.body);
    expect(body.type).toBe('channel.test');
    expect(body.data.title).toBe(`Test notification for ${name}`);


    // The delivery log shows it under the id the receiver got.
    const log = page.getByRole('table', { name: 'Delivery log' });
    const delivery = log.getByRole('row').filter({ hasText: name }).filter({ hasText: 'channel.test' });
    await expect(delivery).toHaveCount(1);
    await expect(delivery).toHaveAttribute('data-delivery', String(request.headers['webhook-id']));
    await expect(delivery).toContainText('Delivered');
    await expect(delivery).toContainText('200');

    // Filtering by status keeps it among the delivered and out of the failed.
    await page.getByLabel('Status', { exact: true }).selectOption({ label: 'Failed' });
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect(page).toHaveURL(/status=failed/);
    await hydrated(page);
    await expect(page.getByRole('row').filter({ hasText: 'channel.test' }).filter({ hasText: name })).toHaveCount(0);

    // After a reload the secret is gone for good.
    await page.goto('/alerts/channels');
    await hydrated(page);
    expect(await page.content()).not.toContain(secret);

    // Its receivers read Arabic: the channel says so, and the next message is written in it.
    await channelRow(page, name).getByRole('button', { name: `Edit ${name}` }).click();
    await expect(page.getByLabel('Language of its messages')).toHaveValue('en');
    await page.getByLabel('Language of its messages').selectOption({ label: 'العربية' });
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(page.getByText(`Channel “${name}” saved.`)).toBeVisible();
    await channelRow(page, name).getByRole('button', { name: 'Send test' }).click();
    await expect.poll(() => receiver.received.length).toBe(2);
    const arabic = JSON.parse(receiver.received[1].body);
    expect(arabic.data.title).toBe(`إشعار تجريبي لـ ${name}`);

    // Delete it (typing its name), which takes its log along.
    await channelRow(page, name).getByRole('button', { name: 'Delete' }).click();
    await page.getByLabel(/Type the channel name/).fill(name);
    await page.getByRole('button', { name: 'Delete this channel' }).click();
    await expect(channelRow(page, name)).toHaveCount(0);
    await signOut(page);

    // A viewer has no Channels page in the navigation.
    await signInAs(page, 'victor@acme.test', 'Victor Viewer');
    await expect(page.getByRole('link', { name: 'Channels' })).toHaveCount(0);
  } finally {
    await receiver.close();
  }
});
