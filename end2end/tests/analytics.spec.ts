// Analytics journey: an API key sends points over HTTP; the chart shows them, moves live as more
// arrive, marks an injected anomaly, changes range and bucket, shows its table and exports CSV.
import { test, expect, hydrated, signInAs, signOut, unique } from './helpers';
import type { APIRequestContext, Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';

async function createKey(page: Page): Promise<string> {
  await page.goto('/api-keys');
  await hydrated(page);
  await page.getByLabel('Name').fill(`e2e analytics ${unique()}`);
  await page.getByRole('checkbox', { name: /metrics:write/ }).check();
  await page.getByRole('button', { name: 'Create key' }).click();
  const issued = page.getByTestId('issued-key');
  await expect(issued).toBeVisible();
  const key = (await issued.textContent())?.trim() ?? '';
  expect(key).toMatch(/^atr_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
  return key;
}

async function send(request: APIRequestContext, key: string, points: object[]) {
  const reply = await request.post('/api/v1/metrics', {
    headers: { Authorization: `Bearer ${key}` },
    data: { points },
  });
  expect(reply.status(), await reply.text()).toBe(200);
  expect((await reply.json()).accepted).toBe(points.length);
}

type DrawnSeries = { type: string; name: string; values: (number | null)[] };

/** The series the page handed to ECharts for the metric chart, read back from ECharts itself. */
async function chartSeries(page: Page): Promise<DrawnSeries[]> {
  return page.evaluate(() => {
    type Instance = { getOption(): { series: { type: string; name: string; data: [number, number | null][] }[] } };
    const echarts = (window as unknown as { echarts?: { getInstanceByDom(e: Element | null): Instance | undefined } })
      .echarts;
    const chart = echarts?.getInstanceByDom(document.getElementById('metric-chart'));
    return (chart?.getOption().series ?? []).map((s) => ({ type: s.type, name: s.name, values: s.data.map((d) => d[1]) }));
  });
}

test('points sent with a key are charted, move live, and export', async ({ page, request }) => {
  await signInAs(page, 'alice@acme.test', 'Alice Admin');
  const key = await createKey(page);
  const metric = `e2e.latency_${unique()}`;
  const minute = 60_000;
  const start = Math.floor(Date.now() / minute) * minute - 45 * minute;
  // 40 quiet minutes around 100 ms, then one minute at 900 ms: the anomaly.
  const history = Array.from({ length: 40 }, (_, i) => ({
    metric,
    ts: start + i * minute + 5_000,
    value: i === 35 ? 900 : 100 + (i % 3) - 1,
    labels: { host: i % 2 ? 'web-1' : 'web-2' },
  }));
  await send(request, key, history);

  await page.goto(`/analytics?metric=${metric}`);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: metric })).toBeVisible();
  // ECharts draws into a canvas inside the chart container.
  await expect(page.locator('#metric-chart canvas')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Anomalies (1)' })).toBeVisible();
  // What ECharts holds: the statistic as a line over the 40 minutes, the anomaly as a marker.
  await expect.poll(async () => (await chartSeries(page)).find((s) => s.type === 'scatter')?.values).toEqual([900]);
  const line = (await chartSeries(page)).find((s) => s.type === 'line');
  expect(line?.values).toHaveLength(40);
  expect(line?.values).toContain(900);
  await expect(page.locator('.anomaly-list li')).toContainText('900');

  // The table view: server-rendered data behind a toggle.
  await page.getByText('Data table').click();
  const table = page.locator('details.data-table table');
  await expect(table).toBeVisible();
  await expect(table.locator('tbody tr')).toHaveCount(40);

  // Live: a new point moves the chart without a reload.
  await expect(page.locator('.live-indicator')).toHaveAttribute('data-state', 'live');
  await page.evaluate(() => ((window as unknown as { noReload: boolean }).noReload = true));
  await send(request, key, [{ metric, value: 4242, labels: { host: 'web-1' } }]);
  await expect(table).toContainText('4242', { timeout: 15_000 });
  await expect
    .poll(async () => (await chartSeries(page)).some((s) => s.type === 'line' && s.values.includes(4242)))
    .toBe(true);
  await send(request, key, [{ metric, value: 4343, labels: { host: 'web-2' } }]);
  // Same minute as 4242 (the average moves to 4292.5) or the next one (a new row with 4343).
  await expect(table.locator('tbody tr').first()).toContainText(/4343|4292\.5/, { timeout: 15_000 });
  expect(await page.evaluate(() => (window as unknown as { noReload?: boolean }).noReload)).toBe(true);

  // Range and bucket are kept in the URL.
  await page.getByLabel('Range', { exact: true }).selectOption('24h');
  await page.getByLabel('Bucket', { exact: true }).selectOption('hour');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page).toHaveURL(/range=24h/);
  await expect(page).toHaveURL(/bucket=hour/);
  await expect(page.getByText(/hour buckets/i)).toBeVisible();

  // Too fine a bucket for the range is refused next to the field.
  await page.getByLabel('Range', { exact: true }).selectOption('30d');
  await page.getByLabel('Bucket', { exact: true }).selectOption('minute');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('#analytics-bucket-error')).toContainText('wider');

  // Export the visible series.
  await page.getByLabel('Bucket', { exact: true }).selectOption('');
  await page.getByLabel('Range', { exact: true }).selectOption('1h');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('heading', { name: metric })).toBeVisible();
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const file = await (await download).path();
  const csv = await readFile(file, 'utf8');
  expect(csv.split('\n')[0]).toBe('time,avg,min,max,p50,p95,p99,count,rate');
  expect(csv).toContain('900');
});

test('a viewer reads charts but cannot edit metric details', async ({ page, request }) => {
  await signInAs(page, 'alice@acme.test', 'Alice Admin');
  const key = await createKey(page);
  const metric = `e2e.viewer_${unique()}`;
  await send(request, key, [{ metric, value: 1 }]);
  // Waits for the sign-out to land: navigating at once could cancel it.
  await signOut(page);
  await signInAs(page, 'victor@acme.test', 'Victor Viewer');
  await page.goto(`/analytics?metric=${metric}`);
  await hydrated(page);
  await expect(page.getByRole('heading', { name: metric })).toBeVisible();
  await expect(page.getByText('Metric details')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Export CSV' })).toHaveCount(0);
});
