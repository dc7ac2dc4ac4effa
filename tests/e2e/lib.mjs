// Shared helpers for the browser tests. tests/e2e/run.sh starts the server and sets
// AGORA_E2E_PORT and AGORA_E2E_SCREENSHOTS; the tests drive Debian's chromium through
// playwright-core.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const port = Number(process.env.AGORA_E2E_PORT || process.env.AGORA_E2E_BASE_PORT);
if (!port) {
  throw new Error('AGORA_E2E_PORT is not set: run the browser tests through tests/e2e/run.sh');
}

export const screenshotDir =
  process.env.AGORA_E2E_SCREENSHOTS ||
  join(process.env.AGORA_BUILD_DIR || join(dirname(fileURLToPath(import.meta.url)), '../../build'),
    'e2e-screenshots');
mkdirSync(screenshotDir, { recursive: true });

// Demo members (`agora demo seed`, README).
export const DEMO_PASSWORD = 'agora-demo';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

// Every launch gets a fresh temporary profile (chromium.launch creates and removes it).
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.AGORA_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

// A fresh context (own cookies and storage) and page. The page records uncaught script
// errors in page.agoraErrors and failed subresource loads (status >= 400 or network
// failure) in page.agoraBadRequests, so tests can assert a clean page.
// javaScriptEnabled: false gives a browser that only follows links and posts forms.
export async function newPage(browser, { viewport = { width: 1280, height: 800 }, javaScriptEnabled = true } = {}) {
  const context = await browser.newContext({ viewport, locale: 'en-US', javaScriptEnabled });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  const page = await context.newPage();
  page.agoraErrors = [];
  page.agoraBadRequests = [];
  page.on('pageerror', (e) => page.agoraErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) page.agoraErrors.push(m.text());
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.request().isNavigationRequest()) {
      page.agoraBadRequests.push(`${r.status()} ${r.url()}`);
    }
  });
  page.on('requestfailed', (r) => {
    if (!r.isNavigationRequest()) {
      page.agoraBadRequests.push(`failed ${r.url()} (${r.failure()?.errorText})`);
    }
  });
  return { context, page };
}

// Runs fn(t, page) in its own browser context; on failure saves FAILED-<name>.png first.
export function browserTest(name, getBrowser, fn, options = {}) {
  return test(name, { timeout: 120_000, ...options }, async (t) => {
    const { context, page } = await newPage(getBrowser());
    try {
      await fn(t, page);
    } catch (e) {
      await screenshot(page, `FAILED-${name}`).catch(() => {});
      throw e;
    } finally {
      await context.close();
    }
  });
}

// url('cooking', '/login') -> http://cooking.localhost:PORT/login
// The first argument is the host name before ".localhost", e.g. 'staging.cooking'.
export function url(tenant, path = '/') {
  return `http://${tenant}.localhost:${port}${path}`;
}

export async function screenshot(page, name) {
  const file = join(screenshotDir, `${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// A username no other test (or earlier run on the same database) uses: letters, digits
// and "_" only, at most 30 characters.
export function uniqueName(prefix = 'e2e') {
  const suffix = Date.now().toString(36).slice(-5) + randomBytes(4).toString('hex');
  return `${prefix}_${suffix}`.slice(0, 30);
}

// HTTP status of the document now shown (after redirects).
export async function documentStatus(page) {
  return page.evaluate(() => performance.getEntriesByType('navigation')[0]?.responseStatus ?? 0);
}

// Opens a page and returns its HTTP status.
export async function visit(page, tenant, path = '/') {
  const response = await page.goto(url(tenant, path));
  return response ? response.status() : 0;
}

// Clicks a submit button and waits for the resulting document to load; returns its status.
export async function submit(page, button) {
  const loaded = page.waitForEvent('load');
  await button.click();
  await loaded;
  return documentStatus(page);
}

// Signs up through the /signup form. Returns {username, displayName, email, password,
// status} where status is that of the page the form lands on.
export async function signUp(page, tenant, {
  username = uniqueName(),
  displayName = '',
  email = `${username}@example.test`,
  password = `pw-${randomBytes(6).toString('hex')}`,
} = {}) {
  await visit(page, tenant, '/signup');
  await page.getByLabel('Username', { exact: true }).fill(username);
  if (displayName) await page.getByLabel(/^Display name/).fill(displayName);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel(/^Password/).fill(password);
  const form = page.locator('form[action="/signup"]');
  const status = await submit(page, form.getByRole('button', { name: 'Sign up' }));
  return { username, displayName: displayName || username, email, password, status };
}

// Logs in through the /login form; returns the status of the page it lands on.
export async function logIn(page, tenant, credentials) {
  await visit(page, tenant, '/login');
  return logInOnThisPage(page, credentials);
}

// Fills and submits the login form of the page already open.
export async function logInOnThisPage(page, { login, password }) {
  await page.getByLabel('Username or email').fill(login);
  await page.getByLabel('Password', { exact: true }).fill(password);
  const form = page.locator('form[action="/login"]');
  return submit(page, form.getByRole('button', { name: 'Log in' }));
}

// The "Account" navigation in the site header.
export function accountNav(page) {
  return page.getByRole('navigation', { name: 'Account' });
}

// Logs out with the header's button; returns the status of the page it lands on.
export async function logOut(page) {
  return submit(page, accountNav(page).getByRole('button', { name: 'Log out' }));
}

// Asserts the header shows `name` as the signed-in member, with a log-out button.
export async function assertSignedInAs(page, name) {
  const nav = accountNav(page);
  assert.equal(await nav.getByRole('link', { name, exact: true }).count(), 1,
    `header should show the signed-in member "${name}"`);
  assert.equal(await nav.getByRole('button', { name: 'Log out' }).count(), 1, 'header should offer "Log out"');
  assert.equal(await nav.getByRole('link', { name: 'Log in', exact: true }).count(), 0,
    'a signed-in member should not be offered "Log in"');
}

export async function assertSignedOut(page) {
  const nav = accountNav(page);
  assert.equal(await nav.getByRole('link', { name: 'Log in', exact: true }).count(), 1, 'header should offer "Log in"');
  assert.equal(await nav.getByRole('button', { name: 'Log out' }).count(), 0, 'header should not offer "Log out"');
}

// Runs fn(page) in a fresh context of its own (e.g. a second member next to the test's
// page, or a browser without JavaScript) and closes it afterwards. On failure it saves
// FAILED-<name>.png of that page too.
export async function withPage(browser, name, options, fn) {
  const { context, page } = await newPage(browser, options);
  try {
    return await fn(page);
  } catch (e) {
    await screenshot(page, `FAILED-${name}`).catch(() => {});
    throw e;
  } finally {
    await context.close();
  }
}

// Asks a question through the /ask form (the page must be signed in) and returns the new
// question's id, read from the page it lands on (/questions/ID).
export async function askQuestion(page, tenant, { title, body, tags }) {
  await visit(page, tenant, '/ask');
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel(/^Body/).fill(body);
  await page.getByLabel(/^Tags/).fill(tags);
  const status = await submit(page, page.getByRole('button', { name: 'Post your question' }));
  const id = Number(new URL(page.url()).pathname.match(/^\/questions\/(\d+)$/)?.[1]);
  assert.ok(id > 0, `asking lands on /questions/ID (status ${status}, at ${page.url()})`);
  return id;
}

// The header's Inbox link (core notifications).
export function inboxLink(page) {
  return accountNav(page).locator('a.inbox');
}

// The number on the Inbox's unread badge ("N unread"); 0 when the header shows no badge.
export async function unreadCount(page) {
  const badge = inboxLink(page).locator('.badge');
  if ((await badge.count()) === 0) return 0;
  const label = await badge.getAttribute('aria-label');
  const m = /^(\d+)\+? unread$/.exec(label || '');
  assert.ok(m, `the unread badge is labelled "N unread" (got "${label}")`);
  return Number(m[1]);
}

// A plugin's header badge link (e.g. "Flags", "Suggested edits") in the Account navigation.
export function headerBadge(page, label) {
  return accountNav(page).locator('a.badge-link').filter({
    hasText: new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+\\d`),
  });
}

// The count a plugin's header badge shows ("N waiting"); 0 when the header shows none.
export async function headerBadgeCount(page, label) {
  const link = headerBadge(page, label);
  if ((await link.count()) === 0) return 0;
  assert.equal(await link.count(), 1, `one "${label}" badge in the header`);
  const aria = await link.locator('.badge').getAttribute('aria-label');
  const m = /^(\d+) waiting$/.exec(aria || '');
  assert.ok(m, `the "${label}" badge is labelled "N waiting" (got "${aria}")`);
  assert.equal((await link.locator('.badge').innerText()).trim(), m[1], `the "${label}" badge shows its count`);
  return Number(m[1]);
}

// The flash message of the page shown ("" when there is none).
export async function flashText(page) {
  const flash = page.locator('main p.flash[role=status]');
  return (await flash.count()) ? (await flash.innerText()).trim() : '';
}

// Opens /notifications through the header's Inbox link, then follows the notification whose
// text is exactly `text` (it must be listed once, unread). Returns the page status.
export async function openNotification(page, text) {
  await inboxLink(page).click();
  await page.waitForURL((u) => u.pathname === '/notifications');
  const item = page.locator('ul.notifications > li.notification').filter({
    has: page.getByRole('link', { name: text, exact: true }),
  });
  assert.equal(await item.count(), 1, `the Inbox lists "${text}" once; it lists: ${JSON.stringify(
    await page.locator('ul.notifications > li.notification > a').allInnerTexts())}`);
  assert.match(await item.getAttribute('class'), /\bunread\b/, `"${text}" is unread`);
  const loaded = page.waitForEvent('load');
  await item.getByRole('link', { name: text, exact: true }).click();
  await loaded;
  return documentStatus(page);
}
