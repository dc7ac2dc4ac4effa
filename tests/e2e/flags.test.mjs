// Flags (the `flags` plugin, enabled on cooking and writing by their tenant files): a member
// flags a post or a comment through the "Flag" link and its form, a moderator (demo bob on
// cooking) finds it on /mod/flags through the header badge and resolves it helpful or
// declined with a message, and the flagger reads the outcome in their Inbox. See
// plugins/flags/README.md.
//
// The flagged posts are written by members each test signs up, so the demo content is left
// alone and reruns on the same database never collide; flags are found by their id.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  DEMO_PASSWORD, askQuestion, browserTest, documentStatus, flashText, headerBadge, headerBadgeCount, launchBrowser,
  logIn, openNotification, screenshot, signUp, submit, unreadCount, url, visit, withPage,
} from './lib.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });
const getBrowser = () => browser;

const TENANT = 'cooking';
const MODERATOR = { login: 'bob', password: DEMO_PASSWORD, displayName: 'Bob Moderator' };

const suffix = () => randomBytes(3).toString('hex');
const uniqueTag = () => `e2e-${randomBytes(4).toString('hex')}`;

function assertCleanPage(page, what) {
  assert.deepEqual(page.agoraErrors, [], `${what}: no script errors`);
  assert.deepEqual(page.agoraBadRequests, [], `${what}: every subresource and API call succeeds`);
}

const post = (page, id) => page.locator(`#post-${id}`);
const h1 = (page) => page.getByRole('heading', { level: 1 });
const pathOf = (page) => new URL(page.url()).pathname;

// Calls the JSON API from the page shown (its session cookie and CSRF token), as the
// site's own script does. Returns {status, json}.
async function api(page, method, path, body) {
  return page.evaluate(async ({ method, path, body }) => {
    const csrf = document.querySelector('meta[name="csrf-token"]')?.content || '';
    const r = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    let json = null;
    try { json = JSON.parse(text); } catch { json = text; }
    return { status: r.status, json };
  }, { method, path, body });
}

// A fresh member asks a question (and, if asked to, comments on it); returns
// {author, qid, title, commentId}.
async function postedByNewMember(topic, { comment } = {}) {
  return withPage(getBrowser(), 'flags-author', {}, async (pa) => {
    const author = await signUp(pa, TENANT, { displayName: `Author ${suffix()}` });
    assert.equal(author.status, 200, 'the author signs up');
    const title = `${topic} ${suffix()}?`;
    const qid = await askQuestion(pa, TENANT, {
      title,
      body: 'A perfectly ordinary cooking question that somebody is going to flag in a test.',
      tags: `${uniqueTag()} testing`,
    });
    let commentId;
    if (comment) {
      const c = await api(pa, 'POST', `/api/v1/posts/${qid}/comments`, { body: comment });
      assert.equal(c.status, 201, `the author comments: ${JSON.stringify(c.json)}`);
      commentId = Number(c.json.id);
      assert.ok(commentId > 0, `the comment has an id (${JSON.stringify(c.json)})`);
    }
    return { author, qid, title, commentId };
  });
}

// The flagger's own list, /flags/mine: the id of the flag with this reason, and its row.
async function myFlag(page, reason) {
  await visit(page, TENANT, '/flags/mine');
  assert.equal(await h1(page).innerText(), 'Your flags');
  const row = page.locator('table.my-flags tbody tr').filter({ hasText: reason });
  assert.equal(await row.count(), 1, `/flags/mine lists the flag "${reason}"`);
  const id = Number((await row.getAttribute('id'))?.match(/^flag-(\d+)$/)?.[1]);
  assert.ok(id > 0, 'the row carries the flag\'s id');
  return { id, row };
}

// On /mod/flags (the tab shown), the item of flag `id`, following "Next" through the pages
// (the pending queue is oldest first, so an older backlog may push it off the first page).
async function findOnDashboard(page, id) {
  for (let i = 0; i < 50; i++) {
    const item = page.locator(`ol.flag-list > li#flag-${id}`);
    if (await item.count()) return item;
    const next = page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: /Next/ });
    if (!(await next.count())) break;
    await next.click();
    await page.waitForLoadState('load');
  }
  assert.fail(`flag ${id} is not listed on /mod/flags (${page.url()})`);
}

// The moderator resolves flag `id` from the pending tab; returns to the tab with a flash.
async function resolveAsModerator(pm, { id, reason, typeName, flagger, result, message, what }) {
  assert.equal(await logIn(pm, TENANT, MODERATOR), 200, 'bob logs in');
  await visit(pm, TENANT, '/');
  const waiting = await headerBadgeCount(pm, 'Flags');
  assert.ok(waiting >= 1, `the moderator's header shows the Flags badge (${waiting})`);
  await screenshot(pm, `flags-${result}-moderator-badge`);
  await headerBadge(pm, 'Flags').click();
  await pm.waitForURL((u) => u.pathname === '/mod/flags');
  assert.equal(await documentStatus(pm), 200);
  assert.equal(await h1(pm).innerText(), 'Flags');
  assert.equal(await pm.getByRole('navigation', { name: 'Flags by status' })
    .getByRole('link', { name: 'Pending' }).getAttribute('aria-current'), 'page', 'the pending tab is shown');

  const item = await findOnDashboard(pm, id);
  assert.equal(await item.locator('.flag-reason').innerText(), `“${reason}”`, 'the item shows the reason');
  assert.equal(await item.locator('.badge').first().innerText(), typeName, 'and the type');
  assert.match(await item.innerText(), new RegExp(`on a ${what} in `), `it is a flag on a ${what}`);
  assert.match(await item.locator('p.meta').first().innerText(), new RegExp(`^flagged by ${flagger.displayName} · `),
    'and who flagged it');
  await item.scrollIntoViewIfNeeded();
  await screenshot(pm, `flags-${result}-dashboard`);
  assertCleanPage(pm, 'the flag dashboard');

  await item.getByLabel(/^Message to the flagger/).fill(message);
  const button = result === 'helpful' ? 'Helpful' : 'Decline';
  assert.equal(await submit(pm, item.getByRole('button', { name: button, exact: true })), 200);
  assert.equal(pathOf(pm), '/mod/flags', 'resolving returns to the dashboard');
  assert.equal(new URL(pm.url()).searchParams.get('status'), 'pending');
  assert.equal(await flashText(pm), `Flag ${id} marked ${result}; the flagger was told.`);
  assert.equal(await pm.locator(`li#flag-${id}`).count(), 0, 'it has left the pending tab');

  await pm.getByRole('navigation', { name: 'Flags by status' }).getByRole('link', { name: 'Handled' }).click();
  await pm.waitForURL((u) => u.searchParams.get('status') === 'handled');
  const handled = await findOnDashboard(pm, id);
  assert.equal(await handled.locator('p.meta').last().innerText(),
    `Marked ${result} by ${MODERATOR.displayName}: ${message}`, 'the handled tab says who decided what');
  assert.equal(await handled.getByRole('button', { name: button }).count(), 0, 'a handled flag has no buttons');
  assertCleanPage(pm, 'the dashboard after resolving');
}

browserTest('a member flags a question, a moderator marks it helpful and the flagger is told', getBrowser,
  async (t, page) => {
    const { qid, title } = await postedByNewMember('Is it safe to leave cooked rice out overnight');
    const reason = `Insults the asker in the second sentence ${suffix()}`;
    const message = `Thanks, the post was edited ${suffix()}`;

    const flagger = await signUp(page, TENANT, { displayName: `Flagger ${suffix()}` });
    assert.equal(flagger.status, 200, 'the flagger signs up');
    await visit(page, TENANT, `/questions/${qid}`);
    const link = post(page, qid).getByRole('link', { name: 'Flag', exact: true });
    assert.equal(await link.count(), 1, 'a member is offered "Flag" on someone else\'s post');
    await link.click();
    await page.waitForURL(url(TENANT, `/posts/${qid}/flag`));
    assert.equal(await documentStatus(page), 200);
    assert.equal(await h1(page).innerText(), 'Flag this post');
    assert.equal(await page.locator('main p.meta').getByRole('link', { name: title, exact: true }).count(), 1,
      'the form names the question');
    const types = page.getByRole('group', { name: 'What is wrong with it?' }).getByRole('radio');
    assert.ok(await types.count() >= 5, 'the default flag types are offered');
    assert.equal(await page.getByRole('radio', { name: /^duplicate\b/ }).count(), 1, 'duplicate applies to posts');
    await page.getByRole('radio', { name: /^rude or abusive\b/ }).check();
    await page.getByLabel(/^Reason/).fill(reason);
    await screenshot(page, 'flags-post-form');
    assertCleanPage(page, 'the flag form');

    assert.equal(await submit(page, page.getByRole('button', { name: 'Flag', exact: true })), 200);
    assert.equal(pathOf(page), `/questions/${qid}`, 'flagging returns to the question');
    assert.equal(new URL(page.url()).hash, `#post-${qid}`);
    assert.equal(await flashText(page),
      'Thanks: your "rude or abusive" flag was recorded. You\'ll be told what came of it.');
    await screenshot(page, 'flags-post-flagged');

    // A second flag on the same post while the first is pending is refused with a flash.
    await visit(page, TENANT, `/posts/${qid}/flag`);
    await page.getByRole('radio', { name: /^spam\b/ }).check();
    await submit(page, page.getByRole('button', { name: 'Flag', exact: true }));
    assert.equal(pathOf(page), `/questions/${qid}`);
    const refusal = await flashText(page);
    const pendingId = Number(refusal.match(/^you already have a pending flag on this post \(flag (\d+)\)$/)?.[1]);
    assert.ok(pendingId > 0, `a second pending flag is refused, naming the first ("${refusal}")`);

    const { id, row } = await myFlag(page, reason);
    assert.equal(pendingId, id, 'the refusal names the pending flag');
    assert.match(await row.innerText(), /pending/, 'the flag is pending');
    assert.equal(await page.locator('table.my-flags tbody tr').count(), 1, 'the refused flag was not stored');
    assertCleanPage(page, 'the flagger\'s pages');

    await withPage(getBrowser(), 'flags-moderator', {}, (pm) => resolveAsModerator(pm, {
      id, reason, typeName: 'rude or abusive', flagger, result: 'helpful', message, what: 'post',
    }));

    // The flagger: the unread badge and the outcome with the moderator's message.
    await visit(page, TENANT, '/');
    assert.equal(await unreadCount(page), 1, 'the flagger\'s Inbox shows 1 unread');
    await screenshot(page, 'flags-flagger-badge');
    assert.equal(await openNotification(page, `Your flag on “${title}” was marked helpful: ${message}`), 200);
    assert.equal(pathOf(page), `/questions/${qid}`, 'the notification leads to the question');
    assert.equal(new URL(page.url()).hash, `#post-${qid}`, 'at the flagged post');
    assert.equal(await unreadCount(page), 0, 'following it marks it read');
    const mine = (await myFlag(page, reason)).row;
    assert.match(await mine.locator('td').last().innerText(), new RegExp(`^helpful — ${message}$`),
      '/flags/mine shows the outcome and the message');
    await screenshot(page, 'flags-mine-helpful');
    assertCleanPage(page, 'the flagger\'s pages after the outcome');
  });

browserTest('a member flags a comment, a moderator declines it and the flagger is told', getBrowser,
  async (t, page) => {
    const commentText = `Just microwave it, nobody has ever got sick from that ${suffix()}.`;
    const { qid, title, commentId } = await postedByNewMember('How long does homemade stock keep in the fridge',
      { comment: commentText });
    const reason = `This comment gives unsafe food advice ${suffix()}`;
    const message = `Not against the rules; answer it instead ${suffix()}`;

    const flagger = await signUp(page, TENANT, { displayName: `Flagger ${suffix()}` });
    await visit(page, TENANT, `/questions/${qid}`);
    const comment = page.locator(`li#comment-${commentId}`);
    assert.match(await comment.innerText(), new RegExp(commentText.replace(/[.]/g, '\\.')));
    await comment.getByRole('link', { name: 'flag', exact: true }).click();
    await page.waitForURL(url(TENANT, `/comments/${commentId}/flag`));
    assert.equal(await h1(page).innerText(), 'Flag this comment');
    assert.equal(await page.locator('blockquote.flag-excerpt').innerText(), commentText, 'the form quotes the comment');
    assert.equal(await page.getByRole('radio', { name: /^duplicate\b/ }).count(), 0,
      '"duplicate" is for posts only');

    // "something else" needs a reason: without one the form comes back (422) with the choice kept.
    await page.getByRole('radio', { name: /^something else\b/ }).check();
    assert.equal(await submit(page, page.getByRole('button', { name: 'Flag', exact: true })), 422,
      'a flag that needs a reason is refused without one');
    assert.equal(pathOf(page), `/comments/${commentId}/flag`);
    assert.ok((await page.getByRole('alert').innerText()).length > 0, 'the form says what is missing');
    assert.equal(await page.getByRole('radio', { name: /^something else\b/ }).isChecked(), true,
      'the chosen type is kept');
    await screenshot(page, 'flags-comment-needs-reason');

    await page.getByLabel(/^Reason/).fill(reason);
    assert.equal(await submit(page, page.getByRole('button', { name: 'Flag', exact: true })), 200);
    assert.equal(pathOf(page), `/questions/${qid}`);
    assert.equal(new URL(page.url()).hash, `#comment-${commentId}`, 'back at the comment');
    assert.equal(await flashText(page),
      'Thanks: your "something else" flag was recorded. You\'ll be told what came of it.');
    const { id } = await myFlag(page, reason);
    assertCleanPage(page, 'the flagger\'s pages');

    await withPage(getBrowser(), 'flags-moderator-decline', {}, (pm) => resolveAsModerator(pm, {
      id, reason, typeName: 'something else', flagger, result: 'declined', message, what: 'comment',
    }));

    await visit(page, TENANT, '/');
    assert.equal(await unreadCount(page), 1, 'the flagger\'s Inbox shows 1 unread');
    await openNotification(page, `Your flag on a comment on “${title}” was marked declined: ${message}`);
    assert.equal(pathOf(page), `/questions/${qid}`);
    assert.equal(new URL(page.url()).hash, `#comment-${commentId}`, 'the notification leads to the comment');
    const mine = (await myFlag(page, reason)).row;
    assert.match(await mine.locator('td').last().innerText(), new RegExp(`^declined — ${message}$`));
    await screenshot(page, 'flags-mine-declined');
    assertCleanPage(page, 'the flagger\'s pages after the outcome');
  });

browserTest('members are not offered to flag their own posts and cannot open the flag dashboard', getBrowser,
  async (t, page) => {
    await signUp(page, TENANT);
    const qid = await askQuestion(page, TENANT, {
      title: `Should I salt pasta water before it boils ${suffix()}?`,
      body: 'Some say salt raises the boiling point enough to matter. Does the order make any difference?',
      tags: `${uniqueTag()} pasta`,
    });
    assert.equal(await post(page, qid).getByRole('link', { name: 'Flag', exact: true }).count(), 0,
      'no "Flag" on one\'s own post');
    assert.equal(await visit(page, TENANT, `/posts/${qid}/flag`), 403, 'the form refuses one\'s own post');
    assert.equal(await headerBadgeCount(page, 'Flags'), 0, 'members get no Flags badge');
    assert.equal(await visit(page, TENANT, '/mod/flags'), 403, 'the dashboard is for moderators and curators');
  });
