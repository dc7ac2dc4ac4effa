// Reviews (the `reviews` plugin, enabled on cooking and writing by their tenant files): a
// member who can't edit a post suggests an edit (previewing the diff first), the post's
// author reviews it on the suggestion's page (side-by-side comparison) and approves or
// rejects it, and each side is told through the Inbox. See plugins/reviews/README.md.
//
// Every test signs up its own members: one asks, the other suggests. The author of a post
// may review suggestions on it, so nothing depends on the demo members or their abilities.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  askQuestion, browserTest, documentStatus, flashText, headerBadgeCount, inboxLink, launchBrowser, logIn, logOut,
  openNotification, screenshot, signUp, submit, unreadCount, url, visit, withPage,
} from './lib.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });
const getBrowser = () => browser;

const TENANT = 'cooking';
const NO_JS = { javaScriptEnabled: false };

const suffix = () => randomBytes(3).toString('hex');
const uniqueTag = () => `e2e-${randomBytes(4).toString('hex')}`;

function assertCleanPage(page, what) {
  assert.deepEqual(page.agoraErrors, [], `${what}: no script errors`);
  assert.deepEqual(page.agoraBadRequests, [], `${what}: every subresource and API call succeeds`);
}

const post = (page, id) => page.locator(`#post-${id}`);
const h1 = (page) => page.getByRole('heading', { level: 1 });
const pathOf = (page) => new URL(page.url()).pathname;

// The id of the suggestion shown, from /review/suggested-edits/ID.
function suggestionIdOf(page) {
  const id = Number(pathOf(page).match(/^\/review\/suggested-edits\/(\d+)$/)?.[1]);
  assert.ok(id > 0, `on a suggestion's page (at ${page.url()})`);
  return id;
}

// Texts of the <del> and <ins> elements inside `scope`.
async function diffParts(scope) {
  return {
    del: (await scope.locator('del').allInnerTexts()).join(' '),
    ins: (await scope.locator('ins').allInnerTexts()).join(' '),
  };
}

// Signs up a member with a readable display name; returns signUp's result.
async function member(page, role) {
  const m = await signUp(page, TENANT, { displayName: `${role} ${suffix()}` });
  assert.equal(m.status, 200, `the ${role.toLowerCase()} signs up`);
  return m;
}

// From the question page: "Suggest edit" → the form, prefilled with the post as it is.
async function openSuggestForm(page, qid, { title, body }) {
  const link = post(page, qid).getByRole('link', { name: 'Suggest edit', exact: true });
  assert.equal(await link.count(), 1, 'a member who can\'t edit is offered "Suggest edit"');
  assert.equal(await post(page, qid).getByRole('link', { name: 'Edit', exact: true }).count(), 0,
    'and no "Edit"');
  await link.click();
  await page.waitForURL(url(TENANT, `/posts/${qid}/suggest-edit`));
  assert.equal(await documentStatus(page), 200);
  assert.equal(await h1(page).innerText(), 'Suggest an edit');
  assert.equal(await page.locator('main p.meta').getByRole('link', { name: title, exact: true }).count(), 1,
    'the form names the question');
  assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(), title, 'the title is prefilled');
  assert.equal(await page.getByLabel(/^Body/).inputValue(), body, 'the body is prefilled');
  assert.equal(await page.getByLabel(/^Edit summary/).inputValue(), '', 'the summary starts empty');
}

browserTest('a member suggests an edit with a diff preview, the author approves it and the suggester is told',
  getBrowser, async (t, page) => {
    const title = `How do I stop crying when I chop onions ${suffix()}?`;
    const body = 'My eyes water every time I chop onions with a blunt knife. What actually helps?';
    const newBody = 'My eyes water every time I chop onions with a freshly honed knife. What actually helps?';
    const summary = `Say which knife I use ${suffix()}`;
    const reviewComment = `Thanks, that is clearer ${suffix()}`;

    // The author asks; they may edit their own post, so they get "Edit", not "Suggest edit".
    const a = await member(page, 'Author');
    const qid = await askQuestion(page, TENANT, { title, body, tags: `${uniqueTag()} onions` });
    assert.equal(await post(page, qid).getByRole('link', { name: 'Edit', exact: true }).count(), 1);
    assert.equal(await post(page, qid).getByRole('link', { name: 'Suggest edit' }).count(), 0,
      'the author is not offered "Suggest edit" on their own question');
    assert.equal(await unreadCount(page), 0, 'a new member has nothing unread');
    assert.equal(await logOut(page), 200, 'the author logs out');

    // The suggester: the form, a preview with the diff, then the submission.
    let b;
    let sid;
    await withPage(getBrowser(), 'reviews-suggester', {}, async (pb) => {
      b = await member(pb, 'Suggester');
      await visit(pb, TENANT, `/questions/${qid}`);
      await openSuggestForm(pb, qid, { title, body });
      await pb.getByLabel(/^Body/).fill(newBody);
      await pb.getByLabel(/^Edit summary/).fill(summary);
      assert.equal(await submit(pb, pb.getByRole('button', { name: 'Preview' })), 200, 'the preview answers 200');
      assert.equal(pathOf(pb), `/posts/${qid}/suggest-edit`, 'the preview stays on the form');
      const preview = pb.getByRole('region', { name: 'Your changes' });
      assert.equal(await preview.count(), 1, 'Preview shows "Your changes"');
      assert.deepEqual(await preview.getByRole('heading', { level: 3 }).allInnerTexts(), ['Body'],
        'only the body changed');
      const diff = await diffParts(preview.locator('pre.diff'));
      assert.match(diff.del, /blunt/, 'the old word is shown deleted');
      assert.doesNotMatch(diff.del, /onions|helps/, 'unchanged words are not marked deleted');
      assert.match(diff.ins, /freshly honed/, 'the new words are shown inserted');
      assert.doesNotMatch(diff.ins, /onions|helps/, 'unchanged words are not marked inserted');
      assert.equal(await pb.getByLabel(/^Body/).inputValue(), newBody, 'the preview keeps the typed body');
      assert.equal(await pb.getByLabel(/^Edit summary/).inputValue(), summary, 'and the summary');
      assert.equal(await pb.getByLabel('Title', { exact: true }).inputValue(), title, 'and the title');
      await screenshot(pb, 'reviews-suggest-preview');
      assertCleanPage(pb, 'the suggest-edit preview');

      assert.equal(await submit(pb, pb.getByRole('button', { name: 'Submit suggestion' })), 200);
      sid = suggestionIdOf(pb);
      assert.equal(await flashText(pb), 'Thanks: your suggested edit is waiting for review.');
      assert.match(await h1(pb).innerText(), new RegExp(`^Suggested edit #${sid}\\s+Pending review$`));
      assert.match(await pb.locator('main').innerText(), new RegExp(`Edit summary: ${summary}`));
      assert.equal(await pb.getByRole('region', { name: 'Review' }).count(), 0, 'the suggester cannot review it');
      assert.equal(await pb.getByRole('button', { name: 'Approve and apply' }).count(), 0);
      assert.equal(await pb.getByRole('button', { name: 'Retract my suggestion' }).count(), 1,
        'the suggester may retract it');
      await screenshot(pb, 'reviews-suggested');
      assertCleanPage(pb, 'the new suggestion\'s page');

      // The question is unchanged until it is reviewed, and a second suggestion waits.
      await visit(pb, TENANT, `/questions/${qid}`);
      assert.equal((await post(pb, qid).locator('.body').innerText()).trim(), body, 'the post is not changed yet');
      await visit(pb, TENANT, `/posts/${qid}/suggest-edit`);
      const pending = pb.locator('main p.notice[role=status]');
      assert.match(await pending.innerText(), /already waiting for review/, 'one pending suggestion per post');
      assert.equal(await pending.getByRole('link', { name: `suggested edit #${sid}` }).getAttribute('href'),
        `/review/suggested-edits/${sid}`);
      assert.equal(await pb.getByRole('button', { name: 'Submit suggestion' }).count(), 0, 'no second form');
    });

    // The author signs in again: the unread badge, the notification, the side-by-side
    // comparison, approval.
    assert.equal(await logIn(page, TENANT, { login: a.username, password: a.password }), 200, 'the author logs in');
    await visit(page, TENANT, '/');
    assert.equal(await unreadCount(page), 1, 'the author\'s Inbox shows 1 unread');
    assert.equal(await headerBadgeCount(page, 'Suggested edits'), 1,
      'the header counts the suggestion the author can act on');
    await screenshot(page, 'reviews-author-badge');
    assert.equal(await openNotification(page, `${b.displayName} suggested an edit to your question “${title}”`), 200);
    assert.equal(suggestionIdOf(page), sid, 'the notification leads to the suggestion');
    assert.equal(await unreadCount(page), 0, 'following the notification marks it read');

    const compare = page.locator('table.suggestion-compare');
    assert.equal(await compare.count(), 1, 'a side-by-side comparison');
    assert.deepEqual((await compare.locator('thead th').allInnerTexts()).map((s) => s.trim()),
      ['', 'Current', 'Suggested']);
    const row = compare.locator('tbody tr').filter({ has: page.getByRole('rowheader', { name: 'Body' }) });
    assert.equal(await compare.locator('tbody tr').count(), 1, 'one changed field');
    assert.equal(await row.count(), 1, 'the body row');
    assert.equal((await row.locator('td').nth(0).innerText()).trim(), body, 'left: the current body');
    assert.equal((await row.locator('td').nth(1).innerText()).trim(), newBody, 'right: the suggested body');
    const changes = await diffParts(page.locator('main > pre.diff'));
    assert.match(changes.del, /blunt/, 'the changes show the deletion');
    assert.match(changes.ins, /freshly honed/, 'and the insertion');
    const review = page.getByRole('region', { name: 'Review' });
    assert.equal(await review.count(), 1, 'the author may review it');
    await screenshot(page, 'reviews-compare');
    assertCleanPage(page, 'the suggestion\'s page for the author');

    await review.getByLabel(/^Comment for the suggester/).fill(reviewComment);
    assert.equal(await submit(page, review.getByRole('button', { name: 'Approve and apply' })), 200);
    assert.equal(suggestionIdOf(page), sid, 'approving returns to the suggestion');
    assert.equal(await flashText(page), 'Approved: the edit is applied and the suggester is told.');
    assert.match(await h1(page).innerText(), /\sApproved$/);
    const decided = page.locator('main p.notice[role=status]');
    assert.match(await decided.innerText(),
      new RegExp(`^Approved by ${a.displayName} on .*: ${reviewComment} \\(revision 2\\)$`),
      'the page says who approved it, with the comment and the new revision');
    assert.equal(await decided.getByRole('link', { name: 'revision 2' }).getAttribute('href'), `/posts/${qid}/history`);
    assert.equal(await page.getByRole('region', { name: 'Review' }).count(), 0, 'a decided suggestion has no review forms');
    assert.deepEqual((await compare.locator('thead th').allInnerTexts()).map((s) => s.trim()), ['', 'Before', 'Suggested']);
    assert.equal(await headerBadgeCount(page, 'Suggested edits'), 0, 'nothing left to review');
    await screenshot(page, 'reviews-approved');
    assertCleanPage(page, 'the approved suggestion');

    // The author's queue lists it with the approved ones.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Review', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/review/suggested-edits');
    assert.equal(await h1(page).innerText(), 'Suggested edits');
    assert.equal(await page.locator('table.suggestion-queue').getByRole('link', { name: `#${sid}`, exact: true }).count(), 0,
      'the pending tab no longer lists it');
    await page.getByRole('navigation', { name: 'By state' }).getByRole('link', { name: 'Approved' }).click();
    await page.waitForURL((u) => u.search === '?state=approved');
    const queued = page.locator('table.suggestion-queue tbody tr')
      .filter({ has: page.getByRole('link', { name: `#${sid}`, exact: true }) });
    assert.equal(await queued.count(), 1, 'the approved tab lists it');
    assert.match(await queued.innerText(), new RegExp(`${summary}[\\s\\S]*Body[\\s\\S]*by ${a.displayName}`));
    assertCleanPage(page, 'the queue');

    // The suggester signs in again: the unread badge, the approval with the comment, the new body.
    await withPage(getBrowser(), 'reviews-suggester-told', {}, async (pb) => {
      assert.equal(await logIn(pb, TENANT, { login: b.username, password: b.password }), 200, 'the suggester logs in');
      await visit(pb, TENANT, '/');
      assert.equal(await unreadCount(pb), 1, 'the suggester\'s Inbox shows 1 unread');
      await screenshot(pb, 'reviews-suggester-badge');
      const told = `Your suggested edit to the question “${title}” was approved by ${a.displayName}: ${reviewComment}`;
      assert.equal(await openNotification(pb, told), 200);
      assert.equal(suggestionIdOf(pb), sid, 'the notification leads to the suggestion');
      assert.equal(await unreadCount(pb), 0);
      assert.equal(await pb.getByRole('button', { name: 'Retract my suggestion' }).count(), 0, 'nothing to retract any more');

      await visit(pb, TENANT, `/questions/${qid}`);
      assert.equal((await post(pb, qid).locator('.body').innerText()).trim(), newBody, 'the question shows the new body');
      assert.equal(await post(pb, qid).getByRole('link', { name: 'edited' }).count(), 1, 'and is marked edited');
      assert.equal(await post(pb, qid).getByRole('link', { name: 'Suggest edit' }).count(), 1,
        'another edit may be suggested now');

      await visit(pb, TENANT, `/posts/${qid}/history`);
      const rev2 = pb.getByRole('region', { name: 'Revision 2' });
      assert.equal(await rev2.count(), 1, 'the history has revision 2');
      assert.match(await rev2.getByRole('heading', { level: 2 }).innerText(),
        new RegExp(`^Revision 2 suggested by ${b.displayName}, approved by ${a.displayName} · `),
        'the history says who suggested and who approved it');
      assert.equal(await rev2.locator('em').innerText(), summary, 'with the suggester\'s summary');
      const histDiff = await diffParts(rev2.locator('pre.diff'));
      assert.match(histDiff.del, /blunt/);
      assert.match(histDiff.ins, /freshly honed/);
      assert.match(await pb.getByRole('region', { name: 'Revision 1' }).getByRole('heading', { level: 2 }).innerText(),
        new RegExp(`^Revision 1 by ${a.displayName} · `), 'revision 1 is the author\'s, not a suggestion');
      await screenshot(pb, 'reviews-history');
      assertCleanPage(pb, 'the suggester\'s pages');
    });
  });

browserTest('the author rejects a suggested edit with a reason and the suggester is told why',
  getBrowser, async (t, page) => {
    const title = `Why does my risotto turn out gluey ${suffix()}?`;
    const body = 'I stir it constantly and add hot stock a ladle at a time, but it ends up like glue.';
    const newTitle = `Why does my risotto turn out sticky ${suffix()}?`;
    const reason = `The question is about glue-like texture, keep the word ${suffix()}`;

    const a = await member(page, 'Author');
    const qid = await askQuestion(page, TENANT, { title, body, tags: `${uniqueTag()} rice` });

    let b;
    let sid;
    await withPage(getBrowser(), 'reviews-reject-suggester', {}, async (pb) => {
      b = await member(pb, 'Suggester');
      await visit(pb, TENANT, `/questions/${qid}`);
      await openSuggestForm(pb, qid, { title, body });
      await pb.getByLabel('Title', { exact: true }).fill(newTitle);
      await pb.getByLabel(/^Edit summary/).fill('Better word in the title');
      await submit(pb, pb.getByRole('button', { name: 'Submit suggestion' }));
      sid = suggestionIdOf(pb);
      assertCleanPage(pb, 'the suggestion');
    });

    await visit(page, TENANT, '/');
    assert.equal(await unreadCount(page), 1);
    await openNotification(page, `${b.displayName} suggested an edit to your question “${title}”`);
    assert.equal(suggestionIdOf(page), sid);
    const row = page.locator('table.suggestion-compare tbody tr');
    assert.deepEqual(await row.locator('th').allInnerTexts(), ['Title'], 'only the title changed');
    assert.equal((await row.locator('td').nth(1).innerText()).trim(), newTitle);
    const review = page.getByRole('region', { name: 'Review' });
    await review.getByLabel(/^Why not\?/).fill(reason);
    assert.equal(await submit(page, review.getByRole('button', { name: 'Reject' })), 200);
    assert.equal(await flashText(page), 'Rejected: the suggester is told why.');
    assert.match(await h1(page).innerText(), /\sRejected$/);
    assert.match(await page.locator('main p.notice[role=status]').innerText(),
      new RegExp(`^Rejected by ${a.displayName} on .*: ${reason}$`));
    await screenshot(page, 'reviews-rejected');
    assertCleanPage(page, 'the rejected suggestion');

    await visit(page, TENANT, `/questions/${qid}`);
    assert.equal(await h1(page).innerText(), title, 'a rejected suggestion changes nothing');

    await withPage(getBrowser(), 'reviews-reject-told', {}, async (pb) => {
      await logIn(pb, TENANT, { login: b.username, password: b.password });
      await visit(pb, TENANT, '/');
      assert.equal(await unreadCount(pb), 1, 'the suggester has 1 unread');
      await openNotification(pb,
        `Your suggested edit to the question “${title}” was rejected by ${a.displayName}: ${reason}`);
      assert.equal(suggestionIdOf(pb), sid);
      assertCleanPage(pb, 'the suggester\'s view of the rejection');
    });
  });

browserTest('without JavaScript, a suggested edit is previewed, submitted and approved by plain form posts',
  getBrowser, async () => {
    const title = `Can I bake bread in a cast iron pot ${suffix()}?`;
    const body = 'I have no Dutch oven, only a heavy pot with a lid. Will the crust come out right?';
    const newTitle = `Can I bake sourdough bread in a cast iron pot ${suffix()}?`;
    const newBody = 'I have no Dutch oven, only a heavy cast iron pot with a lid. Will the crust come out crisp?';
    await withPage(getBrowser(), 'reviews-nojs-author', NO_JS, async (pa) => {
      const a = await member(pa, 'Author');
      const qid = await askQuestion(pa, TENANT, { title, body, tags: `${uniqueTag()} bread` });

      let b;
      let sid;
      await withPage(getBrowser(), 'reviews-nojs-suggester', NO_JS, async (pb) => {
        b = await member(pb, 'Suggester');
        await visit(pb, TENANT, `/questions/${qid}`);
        await openSuggestForm(pb, qid, { title, body });
        await pb.getByLabel('Title', { exact: true }).fill(newTitle);
        await pb.getByLabel(/^Body/).fill(newBody);
        await pb.getByLabel(/^Edit summary/).fill('Name the bread and the pot');
        assert.equal(await submit(pb, pb.getByRole('button', { name: 'Preview' })), 200);
        const preview = pb.getByRole('region', { name: 'Your changes' });
        assert.deepEqual(await preview.getByRole('heading', { level: 3 }).allInnerTexts(), ['Title', 'Body'],
          'the title and the body changed');
        const titleDiff = await diffParts(preview.locator('p.diff'));
        assert.match(titleDiff.ins, /sourdough/, 'the title diff shows the insertion');
        const bodyDiff = await diffParts(preview.locator('pre.diff'));
        assert.match(bodyDiff.ins, /cast iron/);
        assert.match(bodyDiff.del, /right/);
        assert.match(bodyDiff.ins, /crisp/);
        assert.equal(await pb.getByLabel('Title', { exact: true }).inputValue(), newTitle);
        await screenshot(pb, 'reviews-nojs-preview');

        assert.equal(await submit(pb, pb.getByRole('button', { name: 'Submit suggestion' })), 200);
        sid = suggestionIdOf(pb);
        assert.equal(await flashText(pb), 'Thanks: your suggested edit is waiting for review.');
        assert.deepEqual(pb.agoraBadRequests, [], 'every stylesheet and image loads');
      });

      await visit(pa, TENANT, '/');
      assert.equal(await unreadCount(pa), 1, 'the author has 1 unread');
      await openNotification(pa, `${b.displayName} suggested an edit to your question “${title}”`);
      assert.equal(suggestionIdOf(pa), sid);
      // (Sorted: this table lists the fields alphabetically, the preview title first.)
      assert.deepEqual((await pa.locator('table.suggestion-compare tbody th').allInnerTexts()).sort(), ['Body', 'Title'],
        'the comparison has the title and the body');
      // Approve without a comment: it is optional.
      assert.equal(await submit(pa, pa.getByRole('button', { name: 'Approve and apply' })), 200);
      assert.equal(suggestionIdOf(pa), sid);
      assert.equal(await flashText(pa), 'Approved: the edit is applied and the suggester is told.');
      assert.match(await pa.locator('main p.notice[role=status]').innerText(),
        new RegExp(`^Approved by ${a.displayName} on .* \\(revision 2\\)$`));
      await screenshot(pa, 'reviews-nojs-approved');

      await visit(pa, TENANT, `/questions/${qid}`);
      assert.equal(await h1(pa).innerText(), newTitle, 'the question has the new title');
      assert.equal((await post(pa, qid).locator('.body').innerText()).trim(), newBody, 'and the new body');
      assert.deepEqual(pa.agoraBadRequests, [], 'every stylesheet and image loads');

      await withPage(getBrowser(), 'reviews-nojs-told', NO_JS, async (pb) => {
        await logIn(pb, TENANT, { login: b.username, password: b.password });
        await visit(pb, TENANT, '/');
        assert.equal(await unreadCount(pb), 1);
        // Without a comment the text just ends; it names the question as it was titled.
        await openNotification(pb, `Your suggested edit to the question “${title}” was approved by ${a.displayName}.`);
        assert.equal(suggestionIdOf(pb), sid);
        assert.equal(await inboxLink(pb).locator('.badge').count(), 0, 'no unread badge left');
      });
    });
  });
