// Foundation: signing up and in through the real forms, per-community themes, unknown
// hosts, login errors, CSRF on forms and basic accessibility of the account pages.
import { before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEMO_PASSWORD, accountNav, assertSignedInAs, assertSignedOut, browserTest, documentStatus,
  launchBrowser, logIn, logInOnThisPage, logOut, newPage, port, screenshot, signUp, uniqueName, url, visit,
} from './lib.mjs';

const ROOT = process.env.AGORA_ROOT || join(dirname(fileURLToPath(import.meta.url)), '../..');

// Name and primary colour as tenants/SLUG.toml sets them.
function tenantFile(slug) {
  const text = readFileSync(join(ROOT, 'tenants', `${slug}.toml`), 'utf8');
  const name = text.match(/^name\s*=\s*"([^"]+)"/m)?.[1];
  const primary = text.match(/^"theme\.primary_color"\s*=\s*"(#[0-9a-fA-F]{6})"/m)?.[1];
  assert.ok(name, `tenants/${slug}.toml has a name`);
  return { slug, name, primary };
}

function hexToRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

const cooking = tenantFile('cooking');
const writing = tenantFile('writing');

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });
const getBrowser = () => browser;

// What the site header shows: the community's name and its background colour.
async function headerFacts(page) {
  const banner = page.getByRole('banner');
  return {
    text: (await banner.innerText()).replace(/\s+/g, ' '),
    background: await banner.evaluate((el) => getComputedStyle(el).backgroundColor),
    title: await page.title(),
  };
}

function assertCleanPage(page) {
  assert.deepEqual(page.agoraErrors, [], 'no script errors on the page');
  assert.deepEqual(page.agoraBadRequests, [], 'every stylesheet, script and image loads');
}

browserTest('a new member signs up, logs out and logs back in through the forms', getBrowser, async (t, page) => {
  const username = uniqueName('cook');
  const displayName = `Test Cook ${username.slice(-6)}`;
  const who = await signUp(page, 'cooking', { username, displayName });

  assert.equal(new URL(page.url()).pathname, '/', 'signing up lands on the front page');
  await assertSignedInAs(page, displayName);
  await assert.doesNotReject(
    page.getByRole('status').filter({ hasText: `Welcome to ${cooking.name}` }).waitFor({ timeout: 2000 }),
    'a welcome message greets the new member');
  await screenshot(page, 'cooking-signed-in');

  await logOut(page);
  assert.equal(new URL(page.url()).pathname, '/', 'logging out lands on the front page');
  await assertSignedOut(page);

  // The account is usable with its username ...
  await logIn(page, 'cooking', { login: who.username, password: who.password });
  assert.equal(new URL(page.url()).pathname, '/', 'logging in lands on the front page');
  await assertSignedInAs(page, displayName);

  // ... and with its email address.
  await logOut(page);
  await logIn(page, 'cooking', { login: who.email, password: who.password });
  await assertSignedInAs(page, displayName);
  assertCleanPage(page);
});

browserTest('the front page of each community answers 200', getBrowser, async (t, page) => {
  for (const tenant of [cooking, writing]) {
    assert.equal(await visit(page, tenant.slug, '/'), 200, `GET ${url(tenant.slug, '/')}`);
    assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1, `${tenant.slug} / has one h1`);
  }
});

browserTest('each community is served with its own name and colours', getBrowser, async (t, page) => {
  await visit(page, 'cooking', '/');
  const c = await headerFacts(page);
  await visit(page, 'writing', '/');
  const w = await headerFacts(page);
  await screenshot(page, 'writing-front-page');

  assert.ok(c.text.includes(cooking.name), `cooking's header names "${cooking.name}" (got "${c.text}")`);
  assert.ok(w.text.includes(writing.name), `writing's header names "${writing.name}" (got "${w.text}")`);
  assert.ok(!c.text.includes(writing.name) && !w.text.includes(cooking.name), 'headers name only their own community');
  assert.ok(c.title.endsWith(cooking.name), `cooking's title ends with its name (got "${c.title}")`);
  assert.ok(w.title.endsWith(writing.name), `writing's title ends with its name (got "${w.title}")`);

  assert.notEqual(c.background, w.background, 'the two headers have different background colours');
  for (const [tenant, facts] of [[cooking, c], [writing, w]]) {
    assert.ok(!/^rgba\(0, 0, 0, 0\)$|^transparent$/.test(facts.background), `${tenant.slug}'s header is coloured`);
    if (tenant.primary) {
      assert.equal(facts.background, hexToRgb(tenant.primary),
        `${tenant.slug}'s header uses its theme.primary_color ${tenant.primary}`);
    }
  }
  assertCleanPage(page);
});

test('an unknown host gets a 404 that names no community', { timeout: 60_000 }, async () => {
  const { context, page } = await newPage(browser);
  try {
    for (const path of ['/', '/login']) {
      const response = await page.goto(`http://nowhere.localhost:${port}${path}`);
      assert.equal(response.status(), 404, `nowhere.localhost${path} is 404`);
      const body = await response.text();
      for (const word of [cooking.name, writing.name, 'Seasoned', 'Writers', 'cooking', 'writing', 'staging']) {
        assert.ok(!body.toLowerCase().includes(word.toLowerCase()),
          `the 404 for an unknown host must not mention "${word}": ${body.slice(0, 200)}`);
      }
    }
  } finally {
    await context.close();
  }
});

browserTest('a wrong password shows an error on the login form', getBrowser, async (t, page) => {
  // A fresh account, so failed attempts never count against the shared demo members.
  const who = await signUp(page, 'cooking', { username: uniqueName('typo') });
  await logOut(page);
  const status = await logIn(page, 'cooking', { login: who.username, password: 'not-the-password' });
  assert.equal(status, 401, 'a failed login answers 401');
  assert.equal(new URL(page.url()).pathname, '/login', 'stays on the login page');
  const alert = page.getByRole('alert');
  assert.equal(await alert.count(), 1, 'the error is announced (role=alert)');
  const message = (await alert.innerText()).trim();
  assert.match(message, /password/i, 'the error message mentions the password');
  assert.equal(await page.getByLabel('Username or email').inputValue(), who.username, 'the login is kept');
  assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '', 'the password is not echoed back');
  await assertSignedOut(page);
  await screenshot(page, 'login-error');

  // An unknown account gets the very same message: the form does not reveal who has one.
  await logIn(page, 'cooking', { login: uniqueName('ghost'), password: 'not-the-password' });
  assert.equal((await page.getByRole('alert').innerText()).trim(), message,
    'unknown account and wrong password give the same message');
  assertCleanPage(page);
});

browserTest('forms carry a CSRF token and a post without it is refused', getBrowser, async (t, page) => {
  for (const path of ['/login', '/signup']) {
    await visit(page, 'cooking', path);
    const token = await page.locator(`form[action="${path}"] input[type=hidden][name=_csrf]`).inputValue();
    assert.ok(token.length >= 16, `${path} form has a _csrf token`);
  }
  // The login form, submitted with its token removed, is refused and starts no session.
  await visit(page, 'cooking', '/login');
  await page.locator('form[action="/login"] input[name=_csrf]').evaluate((el) => el.remove());
  const status = await logInOnThisPage(page, { login: 'alice', password: DEMO_PASSWORD });
  assert.equal(status, 403, 'login without _csrf is refused');
  const cookies = await page.context().cookies(url('cooking', '/'));
  assert.ok(!cookies.some((c) => c.name === 'agora_session' && c.value), 'no session without a CSRF token');
  await visit(page, 'cooking', '/login');
  await assertSignedOut(page);
});

browserTest('a demo admin logs in and reaches /admin', getBrowser, async (t, page) => {
  await logIn(page, 'writing', { login: 'alice', password: DEMO_PASSWORD });
  await assertSignedInAs(page, 'Alice Admin');
  await accountNav(page).getByRole('link', { name: 'Admin', exact: true }).click();
  await page.waitForURL(url('writing', '/admin'));
  assert.equal(await documentStatus(page), 200);
  assert.equal(await page.getByRole('heading', { level: 1, name: 'Administration' }).count(), 1);
  await screenshot(page, 'writing-admin');
  assertCleanPage(page);
});

browserTest('the account pages meet basic accessibility promises', getBrowser, async (t, page) => {
  for (const path of ['/signup', '/login']) {
    await visit(page, 'cooking', path);
    assert.equal(await page.getAttribute('html', 'lang'), 'en', `${path}: <html lang>`);
    assert.equal(await page.getByRole('heading', { level: 1 }).count(), 1, `${path}: one h1`);

    // Every visible form control has a label (a <label for>, wrapping label or aria-label).
    const unlabelled = await page.$$eval('input:not([type=hidden]), select, textarea', (els) =>
      els.filter((el) => !(el.labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
        .map((el) => el.name || el.id || el.outerHTML));
    assert.deepEqual(unlabelled, [], `${path}: every input has a label`);

    // The skip link is the first thing a keyboard reaches, is visible when focused and
    // leads to the main content.
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const a = document.activeElement;
      const r = a.getBoundingClientRect();
      return { text: a.textContent.trim(), href: a.getAttribute('href'), visible: r.width > 0 && r.left >= 0 && r.top >= 0 };
    });
    assert.match(focused.text, /skip to (main )?content/i, `${path}: first Tab reaches the skip link`);
    assert.ok(focused.visible, `${path}: the focused skip link is on screen`);
    const target = focused.href.replace(/^#/, '');
    assert.equal(await page.locator(`main#${target}`).count(), 1, `${path}: the skip link targets <main>`);
  }
  await visit(page, 'cooking', '/signup');
  await screenshot(page, 'cooking-signup');
});
