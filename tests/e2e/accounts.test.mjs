// Accounts in the browser: a member who forgot their password gets a link by mail (read from
// the capture SMTP server's .eml files), sets a new one and is signed in; a member edits their
// profile on the settings page and sees it on their profile.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  accountNav, assertSignedInAs, browserTest, documentStatus, flashText, launchBrowser, logIn,
  logOut, signUp, submit, visit,
} from './lib.mjs';

const mailDir = process.env.AGORA_E2E_MAIL_DIR;

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });
const getBrowser = () => browser;

// A message's text with quoted-printable undone (soft line breaks, =XX bytes).
function decodeQuotedPrintable(raw) {
  const joined = raw.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < joined.length; i++) {
    const hex = joined.slice(i + 1, i + 3);
    if (joined[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(joined[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

// Waits for a mail to `address` holding a link with `pathPrefix`; returns the link.
async function linkFromMail(address, pathPrefix, timeoutMs = 20_000) {
  assert.ok(mailDir, 'AGORA_E2E_MAIL_DIR is set by tests/e2e/run.sh');
  const pattern = new RegExp(`https?://[^\\s"<>]*${pathPrefix.replace(/\//g, '\\/')}[A-Za-z0-9_-]+`);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const name of readdirSync(mailDir).filter((f) => f.endsWith('.eml'))) {
      const text = decodeQuotedPrintable(readFileSync(join(mailDir, name), 'utf8'));
      if (!text.toLowerCase().includes(address.toLowerCase())) continue;
      const m = pattern.exec(text);
      if (m) return m[0];
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no mail to ${address} with a ${pathPrefix} link within ${timeoutMs} ms`);
}

browserTest('a member who forgot their password resets it from the mailed link and is signed in', getBrowser, async (t, page) => {
  const who = await signUp(page, 'cooking');
  assert.equal(who.status, 200);
  await logOut(page);

  await visit(page, 'cooking', '/login');
  await submit(page, page.getByRole('link', { name: 'Forgot password?' }));
  assert.equal(new URL(page.url()).pathname, '/forgot');
  await page.getByLabel('Username or email').fill(who.email);
  await submit(page, page.getByRole('button', { name: 'Send the link' }));
  assert.equal(new URL(page.url()).pathname, '/login', 'back on the login page');
  assert.match(await flashText(page), /link to reset its password/);

  const link = await linkFromMail(who.email, '/reset/');
  const linkUrl = new URL(link);
  assert.equal(linkUrl.hostname, 'cooking.localhost', 'the link points at the community that sent it');
  await page.goto(link);
  assert.equal(await documentStatus(page), 200);
  const fresh = `new-${who.password}`;
  await page.getByLabel(/^New password/).fill(fresh);
  await submit(page, page.getByRole('button', { name: 'Set password and log in' }));
  assert.equal(new URL(page.url()).pathname, '/');
  await assertSignedInAs(page, who.displayName);
  assert.match(await flashText(page), /password has been changed/);

  // The link worked once.
  await page.goto(link);
  assert.equal(await documentStatus(page), 410);

  await logOut(page);
  await logIn(page, 'cooking', { login: who.username, password: who.password });
  assert.equal(await accountNav(page).getByRole('button', { name: 'Log out' }).count(), 0,
    'the old password no longer works');
  await logIn(page, 'cooking', { login: who.username, password: fresh });
  await assertSignedInAs(page, who.displayName);
});

browserTest('a member edits their profile on the settings page and sees it on their profile', getBrowser, async (t, page) => {
  const who = await signUp(page, 'cooking');
  await submit(page, accountNav(page).getByRole('link', { name: 'Settings' }));
  assert.equal(new URL(page.url()).pathname, '/settings');
  const name = `Chef ${who.username.slice(-6)}`;
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel(/^About you/).fill('I bake **bread** every morning.');
  await page.getByLabel(/^Website/).fill('https://bread.example.org');
  await page.getByLabel('Location').fill('Lyon');
  await submit(page, page.getByRole('button', { name: 'Save profile' }));
  assert.equal(await flashText(page), 'Profile saved.');
  await assertSignedInAs(page, name);

  await submit(page, page.getByRole('link', { name: 'Your profile' }));
  assert.match(new URL(page.url()).pathname, /^\/users\/\d+$/);
  const main = page.locator('main');
  assert.match(await main.locator('h1').innerText(), new RegExp(name));
  assert.equal(await main.locator('.bio strong').innerText(), 'bread');
  assert.equal(await main.getByRole('link', { name: 'https://bread.example.org' }).count(), 1);
  assert.match(await main.innerText(), /Lyon/);
  const avatar = main.locator('img.avatar');
  assert.equal(await avatar.evaluate((img) => img.complete && img.naturalWidth > 0), true, 'the avatar loads');

  // A website that is not http(s) is refused with its reason, and nothing changes.
  await visit(page, 'cooking', '/settings');
  await page.getByLabel(/^Website/).fill('javascript:alert(1)');
  await page.getByLabel(/^Website/).evaluate((el) => { el.type = 'text'; });
  assert.equal(await submit(page, page.getByRole('button', { name: 'Save profile' })), 422);
  assert.match(await page.getByRole('alert').first().innerText(), /website/);
  await visit(page, 'cooking', '/settings');
  assert.equal(await page.getByLabel(/^Website/).inputValue(), 'https://bread.example.org');
});
