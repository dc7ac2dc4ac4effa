// Content: the member path through the website. Asking with a preview, answering, voting
// and commenting in place (with JavaScript) and by plain form posts (without), editing
// with a summary and a diffed history, the question lists, escaping of hostile input and
// what anonymous visitors and authors are (not) offered.
//
// New members are rate limited (a few questions and votes a day), so every test signs up
// fresh members instead of using the demo ones.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  DEMO_PASSWORD, askQuestion, browserTest, documentStatus, launchBrowser, logIn, screenshot, signUp, submit, url, visit,
  withPage,
} from './lib.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });
const getBrowser = () => browser;

const TENANT = 'cooking';

// A tag no earlier run used, so the tag filter shows exactly this run's questions.
const uniqueTag = () => `e2e-${randomBytes(4).toString('hex')}`;
const suffix = () => randomBytes(3).toString('hex');

function assertCleanPage(page, what) {
  assert.deepEqual(page.agoraErrors, [], `${what}: no script errors`);
  assert.deepEqual(page.agoraBadRequests, [], `${what}: every subresource and API call succeeds`);
}

// The section of one post (question or answer) on a question page.
const post = (page, id) => page.locator(`#post-${id}`);
const scoreOf = async (page, id) => Number((await post(page, id).locator('.votes .score').innerText()).trim());
const voteButton = (page, id, name) => post(page, id).getByRole('button', { name, exact: true });

// Counts main-frame navigations from now on; a script-driven action must cause none.
function watchNavigations(page) {
  const seen = [];
  const onNav = (frame) => { if (frame === page.mainFrame()) seen.push(frame.url()); };
  page.on('framenavigated', onNav);
  return { seen, stop: () => page.off('framenavigated', onNav) };
}

async function setMarker(page) {
  const marker = `m-${suffix()}`;
  await page.evaluate((m) => { window.__agoraMarker = m; }, marker);
  return marker;
}
const markerOf = (page) => page.evaluate(() => window.__agoraMarker);

// The id of the question shown, from /questions/ID.
function questionIdOf(page) {
  const id = Number(new URL(page.url()).pathname.match(/^\/questions\/(\d+)$/)?.[1]);
  assert.ok(id > 0, `on a question page (at ${page.url()})`);
  return id;
}

browserTest('a member asks with a preview, another answers, votes and comments in place, the author edits',
  getBrowser, async (t, page) => {
    const tag = uniqueTag();
    const title = `How long should fresh pasta rest ${suffix()}?`;
    const body = 'I knead **semolina dough** by hand.\n\n- rest it covered\n- roll it thin\n\nIs `30 min` enough?';

    // Member A signs up and asks through /ask, previewing first.
    const a = await signUp(page, TENANT);
    assert.equal(a.status, 200, 'A signs up');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Ask' }).click();
    await page.waitForURL(url(TENANT, '/ask'));
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Ask a question');
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByLabel(/^Body/).fill(body);
    await page.getByLabel(/^Tags/).fill(`${tag} pasta`);
    await submit(page, page.getByRole('button', { name: 'Preview' }));

    const preview = page.getByRole('region', { name: 'Preview' });
    assert.equal(await preview.count(), 1, 'Preview shows a preview section');
    assert.equal(await preview.locator('strong').innerText(), 'semolina dough', '**bold** is rendered');
    assert.equal(await preview.locator('li').count(), 2, 'the list is rendered');
    assert.equal(await preview.locator('code').innerText(), '30 min', '`code` is rendered');
    assert.ok(!(await preview.innerText()).includes('**'), 'no Markdown syntax left in the preview');
    assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(), title, 'the preview keeps the title');
    assert.equal(await page.getByLabel(/^Body/).inputValue(), body, 'the preview keeps the body');
    assert.equal(await page.getByLabel(/^Tags/).inputValue(), `${tag} pasta`, 'the preview keeps the tags');
    assert.equal(new URL(page.url()).pathname, '/ask');
    await screenshot(page, 'content-ask-preview');

    await submit(page, page.getByRole('button', { name: 'Post your question' }));
    const qid = questionIdOf(page);
    assert.equal(await documentStatus(page), 200);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), title, 'the question page shows the title');
    assert.equal(await post(page, qid).locator('.body strong').innerText(), 'semolina dough', 'the body is rendered');
    for (const name of [tag, 'pasta']) {
      assert.equal(await post(page, qid).getByRole('link', { name, exact: true }).count(), 1, `tag ${name} is shown`);
    }
    // Authors cannot vote on their own post, but may edit it; locking is for curators.
    assert.equal(await voteButton(page, qid, 'Upvote').count(), 0, 'no Upvote on one\'s own question');
    assert.equal(await voteButton(page, qid, 'Downvote').count(), 0, 'no Downvote on one\'s own question');
    assert.equal(await scoreOf(page, qid), 0, 'a new question scores 0');
    assert.equal(await post(page, qid).getByRole('link', { name: 'Edit', exact: true }).count(), 1, 'the author may edit');
    assert.equal(await post(page, qid).getByRole('button', { name: 'Lock' }).count(), 0, 'a new member cannot lock');
    assert.equal(await page.getByRole('button', { name: 'Close', exact: true }).count(), 0, 'a new member cannot close');
    assert.equal(await page.getByRole('heading', { name: '0 answers' }).count(), 1);
    await screenshot(page, 'content-question-by-author');
    assertCleanPage(page, 'A\'s question page');

    // Member B answers, upvotes and comments.
    let answerId;
    await withPage(getBrowser(), 'content-member-b', {}, async (pb) => {
      const b = await signUp(pb, TENANT);
      assert.equal(b.status, 200, 'B signs up');
      await visit(pb, TENANT, `/questions/${qid}`);
      assert.equal(await post(pb, qid).getByRole('link', { name: 'Edit', exact: true }).count(), 0,
        'a new member may not edit someone else\'s question');
      assert.equal(await post(pb, qid).getByRole('button', { name: 'Delete' }).count(), 0,
        'a new member may not delete someone else\'s question');

      const answerForm = pb.locator('#answer-form');
      assert.equal(await pb.getByRole('heading', { name: 'Your answer' }).count(), 1, 'B is offered "Your answer"');
      const answerText = 'Thirty minutes is fine; an **hour** makes it silkier and easier to roll.';
      await answerForm.getByLabel(/^Answer/).fill(answerText);
      await submit(pb, answerForm.getByRole('button', { name: 'Post your answer' }));
      assert.equal(new URL(pb.url()).pathname, `/questions/${qid}`, 'answering returns to the question');
      const answer = pb.getByRole('region', { name: `Answer by ${b.displayName}` });
      assert.equal(await answer.count(), 1, 'the answer is shown, labelled with its author');
      answerId = Number((await answer.getAttribute('id')).replace('post-', ''));
      assert.equal(await answer.locator('.body strong').innerText(), 'hour');
      assert.equal(await pb.getByRole('heading', { name: '1 answer' }).count(), 1);
      assert.equal(await voteButton(pb, answerId, 'Upvote').count(), 0, 'no vote buttons on one\'s own answer');

      // Upvote with JavaScript: the score and aria-pressed change without a page load.
      const up = voteButton(pb, qid, 'Upvote');
      const down = voteButton(pb, qid, 'Downvote');
      assert.equal(await up.getAttribute('aria-pressed'), 'false');
      assert.equal(await down.getAttribute('aria-pressed'), 'false');
      const marker = await setMarker(pb);
      const navs = watchNavigations(pb);
      const voted = pb.waitForResponse((r) => r.url().endsWith(`/api/v1/posts/${qid}/vote`) && r.request().method() === 'POST');
      await up.click();
      assert.equal((await voted).status(), 200, 'the vote goes to the API');
      await pb.waitForFunction((id) => document.querySelector(`#post-${id} .votes .score`).textContent.trim() === '1', qid);
      assert.equal(await up.getAttribute('aria-pressed'), 'true', 'Upvote is pressed');
      assert.equal(await down.getAttribute('aria-pressed'), 'false', 'Downvote is not');
      assert.equal(await markerOf(pb), marker, 'the page was not reloaded by voting');
      assert.deepEqual(navs.seen, [], 'no navigation while voting');
      await screenshot(pb, 'content-upvoted-in-place');
      // A second press withdraws the vote, a third casts it again, still in place.
      const withdrawn = pb.waitForResponse((r) => r.url().endsWith(`/api/v1/posts/${qid}/vote`) && r.request().method() === 'DELETE');
      await up.click();
      assert.equal((await withdrawn).status(), 200, 'withdrawing goes to the API');
      await pb.waitForFunction((id) => document.querySelector(`#post-${id} .votes .score`).textContent.trim() === '0', qid);
      assert.equal(await up.getAttribute('aria-pressed'), 'false', 'Upvote is released');
      await up.click();
      await pb.waitForFunction((id) => document.querySelector(`#post-${id} .votes .score`).textContent.trim() === '1', qid);
      assert.equal(await up.getAttribute('aria-pressed'), 'true', 'Upvote is pressed again');
      assert.equal(await markerOf(pb), marker, 'the page was not reloaded by toggling the vote');

      // Comment with JavaScript: the comment appears without a page load.
      const comment = `Rest it wrapped in cling film ${suffix()}, never in the fridge.`;
      await post(pb, qid).getByText('Add a comment', { exact: true }).click();
      await post(pb, qid).getByLabel('Comment', { exact: true }).fill(comment);
      const commented = pb.waitForResponse((r) => r.url().endsWith(`/api/v1/posts/${qid}/comments`));
      await post(pb, qid).getByRole('button', { name: 'Add comment' }).click();
      assert.equal((await commented).status(), 201, 'the comment goes to the API');
      const shown = post(pb, qid).locator('.comments li').filter({ hasText: comment });
      await shown.waitFor({ timeout: 5000 });
      assert.equal(await shown.getByRole('link', { name: b.displayName, exact: true }).count(), 1,
        'the new comment links to its author, as the server-rendered ones do');
      assert.equal(await post(pb, qid).getByLabel('Comment', { exact: true }).inputValue(), '', 'the comment box is emptied');
      assert.equal(await markerOf(pb), marker, 'the page was not reloaded by commenting');
      assert.deepEqual(navs.seen, [], 'no navigation while commenting');
      navs.stop();
      await screenshot(pb, 'content-commented-in-place');
      assertCleanPage(pb, 'B\'s question page');

      // Both are stored: a reload shows them.
      await pb.reload();
      assert.equal(await scoreOf(pb, qid), 1, 'the vote is stored');
      assert.equal(await voteButton(pb, qid, 'Upvote').getAttribute('aria-pressed'), 'true', 'the page remembers B\'s vote');
      assert.equal(await post(pb, qid).locator('.comments li').filter({ hasText: comment }).count(), 1, 'the comment is stored');
    });

    // A edits the title and body with a summary; the preview shows a diff.
    const newTitle = `How long should fresh egg pasta rest ${suffix()}?`;
    const newBody = 'I knead **semolina and egg dough** in a stand mixer.\n\n- rest it covered\n- roll it thin\n\nIs `30 min` enough?';
    const summary = 'Mention the eggs';
    await page.reload();
    assert.equal(await scoreOf(page, qid), 1, 'A sees B\'s vote');
    assert.equal(await page.getByRole('region', { name: /^Answer by / }).count(), 1, 'A sees B\'s answer');
    await post(page, qid).getByRole('link', { name: 'Edit', exact: true }).click();
    await page.waitForURL(url(TENANT, `/posts/${qid}/edit`));
    assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(), title, 'the edit form holds the title');
    assert.equal(await page.getByLabel(/^Body/).inputValue(), body, 'the edit form holds the Markdown source');
    await page.getByLabel('Title', { exact: true }).fill(newTitle);
    await page.getByLabel(/^Body/).fill(newBody);
    await page.getByLabel('Edit summary').fill(summary);
    await submit(page, page.getByRole('button', { name: 'Preview' }));
    const editPreview = page.getByRole('region', { name: 'Preview' });
    assert.equal(await editPreview.locator('.body strong').innerText(), 'semolina and egg dough', 'the edit preview is rendered');
    const diff = editPreview.locator('.diff');
    assert.ok(await diff.locator('ins').count() >= 1, 'the preview diff marks insertions');
    assert.match((await diff.locator('ins').allInnerTexts()).join(' '), /egg/, 'the inserted words are marked');
    assert.match((await diff.locator('del').allInnerTexts()).join(' '), /hand/, 'the removed words are marked');
    assert.equal(await page.getByLabel('Edit summary').inputValue(), summary, 'the preview keeps the summary');
    await screenshot(page, 'content-edit-preview');
    await submit(page, page.getByRole('button', { name: 'Save edits' }));
    assert.equal(new URL(page.url()).pathname, `/questions/${qid}`, 'saving returns to the question');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), newTitle, 'the new title is shown');
    assert.equal(await post(page, qid).locator('.body strong').innerText(), 'semolina and egg dough', 'the new body is shown');

    // The history has both revisions, the newer one diffed against the first.
    await post(page, qid).getByRole('link', { name: 'edited' }).click();
    await page.waitForURL(url(TENANT, `/posts/${qid}/history`));
    assert.equal(await page.getByRole('heading', { level: 1, name: 'Revision history' }).count(), 1);
    const revisions = page.getByRole('region', { name: /^Revision \d+$/ });
    assert.equal(await revisions.count(), 2, 'two revisions');
    const second = page.getByRole('region', { name: 'Revision 2', exact: true });
    assert.ok((await second.innerText()).includes(summary), 'revision 2 shows the edit summary');
    assert.ok((await second.innerText()).includes(a.displayName), 'revision 2 names its editor');
    // Title and body are both diffed against revision 1.
    const titleDiff = second.locator('p.diff').filter({ hasText: 'Title:' });
    assert.match((await titleDiff.locator('ins').allInnerTexts()).join(' '), /egg/, 'the title diff marks the new word');
    assert.ok(await titleDiff.locator('del').count() >= 1, 'the title diff marks the replaced words with <del>');
    const bodyDiff = second.locator('pre.diff');
    assert.match((await bodyDiff.locator('ins').allInnerTexts()).join(' '), /egg[\s\S]*stand mixer|stand mixer[\s\S]*egg/,
      'the body diff marks the inserted words with <ins>');
    assert.match((await bodyDiff.locator('del').allInnerTexts()).join(' '), /hand/, 'the body diff marks the removed words with <del>');
    assert.ok((await bodyDiff.innerText()).includes('rest it covered'), 'unchanged lines are shown as context');
    const first = page.getByRole('region', { name: 'Revision 1', exact: true });
    assert.ok((await first.innerText()).includes('semolina dough'), 'revision 1 shows the original body');
    assert.ok((await first.innerText()).includes(title), 'revision 1 shows the original title');
    await screenshot(page, 'content-history');
    assertCleanPage(page, 'history');
    await page.getByRole('link', { name: 'Back to the post' }).click();
    await page.waitForURL((u) => u.pathname === `/questions/${qid}`);

    // The front page lists it under Newest, and under its tag.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Questions' }).click();
    await page.waitForURL(url(TENANT, '/'));
    const tabs = page.getByRole('navigation', { name: 'Sort questions' });
    await tabs.getByRole('link', { name: 'Newest' }).click();
    await page.waitForURL((u) => u.searchParams.get('sort') === 'newest');
    assert.equal(await tabs.getByRole('link', { name: 'Newest' }).getAttribute('aria-current'), 'page', 'Newest is the current tab');
    const row = page.locator('.question-row').filter({ has: page.getByRole('link', { name: newTitle, exact: true }) });
    assert.equal(await row.count(), 1, 'the question is listed under Newest');
    assert.equal(await page.getByRole('link', { name: title, exact: true }).count(), 0, 'the old title is gone');
    assert.match(await row.locator('.stats').innerText(), /1\s*votes?[\s\S]*1\s*answers?/, 'the row shows 1 vote and 1 answer');
    await screenshot(page, 'content-home-newest');

    await row.getByRole('link', { name: tag, exact: true }).click();
    await page.waitForURL((u) => u.searchParams.get('tag') === tag);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), `Questions tagged ${tag}`);
    const rows = page.locator('.question-row');
    assert.equal(await rows.count(), 1, 'only this run\'s question has the fresh tag');
    assert.equal(await rows.getByRole('link', { name: newTitle, exact: true }).count(), 1);
    for (const sort of ['Active', 'Newest', 'Score']) {
      const href = await tabs.getByRole('link', { name: sort }).getAttribute('href');
      assert.ok(new URL(href, page.url()).searchParams.get('tag') === tag, `the ${sort} tab keeps the tag filter`);
    }
    await screenshot(page, 'content-home-tag');
    assertCleanPage(page, 'front page');
  });

browserTest('without JavaScript, voting and commenting work as plain form posts', getBrowser, async (t, page) => {
  const title = `Why does my bread crust go soft ${suffix()}?`;
  await signUp(page, TENANT);
  const qid = await askQuestion(page, TENANT, {
    title,
    body: 'The crust is crisp out of the oven and soft an hour later. What am I doing wrong?',
    tags: `${uniqueTag()} bread`,
  });

  await withPage(getBrowser(), 'content-nojs', { javaScriptEnabled: false }, async (pn) => {
    await signUp(pn, TENANT);
    await visit(pn, TENANT, `/questions/${qid}`);
    const up = voteButton(pn, qid, 'Upvote');
    assert.equal(await scoreOf(pn, qid), 0);

    // The vote is a form post: a new document loads (the marker is gone) with the new score.
    await setMarker(pn);
    const status = await submit(pn, up);
    assert.equal(status, 200, 'the vote form lands on a page');
    assert.equal(await markerOf(pn), undefined, 'voting loaded a new page');
    assert.equal(new URL(pn.url()).pathname, `/questions/${qid}`, 'and returns to the question');
    assert.equal(await scoreOf(pn, qid), 1, 'the score is updated');
    assert.equal(await voteButton(pn, qid, 'Upvote').getAttribute('aria-pressed'), 'true', 'Upvote is pressed');
    await screenshot(pn, 'content-nojs-upvoted');

    // Pressing it again takes the vote back.
    await submit(pn, voteButton(pn, qid, 'Upvote'));
    assert.equal(await scoreOf(pn, qid), 0, 'a second press withdraws the vote');
    assert.equal(await voteButton(pn, qid, 'Upvote').getAttribute('aria-pressed'), 'false');
    // A downvote by form.
    await submit(pn, voteButton(pn, qid, 'Downvote'));
    assert.equal(await scoreOf(pn, qid), -1, 'a downvote by form');
    assert.equal(await voteButton(pn, qid, 'Downvote').getAttribute('aria-pressed'), 'true');
    assert.equal(await voteButton(pn, qid, 'Upvote').getAttribute('aria-pressed'), 'false');

    // The comment form sits in a <details>, which opens without scripts.
    const comment = `Let it cool on a rack, not on the tray ${suffix()}.`;
    await post(pn, qid).getByText('Add a comment', { exact: true }).click();
    await post(pn, qid).getByLabel('Comment', { exact: true }).fill(comment);
    await submit(pn, post(pn, qid).getByRole('button', { name: 'Add comment' }));
    assert.equal(new URL(pn.url()).pathname, `/questions/${qid}`);
    assert.equal(await post(pn, qid).locator('.comments li').filter({ hasText: comment }).count(), 1,
      'the comment is shown after the form post');

    // A comment that is too short is refused with a message, not a broken page.
    await post(pn, qid).getByText('Add a comment', { exact: true }).click();
    await post(pn, qid).getByLabel('Comment', { exact: true }).fill('too short');
    const refused = await submit(pn, post(pn, qid).getByRole('button', { name: 'Add comment' }));
    assert.equal(refused, 200, 'a refused comment returns to the question');
    assert.equal(await pn.getByRole('status').filter({ hasText: /15|short|at least/i }).count(), 1,
      'the refusal explains the minimum length');
    assert.equal(await post(pn, qid).locator('.comments li').count(), 1, 'the short comment is not stored');
    await screenshot(pn, 'content-nojs-commented');
    assert.deepEqual(pn.agoraBadRequests, [], 'every stylesheet and image loads');
  });
});

browserTest('hostile titles, bodies and comments are shown as text and never run', getBrowser, async (t, page) => {
  const title = `<img src=x onerror=window.__xss=2> Escaping test ${suffix()}`;
  const body = [
    '<script>window.__xss=1</script>',
    '',
    'Some text that must survive <img src=x onerror=window.__xss=3> next to it.',
    '',
    '[a link](javascript:window.__xss=4) and <a href="javascript:window.__xss=5">raw</a>',
  ].join('\n');
  await signUp(page, TENANT);

  // The preview renders the same body: nothing runs there either.
  await visit(page, TENANT, '/ask');
  await page.getByLabel('Title', { exact: true }).fill(title);
  await page.getByLabel(/^Body/).fill(body);
  await page.getByLabel(/^Tags/).fill(`${uniqueTag()} safety`);
  await submit(page, page.getByRole('button', { name: 'Preview' }));
  assert.equal(await page.evaluate(() => window.__xss), undefined, 'nothing runs in the preview');
  assert.equal(await page.getByRole('region', { name: 'Preview' }).locator('script, img, [onerror]').count(), 0,
    'no script or image element in the preview');

  await submit(page, page.getByRole('button', { name: 'Post your question' }));
  const qid = questionIdOf(page);

  async function assertInert(p, where) {
    assert.equal(await p.evaluate(() => window.__xss), undefined, `${where}: window.__xss stays undefined`);
    const injected = await p.$$eval('main img, main script, main [onerror]', (els) => els.map((e) => e.outerHTML));
    assert.deepEqual(injected, [], `${where}: no injected element`);
    const jsLinks = await p.$$eval('a[href]', (els) =>
      els.map((a) => a.getAttribute('href')).filter((h) => /^\s*javascript:/i.test(h)));
    assert.deepEqual(jsLinks, [], `${where}: no javascript: link`);
  }

  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), title, 'the title is shown literally');
  assert.ok((await page.title()).startsWith(title), 'the document title holds the literal title');
  const shownBody = await post(page, qid).locator('.body').innerText();
  assert.ok(shownBody.includes('Some text that must survive'), 'the harmless text is kept');
  assert.ok(!/window\.__xss=1/.test(await post(page, qid).locator('.body').innerHTML()) ||
    shownBody.includes('<script>'), 'the script tag is dropped or shown as text');
  // Wait a moment for a broken image's onerror, should one have slipped through.
  await page.waitForTimeout(300);
  await assertInert(page, 'question page');
  await screenshot(page, 'content-xss-question');

  // A hostile comment, added in place by the page's script.
  await post(page, qid).getByText('Add a comment', { exact: true }).click();
  await post(page, qid).getByLabel('Comment', { exact: true })
    .fill('<img src=x onerror=window.__xss=6> comment <script>window.__xss=7</script> text');
  await post(page, qid).getByRole('button', { name: 'Add comment' }).click();
  await post(page, qid).locator('.comments li').filter({ hasText: 'comment' }).waitFor({ timeout: 5000 });
  await page.waitForTimeout(300);
  await assertInert(page, 'after a comment added in place');

  for (const [path, what] of [[`/questions/${qid}`, 'question page (reloaded)'], ['/?sort=newest', 'front page'],
    [`/posts/${qid}/history`, 'history'], [`/posts/${qid}/edit`, 'edit page']]) {
    await visit(page, TENANT, path);
    await page.waitForTimeout(200);
    await assertInert(page, what);
  }
  // The edit form gives the raw title back in its input, untouched.
  assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(), title, 'the edit form keeps the raw title');
  await visit(page, TENANT, '/?sort=newest');
  assert.equal(await page.getByRole('link', { name: title, exact: true }).count(), 1, 'the front page lists the literal title');
  assert.deepEqual(page.agoraErrors, [], 'no script errors');
});

browserTest('anonymous visitors read questions but are asked to log in to take part', getBrowser, async (t, page) => {
  const title = `Which salt for pickling cucumbers ${suffix()}?`;
  await withPage(getBrowser(), 'content-anon-members', {}, async (pa) => {
    await signUp(pa, TENANT);
    const qid = await askQuestion(pa, TENANT, {
      title,
      body: 'Kosher, sea salt or pickling salt: does the iodine really matter for the brine?',
      tags: `${uniqueTag()} pickling`,
    });
    await withPage(getBrowser(), 'content-anon-answerer', {}, async (pb) => {
      await signUp(pb, TENANT);
      await visit(pb, TENANT, `/questions/${qid}`);
      await pb.locator('#answer-form').getByLabel(/^Answer/).fill('Use salt without iodine or anti-caking agents; the brine stays clear.');
      await submit(pb, pb.getByRole('button', { name: 'Post your answer' }));
    });

    assert.equal(await visit(page, TENANT, `/questions/${qid}`), 200, 'anyone can read a question');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), title);
    const invite = page.getByText(/Log in or sign up to answer/);
    assert.equal(await invite.count(), 1, 'anonymous visitors see "Log in or sign up to answer"');
    assert.equal(await invite.getByRole('link', { name: 'Log in' }).getAttribute('href'), `/login?next=/questions/${qid}`,
      'the log-in link comes back here');
    assert.equal(await invite.getByRole('link', { name: 'sign up' }).count(), 1);
    assert.equal(await page.getByRole('heading', { name: 'Your answer' }).count(), 0, 'no answer form');
    assert.equal(await page.getByRole('button', { name: /^(Upvote|Downvote)$/ }).count(), 0, 'no vote buttons');
    assert.equal(await page.getByText('Add a comment', { exact: true }).count(), 0, 'no comment form');
    assert.equal(await page.getByRole('link', { name: 'Edit', exact: true }).count(), 0, 'no Edit link');
    assert.equal(await page.locator('form[action^="/posts/"], form[action*="/answers"]').count(), 0, 'no post forms at all');
    assert.equal(await page.getByRole('region', { name: /^Answer by / }).count(), 1, 'answers are readable');
    assert.equal(await scoreOf(page, qid), 0, 'scores are shown');
    await screenshot(page, 'content-anonymous-question');
    await page.setViewportSize({ width: 390, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `a phone-sized window needs no sideways scrolling (overflow ${overflow}px)`);
    await screenshot(page, 'content-anonymous-question-phone');
    await page.setViewportSize({ width: 1280, height: 800 });

    // What anonymous visitors see follows the members' changes: a new comment and an
    // edited title show up on the next load of the question and of the front page.
    await visit(page, TENANT, '/?sort=newest');
    assert.equal(await page.getByRole('link', { name: title, exact: true }).count(), 1, 'the front page lists it');
    const comment = `Pickling salt dissolves fastest in cold brine ${suffix()}.`;
    await visit(pa, TENANT, `/questions/${qid}`);
    await post(pa, qid).getByText('Add a comment', { exact: true }).click();
    await post(pa, qid).getByLabel('Comment', { exact: true }).fill(comment);
    const commented = pa.waitForResponse((r) => r.url().endsWith(`/api/v1/posts/${qid}/comments`));
    await post(pa, qid).getByRole('button', { name: 'Add comment' }).click();
    assert.equal((await commented).status(), 201);
    const newTitle = `Which salt for pickling gherkins ${suffix()}?`;
    await visit(pa, TENANT, `/posts/${qid}/edit`);
    await pa.getByLabel('Title', { exact: true }).fill(newTitle);
    await submit(pa, pa.getByRole('button', { name: 'Save edits' }));

    await visit(page, TENANT, `/questions/${qid}`);
    assert.equal(await post(page, qid).locator('.comments li').filter({ hasText: comment }).count(), 1,
      'an anonymous reader sees the new comment');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), newTitle, 'and the new title');
    await visit(page, TENANT, '/?sort=newest');
    assert.equal(await page.getByRole('link', { name: newTitle, exact: true }).count(), 1, 'the front page shows the new title');
    assert.equal(await page.getByRole('link', { name: title, exact: true }).count(), 0, 'and not the old one');

    // The history is public too; asking is not.
    assert.equal(await visit(page, TENANT, `/posts/${qid}/history`), 200, 'anyone can read the history');
  });
  const askStatus = await visit(page, TENANT, '/ask');
  assert.ok([200, 401].includes(askStatus), `/ask answers a page (status ${askStatus})`);
  assert.ok(/\/login/.test(page.url()) || askStatus === 401, 'anonymous /ask leads to logging in');
  assert.equal(await page.getByLabel('Title', { exact: true }).count(), 0, 'no ask form for anonymous visitors');
  assert.equal(await page.getByRole('link', { name: 'Log in' }).count() > 0, true, 'a way to log in is offered');
  assert.deepEqual(page.agoraErrors, [], 'no script errors');
  assert.deepEqual(page.agoraBadRequests, [], 'every subresource loads');
});

browserTest('the front page claims a tag filter only when one is set', getBrowser, async (t, page) => {
  const summary = page.locator('main > p.meta').first();
  await visit(page, TENANT, '/?tag=pasta');
  assert.match(await summary.innerText(), /^\d+ questions? tagged pasta · all questions$/, 'with a tag filter');
  assert.equal(await page.getByRole('link', { name: 'all questions' }).count(), 1, '"all questions" clears the filter');
  await visit(page, TENANT, '/');
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Questions');
  assert.match(await summary.innerText(), /^\d+ questions?$/, 'no tag filter: just the count');
  assert.equal(await page.getByRole('link', { name: 'all questions' }).count(), 0, 'no "all questions" link without a filter');
  assert.equal(await summary.locator('.tag').count(), 0, 'no empty tag chip');
});

browserTest('tag links work for tags with + and # in their names', getBrowser, async (t, page) => {
  // Tags may use letters, digits and + # . - (limits on the tag name); "+" and "#" mean
  // something in a URL, so the links must encode them.
  const base = uniqueTag();
  const tags = [`${base}c++`, `${base}c#`];
  await signUp(page, TENANT);
  const qid = await askQuestion(page, TENANT, {
    title: `Is a cast iron pan worth it ${suffix()}?`,
    body: 'I keep reading that cast iron is the only pan worth owning. Is that true?',
    tags: tags.join(' '),
  });
  for (const tag of tags) {
    await visit(page, TENANT, `/questions/${qid}`);
    await post(page, qid).getByRole('link', { name: tag, exact: true }).click();
    await page.waitForLoadState('load');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), `Questions tagged ${tag}`,
      `the link of tag ${tag} filters by exactly that tag (at ${page.url()})`);
    assert.equal(await page.locator('.question-row').count(), 1, `one question tagged ${tag}`);
  }
  await visit(page, TENANT, '/tags');
  const link = page.getByRole('link', { name: tags[1], exact: true });
  assert.equal(await link.count(), 1, '/tags lists the tag');
  await link.click();
  await page.waitForLoadState('load');
  assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), `Questions tagged ${tags[1]}`,
    'the /tags link filters by the tag');
});

browserTest('a moderator is offered Close, Lock and Delete and closes a question', getBrowser, async (t, page) => {
  const title = `Can I freeze fresh basil leaves ${suffix()}?`;
  let qid;
  await withPage(getBrowser(), 'content-mod-author', {}, async (pa) => {
    await signUp(pa, TENANT);
    qid = await askQuestion(pa, TENANT, {
      title,
      body: 'They always turn black in the freezer. Is there a trick to keep them green?',
      tags: `${uniqueTag()} herbs`,
    });
  });

  await logIn(page, TENANT, { login: 'bob', password: DEMO_PASSWORD });
  await visit(page, TENANT, `/questions/${qid}`);
  const q = post(page, qid);
  assert.equal(await q.getByRole('link', { name: 'Edit', exact: true }).count(), 1, 'moderators may edit');
  assert.equal(await q.getByRole('button', { name: 'Lock', exact: true }).count(), 1, 'moderators may lock');
  assert.equal(await q.getByRole('button', { name: 'Delete', exact: true }).count(), 1, 'moderators may delete');
  const reason = page.getByLabel('Close as');
  assert.equal(await reason.count(), 1, 'moderators get the Close form');
  const reasons = await reason.locator('option').allInnerTexts();
  assert.ok(reasons.length >= 1, 'with the close reasons to choose from');
  assert.equal(await voteButton(page, qid, 'Upvote').count(), 1, 'moderators may vote on others\' posts');
  await screenshot(page, 'content-moderator-question');

  await reason.selectOption({ label: reasons[0] });
  await submit(page, page.getByRole('button', { name: 'Close', exact: true }));
  assert.equal(new URL(page.url()).pathname, `/questions/${qid}`);
  assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /\[closed\]$/, 'the title is marked closed');
  assert.ok((await page.locator('.notice').first().innerText()).includes(reasons[0]), 'the notice names the reason');
  assert.equal(await page.getByRole('heading', { name: 'Your answer' }).count(), 0, 'a closed question takes no answers');
  assert.equal(await page.getByRole('button', { name: 'Reopen' }).count(), 1, 'it can be reopened');
  assert.equal(await page.getByLabel('Close as').count(), 0, 'no Close form on a closed question');
  await screenshot(page, 'content-moderator-closed');

  await visit(page, TENANT, '/?sort=newest');
  const row = page.locator('.question-row').filter({ has: page.getByRole('link', { name: title, exact: true }) });
  assert.match(await row.innerText(), /\[closed\]/, 'the list marks it closed');
  assert.deepEqual(page.agoraErrors, [], 'no script errors');
});
