// Notification mail settings: a member changes how one type of notification is mailed on
// /settings/notifications, reloads, and the choice stuck (and shows through the API too).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { browserTest, flashText, launchBrowser, signUp, submit, visit } from './lib.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });
const getBrowser = () => browser;

const TENANT = 'cooking';

browserTest('a member changes a notification mail setting and it sticks', getBrowser, async (t, page) => {
  const member = await signUp(page, TENANT);
  assert.ok(member.status < 400, `sign-up lands on a page (status ${member.status})`);

  assert.equal(await visit(page, TENANT, '/settings/notifications'), 200);
  const answers = page.getByLabel('Answers to your questions');
  assert.equal(await answers.inputValue(), 'immediate', 'answers are mailed at once by default');
  assert.equal(await page.getByLabel('Abilities earned or changed').inputValue(), 'digest');

  await answers.selectOption('off');
  await page.getByLabel('Abilities earned or changed').selectOption('immediate');
  const form = page.locator('form[action="/settings/notifications"]');
  assert.equal(await submit(page, form.getByRole('button', { name: 'Save' })), 200);
  assert.match(await flashText(page), /saved/i);

  await page.reload();
  assert.equal(await page.getByLabel('Answers to your questions').inputValue(), 'off');
  assert.equal(await page.getByLabel('Abilities earned or changed').inputValue(), 'immediate');
  assert.equal(await page.getByLabel('Comments on your posts').inputValue(), 'immediate',
    'untouched types keep their value');

  const api = await page.evaluate(async () => {
    const r = await fetch('/api/v1/me/notification-settings');
    return r.json();
  });
  assert.equal(api.answer, 'off');
  assert.equal(api.ability, 'immediate');
  assert.equal(api.all, 'on');

  // The "all mail off" switch sticks too.
  await page.getByLabel('Turn off all notification mail').check();
  await submit(page, form.getByRole('button', { name: 'Save' }));
  await page.reload();
  assert.equal(await page.getByLabel('Turn off all notification mail').isChecked(), true);
});
