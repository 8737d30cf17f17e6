// Roles & permissions journeys: what a Viewer sees and is refused, a custom set changing a
// user's effective permissions, a delegation used, then revoked, and actions offered only on users
// one outranks.
import { test, expect, PASSWORD, hydrated, signIn, signInAs, signOut, unique } from './helpers';

test('a viewer sees no write buttons and a forced write is refused with a message', async ({ page }) => {
  await signInAs(page, 'victor@acme.test', 'Victor Viewer');
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await expect(page.getByRole('cell', { name: 'alice@acme.test' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'New user' })).toHaveCount(0);
  await page.getByRole('link', { name: 'Ana Analyst' }).click();
  await expect(page.getByRole('heading', { name: 'Ana Analyst', level: 1 })).toBeVisible();
  for (const name of ['Edit', 'Disable', 'Reset password']) {
    await expect(page.getByRole('button', { name })).toHaveCount(0);
  }
  await expect(page.getByText('Delete user')).toHaveCount(0);

  // Typing the URL of a form the UI never offered: the server refuses and says why.
  await page.goto('/users/new');
  await hydrated(page);
  await page.getByLabel('Email').fill(`forced-${unique()}@acme.test`);
  await page.getByLabel('Name', { exact: true }).fill('Forced');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'You do not have permission to do this (needs users:create).' })).toBeVisible();
});

test('an admin creates a custom set, assigns it, and the effective permissions change', async ({ page }) => {
  const setName = `On-call ${unique()}`;
  await signInAs(page, 'alice@acme.test', 'Alice Admin');
  await page.getByRole('link', { name: 'Roles & permissions' }).click();
  await expect(page.getByRole('heading', { name: 'Permission matrix' })).toBeVisible();
  // The matrix reads at a glance: Manager inherits Analyst, and Viewer cannot delete users.
  await expect(page.getByRole('columnheader', { name: /Manager \(inherits Analyst\)/ }).first()).toBeVisible();
  await expect(page.getByRole('cell', { name: 'Viewer: not granted' }).first()).toBeVisible();

  await page.getByRole('link', { name: 'New permission set' }).click();
  await expect(page.getByRole('heading', { name: 'New permission set' })).toBeVisible();
  await page.getByLabel('Name').fill(setName);
  await page.getByLabel('Description').fill('Handles alerts out of hours');
  await page.getByLabel('Builds on').selectOption({ label: 'Role: Viewer' });
  await page.getByRole('checkbox', { name: 'alerts:acknowledge' }).check();
  await page.getByRole('checkbox', { name: 'alerts:resolve' }).check();
  await page.getByRole('button', { name: 'Save permission set' }).click();
  await expect(page.getByText('Permission set saved.')).toBeVisible();
  await expect(page.getByRole('link', { name: setName })).toBeVisible();

  // Victor (Viewer) gets the set from his Permissions tab.
  await page.goto('/users?q=victor');
  await hydrated(page);
  await page.getByRole('link', { name: 'Victor Viewer' }).click();
  await page.getByRole('link', { name: 'Permissions', exact: true }).click();
  const effective = page.getByTestId('effective-permissions');
  await expect(effective).toBeVisible();
  await expect(effective).not.toContainText(setName);
  await page.getByLabel('Assign set').selectOption({ label: setName });
  await page.getByRole('button', { name: 'Assign', exact: true }).click();
  await expect(page.getByText('Permissions updated.')).toBeVisible();
  await expect(effective.getByRole('row', { name: /alerts:acknowledge/ })).toContainText(`Granted by the permission set “${setName}”.`);

  // And the answer to "why" names the source.
  await page.getByLabel('Permission to explain').selectOption('alerts:resolve');
  await page.getByRole('button', { name: 'Explain' }).click();
  await expect(page.getByTestId('why-answer')).toContainText('Allowed.');
  await expect(page.getByTestId('why-answer')).toContainText(setName);

  // Deleting the set asks first.
  await page.goto('/roles');
  await hydrated(page);
  await page.getByRole('link', { name: setName }).click();
  await expect(page.getByLabel('Name')).toHaveValue(setName);
  await hydrated(page);
  const deleteNow = page.getByRole('button', { name: 'Delete it now' });
  await expect(deleteNow).toBeHidden();
  await page.getByText('Delete permission set').click();
  await expect(page.getByText('Everyone who holds this set loses the permissions it grants')).toBeVisible();
  await deleteNow.click();
  await expect(page.getByText('Permission set deleted.')).toBeVisible();
});

test('a delegation is created, used by the delegate, then revoked', async ({ page }) => {
  const email = `lent-${unique()}@acme.test`;
  const reason = `Holiday cover ${unique()}`;
  // Mark (Manager) lends users:create to Ana (Analyst) for a week.
  await signInAs(page, 'mark@acme.test', 'Mark Manager');
  await page.getByRole('link', { name: 'Delegations' }).click();
  await expect(page.getByRole('heading', { name: 'Delegate permissions' })).toBeVisible();
  await expect(page.getByRole('checkbox', { name: 'users:delete' })).toHaveCount(0); // not his to lend
  // The colleague is searched as he types; Alice (Admin) outranks him and is never offered.
  const colleague = page.getByRole('combobox', { name: 'Colleague' });
  await hydrated(page);
  await colleague.fill('alice');
  await expect(page.getByRole('status').filter({ hasText: 'No match.' })).toBeVisible();
  await colleague.fill('an');
  await expect(page.getByRole('option', { name: /Ana Analyst/ })).toBeVisible();
  await colleague.press('ArrowDown');
  await colleague.press('Enter');
  await expect(colleague).toHaveValue('Ana Analyst');
  await page.getByRole('checkbox', { name: 'users:create' }).check();
  await page.getByLabel('Reason (optional)').fill(reason);
  await page.getByRole('button', { name: 'Delegate', exact: true }).click();
  await expect(page.getByText('Delegation created.')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Given by me' }).getByRole('row').filter({ hasText: reason })).toContainText('Active');
  await signOut(page);

  // Ana uses it.
  await signInAs(page, 'ana@acme.test', 'Ana Analyst');
  await page.goto('/users/new');
  await hydrated(page);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Name', { exact: true }).fill('Lent Hand');
  await page.getByLabel('Initial password').fill('long-enough-password');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('heading', { name: 'Lent Hand', level: 1 })).toBeVisible();
  await signOut(page);

  // Mark revokes it; Ana is refused from then on.
  await signInAs(page, 'mark@acme.test', 'Mark Manager');
  await page.getByRole('link', { name: 'Delegations' }).click();
  const row = page.getByRole('table', { name: 'Given by me' }).getByRole('row').filter({ hasText: reason });
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByText('Delegation revoked.')).toBeVisible();
  await expect(row).toContainText('Ended');
  await signOut(page);

  await signInAs(page, 'ana@acme.test', 'Ana Analyst');
  await page.goto('/users/new');
  await hydrated(page);
  await page.getByLabel('Email').fill(`again-${unique()}@acme.test`);
  await page.getByLabel('Name', { exact: true }).fill('Second Try');
  await page.getByRole('button', { name: 'Create user' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'needs users:create' })).toBeVisible();
});

test('a manager is offered actions only on users he outranks', async ({ page }) => {
  await signInAs(page, 'mark@acme.test', 'Mark Manager');
  // Alice is an Admin: Mark may look, but nothing on her page acts on her.
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await page.getByRole('link', { name: 'Alice Admin' }).click();
  await expect(page.getByRole('heading', { name: 'Alice Admin', level: 1 })).toBeVisible();
  await hydrated(page);
  await expect(page.getByRole('link', { name: 'Edit', exact: true })).toHaveCount(0);
  for (const name of ['Disable', 'Reset password']) {
    await expect(page.getByRole('button', { name })).toHaveCount(0);
  }
  // Ana is an Analyst: below him, so her page offers what he may do.
  await page.getByRole('link', { name: 'Users', exact: true }).click();
  await page.getByRole('link', { name: 'Ana Analyst' }).click();
  await expect(page.getByRole('heading', { name: 'Ana Analyst', level: 1 })).toBeVisible();
  await hydrated(page);
  await expect(page.getByRole('link', { name: 'Edit', exact: true })).toBeVisible();
  for (const name of ['Disable', 'Reset password']) {
    await expect(page.getByRole('button', { name })).toBeVisible();
  }
});
