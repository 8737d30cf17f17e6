// Channel chooser journey: in a workspace with more channels than the rule editor lists, an admin
// finds one further down by typing part of its name, picks it with the keyboard, and it joins the
// list as a checked box (named for the form) in the rule's channels, not in an escalation step.
// The channels are added through the Channels page's own form endpoint to keep the spec short;
// they belong to Globex, whose channels no other spec counts. Globex's Free plan allows five
// channels, so a platform administrator first gives Globex room of its own.
import { test, expect, hydrated, signInAs, signInAsAdmin, signOut, unique } from './helpers';

test('a rule editor finds a channel beyond the first twenty by searching', async ({ page }) => {
  const suffix = unique();
  await signInAsAdmin(page);
  await page.goto('/tenants?q=globex');
  await hydrated(page);
  await page.getByRole('link', { name: 'Globex' }).click();
  await hydrated(page);
  const own = page.getByRole('region', { name: 'Plan, limits and features' });
  await own.getByRole('textbox', { name: 'Notification channels' }).fill('100000');
  await own.getByRole('button', { name: 'Save limits and features' }).click();
  await expect(page.getByText('Saved.', { exact: true })).toBeVisible();
  await signOut(page);

  await signInAs(page, 'gina@globex.test', 'Gina Admin');
  await page.goto('/alerts/channels');
  await hydrated(page);
  const form = page.locator('form').filter({ has: page.getByRole('button', { name: 'Add channel' }) });
  const action = await form.getAttribute('action');
  expect(action).toBeTruthy();
  const origin = new URL(page.url()).origin;
  for (let n = 1; n <= 21; n++) {
    const name = `zz pager ${suffix} ${String(n).padStart(2, '0')}`;
    const reply = await page.request.post(action!, {
      form: { name, kind: 'webhook', url: 'http://127.0.0.1:9/never-called' },
      headers: { Origin: origin, Accept: 'application/json' },
    });
    expect(reply.ok(), `${name}: ${reply.status()} ${await reply.text()}`).toBeTruthy();
  }

  await page.goto('/alerts/rules/new');
  await hydrated(page);
  const channels = page.getByRole('group', { name: 'Notify these channels' });
  const last = `zz pager ${suffix} 21`;
  await expect(channels.getByRole('checkbox', { name: new RegExp(last) })).toHaveCount(0);
  const search = channels.getByRole('combobox', { name: 'Add another channel' });
  await search.fill(`${suffix} 21`);
  const option = channels.getByRole('option').filter({ hasText: last });
  await expect(option).toHaveCount(1);
  await expect(option).toContainText('webhook');
  await search.press('ArrowDown');
  await search.press('Enter');
  const added = channels.getByRole('checkbox', { name: new RegExp(last) });
  await expect(added).toBeChecked();
  await expect(added).toHaveAttribute('name', /^channels\[\d+\]$/);
  await expect(search).toHaveValue('');
  await expect(page.getByRole('group', { name: 'Step 1: notify' }).getByRole('checkbox', { name: new RegExp(last) })).toHaveCount(0);
  // Picking it again adds no second box.
  await search.fill(`${suffix} 21`);
  await channels.getByRole('option').filter({ hasText: last }).click();
  await expect(added).toHaveCount(1);
});
