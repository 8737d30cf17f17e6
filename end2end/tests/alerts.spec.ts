// Alerts journey: a rule on a metric, points pushed over the API breach it, the alert appears
// live as firing (no reload) and the breach-to-browser latency is measured; acknowledging stops
// the escalation that was due; resolving ends it; the test's own webhook receiver got a signed
// `alert.firing` delivery that verifies with the channel's secret.
import { test, expect, hydrated, signInAs, unique } from './helpers';
import type { APIRequestContext, Page } from '@playwright/test';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

type Received = { path: string; headers: Record<string, string>; body: string };

/** A real HTTP receiver on 127.0.0.1 that records every request and answers 204. */
async function startReceiver(): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) headers[name] = String(value);
      received.push({ path: request.url ?? '', headers, body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, server };
}

/** Standard Webhooks: base64 HMAC-SHA256 of "id.timestamp.body" under the decoded secret. */
function verifies(secret: string, delivery: Received): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signed = `${delivery.headers['webhook-id']}.${delivery.headers['webhook-timestamp']}.${delivery.body}`;
  const expected = createHmac('sha256', key).update(signed).digest();
  return (delivery.headers['webhook-signature'] ?? '').split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    const given = Buffer.from(signature ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

async function createKey(page: Page): Promise<string> {
  await page.goto('/api-keys');
  await hydrated(page);
  await page.getByLabel('Name').fill(`e2e alerts ${unique()}`);
  await page.getByRole('checkbox', { name: /metrics:write/ }).check();
  await page.getByRole('button', { name: 'Create key' }).click();
  const issued = page.getByTestId('issued-key');
  await expect(issued).toBeVisible();
  return ((await issued.textContent()) ?? '').trim();
}

async function send(request: APIRequestContext, key: string, points: object[]) {
  const reply = await request.post('/api/v1/metrics', { headers: { Authorization: `Bearer ${key}` }, data: { points } });
  expect(reply.status(), await reply.text()).toBe(200);
}

/** Creates a webhook channel on the Channels page and returns its signing secret (shown once). */
async function createWebhookChannel(page: Page, name: string, url: string): Promise<string> {
  await page.goto('/alerts/channels');
  await hydrated(page);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Kind').selectOption({ label: 'Webhook' });
  await page.getByLabel('URL', { exact: true }).fill(url);
  await page.getByRole('button', { name: 'Add channel' }).click();
  const secret = page.getByTestId('channel-secret');
  await expect(secret).toHaveText(/^whsec_/);
  const text = ((await secret.textContent()) ?? '').trim();
  await page.getByTestId('issued-secret-panel').getByRole('button', { name: 'Done' }).click();
  return text;
}

test('a breach fires live, acknowledging stops escalation, resolving ends it, the webhook is signed', async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const receiver = await startReceiver();
  try {
    await signInAs(page, 'alice@acme.test', 'Alice Admin');
    const key = await createKey(page);
    const metric = `e2e.queue_${unique()}`;
    // The metric exists (quiet) before the rule is written: a rule on an unknown metric is refused.
    await send(request, key, [{ metric, value: 3 }]);
    const secret = await createWebhookChannel(page, `oncall ${unique()}`, `${receiver.url}/oncall`);
    await createWebhookChannel(page, `escalation ${unique()}`, `${receiver.url}/escalation`);

    await page.goto('/alerts/rules/new');
    await hydrated(page);
    const ruleName = `Queue too deep ${unique()}`;
    await page.getByLabel('Name', { exact: true }).fill(ruleName);
    // Bad input first: the message shows next to the field.
    await page.getByLabel('Metric', { exact: true }).selectOption(metric);
    await page.getByLabel('Aggregation').selectOption('max');
    await page.getByLabel('Comparison').selectOption('gt');
    await page.getByLabel('Threshold').fill('lots');
    await page.getByLabel('Evaluation window').fill('1m');
    await page.getByLabel('Pending period').fill('0s');
    await page.getByRole('group', { name: 'Notify these channels' }).getByRole('checkbox', { name: /oncall/ }).check();
    await page.getByLabel('Step 1: after').fill('25s');
    await page.getByRole('group', { name: 'Step 1: notify' }).getByRole('checkbox', { name: /escalation/ }).check();
    await page.getByRole('button', { name: 'Save rule' }).click();
    await expect(page.locator('#field-threshold-error')).toHaveText('Enter a number.');
    await page.getByLabel('Threshold').fill('100');
    await page.getByRole('button', { name: 'Test against the last 24 h' }).click();
    await expect(page.getByTestId('backtest-summary')).toHaveText('Would have fired 0 times in the last 24 h.');
    await page.getByRole('button', { name: 'Save rule' }).click();
    await expect(page).toHaveURL(/\/alerts\/rules$/);
    await expect(page.getByRole('link', { name: ruleName })).toBeVisible();

    await page.goto('/alerts');
    await hydrated(page);
    await expect(page.locator('.live-indicator')).toHaveAttribute('data-state', 'live');
    const row = page.locator('tr.alert-row', { hasText: ruleName });
    await expect(row).toHaveCount(0);
    const breachAt = Date.now();
    await send(request, key, [{ metric, value: 500 }]);
    await expect(row).toBeVisible({ timeout: 20_000 });
    const latency = Date.now() - breachAt;
    console.log(`alert latency: breach → firing visible in the browser: ${latency} ms`);
    test.info().annotations.push({ type: 'alert-latency-ms', description: String(latency) });
    await expect(row.getByTestId('alert-state')).toHaveText('Firing');
    await expect(row).toContainText('High');
    // Since when, counted from the server's reading (so hydration agrees), with the exact time
    // on hover.
    const since = row.locator('time');
    await expect(since).toHaveText(/^(just now|1 minute ago)$/);
    await expect(since).toHaveAttribute('title', /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC$/);

    await row.getByRole('button', { name: `Acknowledge ${ruleName}` }).click();
    await page.getByLabel('Comment (optional)').fill('looking into it');
    await page.getByRole('button', { name: 'Acknowledge alert' }).click();
    await expect(row).toHaveCount(0);
    await page.getByRole('link', { name: /Acknowledged/ }).click();
    await expect(row.getByTestId('alert-state')).toHaveText('Acknowledged');

    await row.getByRole('link', { name: ruleName }).click();
    await hydrated(page);
    await expect(page.getByTestId('escalation-status')).toHaveText('Stopped: Acknowledged');
    await expect(page.getByTestId('alert-history')).toContainText('looking into it');
    // Past the 25 s step: nothing escalated because someone acknowledged in time.
    const firedAt = breachAt;
    await page.waitForTimeout(Math.max(0, firedAt + 30_000 - Date.now()));
    expect(receiver.received.filter((r) => r.path === '/escalation' && r.body.includes('alert.escalated'))).toHaveLength(0);
    await page.reload();
    await hydrated(page);
    await expect(page.getByTestId('alert-history')).not.toContainText('Escalated');

    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    await page.getByLabel('Comment (optional)').fill('drained the queue');
    await page.getByRole('button', { name: 'Resolve alert' }).click();
    await expect(page.getByTestId('alert-state').first()).toHaveText('Resolved');

    const firing = receiver.received.find((r) => r.path === '/oncall' && JSON.parse(r.body).type === 'alert.firing');
    expect(firing, JSON.stringify(receiver.received.map((r) => r.path))).toBeTruthy();
    expect(firing!.headers['webhook-id']).toBeTruthy();
    expect(verifies(secret, firing!)).toBe(true);
    expect(JSON.parse(firing!.body).data.title).toContain(ruleName);
  } finally {
    receiver.server.close();
  }
});
