// Abilities (the `abilities` plugin, enabled on cooking and writing by their tenant files):
// a new member's progress page with one progress bar per criterion, `unrestricted` earned
// from four upvoted posts, and an admin changing a threshold with a preview of who would
// gain or lose it. See docs/abilities.md.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  DEMO_PASSWORD, browserTest, documentStatus, launchBrowser, logIn, screenshot, signUp, submit, visit, withPage,
} from './lib.mjs';

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });
const getBrowser = () => browser;

const suffix = () => randomBytes(3).toString('hex');

function assertCleanPage(page, what) {
  assert.deepEqual(page.agoraErrors, [], `${what}: no script errors`);
  assert.deepEqual(page.agoraBadRequests, [], `${what}: every subresource and API call succeeds`);
}

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

// The signed-in member's id in this community and the abilities they hold (/api/v1/me).
async function me(page) {
  const r = await api(page, 'GET', '/api/v1/me');
  assert.equal(r.status, 200, `GET /api/v1/me: ${JSON.stringify(r.json)}`);
  const id = Number(r.json.membership?.id);
  assert.ok(id > 0, `/api/v1/me names the member (${JSON.stringify(r.json)})`);
  return { id, abilities: r.json.abilities };
}

// One ability's card on /users/ID/abilities.
const card = (page, id) => page.locator(`.ability-cards > li#ability-${id}`);
const isHeld = async (page, id) => {
  const c = card(page, id);
  return (await c.locator('.badge', { hasText: /^held$/ }).count()) === 1 &&
    /\bgranted\b/.test(await c.getAttribute('class'));
};

browserTest('a new member sees their progress per criterion and earns unrestricted from four upvoted posts',
  getBrowser, async (t, page) => {
    const TENANT = 'cooking';
    const a = await signUp(page, TENANT);
    assert.equal(a.status, 200, 'the member signs up');
    const { id: aid, abilities: before } = await me(page);
    assert.deepEqual(before, ['everyone'], 'a new member holds only everyone');

    // The profile links to the abilities page.
    await visit(page, TENANT, `/users/${aid}`);
    await page.getByRole('link', { name: /Abilities and progress/ }).click();
    await page.waitForURL(`**/users/${aid}/abilities`);
    assert.equal(await documentStatus(page), 200);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), `${a.displayName}'s abilities`);

    // Every ability has a card; each ability earned by score shows one labelled progress bar
    // per criterion, at 50% for a member with no outcomes yet (Laplace: (0+2)/(0+4)).
    const expected = {
      unrestricted: ['post'],
      edit_posts: ['edit'],
      edit_tags: ['edit'],
      flag_close: ['post', 'flag'],
      flag_curate: ['post', 'flag'],
    };
    for (const id of ['everyone', 'mod', ...Object.keys(expected)]) {
      assert.equal(await card(page, id).count(), 1, `a card for ${id}`);
    }
    assert.equal(await card(page, 'everyone').getByText('Every member holds it.', { exact: true }).count(), 1);
    assert.equal(await isHeld(page, 'everyone'), true, 'everyone is held from the start');
    assert.equal(await card(page, 'mod').getByText('Granted by moderators only.', { exact: true }).count(), 1);
    assert.equal(await isHeld(page, 'mod'), false, 'a member is no moderator');
    assert.equal(await card(page, 'mod').getByRole('progressbar').count(), 0, 'manual-only abilities have no bars');
    const labels = { post: /^Posts: 0 well-received posts, 0 badly received posts$/,
      edit: /^Edits: 0 approved edits, 0 rejected edits$/, flag: /^Flags: 0 helpful flags, 0 declined flags$/ };
    for (const [id, criteria] of Object.entries(expected)) {
      const bars = card(page, id).getByRole('progressbar');
      assert.equal(await bars.count(), criteria.length, `${id}: one progress bar per criterion`);
      for (const criterion of criteria) {
        // The accessible name comes from the visible label (aria-labelledby).
        const bar = card(page, id).getByRole('progressbar', { name: labels[criterion] });
        assert.equal(await bar.count(), 1, `${id}: the ${criterion} bar is labelled "${labels[criterion]}"`);
        assert.equal(await bar.getAttribute('aria-valuemin'), '0');
        assert.equal(await bar.getAttribute('aria-valuemax'), '100');
        assert.equal(await bar.getAttribute('aria-valuenow'), '50', `${id}/${criterion}: score 50% with no outcomes`);
      }
      assert.equal(await isHeld(page, id), false, `${id} is not held yet`);
    }
    const unrestricted = card(page, 'unrestricted');
    assert.match(await unrestricted.locator('.criterion .meta').innerText(),
      /score 50% of 75% needed — 4 more well-received posts needed/, 'the page says what is still needed');
    // The bar's fill is as wide as the score.
    const fill = await unrestricted.getByRole('progressbar').evaluate((el) => {
      const span = el.querySelector('span');
      return span.getBoundingClientRect().width / el.getBoundingClientRect().width;
    });
    assert.ok(Math.abs(fill - 0.5) < 0.02, `the fill covers half the bar (${fill})`);
    assert.equal(await page.getByRole('button', { name: 'Suspend' }).count(), 0, 'a member is not offered moderation');
    await screenshot(page, 'abilities-new-member-progress');
    assertCleanPage(page, 'the new member\'s abilities page');

    // The member posts four times: a question (new members may ask only a few a day) and three
    // answers to it.
    const tag = `e2e-${suffix()}`;
    const q = await api(page, 'POST', '/api/v1/questions', {
      title: `How do I keep a sourdough starter alive ${suffix()}?`,
      body: 'I feed it every day but it smells of acetone by the evening. What am I doing wrong?',
      tags: [tag],
    });
    assert.equal(q.status, 201, `the question is posted: ${JSON.stringify(q.json)}`);
    const posts = [Number(q.json.id)];
    for (let i = 1; i <= 3; i++) {
      const ans = await api(page, 'POST', `/api/v1/questions/${posts[0]}/answers`, {
        body: `Update ${i}: feeding it twice a day at a 1:5:5 ratio helped, noted on day ${i}.`,
      });
      assert.equal(ans.status, 201, `answer ${i} is posted: ${JSON.stringify(ans.json)}`);
      posts.push(Number(ans.json.id));
    }
    assert.ok(posts.every((id) => id > 0), `four post ids (${posts})`);

    // Another member upvotes them through the API; after three the score is 5/7 (71%), after
    // four 6/8 = 75%, which meets the threshold: the very next page shows the grant.
    await withPage(getBrowser(), 'abilities-voter', {}, async (pb) => {
      const b = await signUp(pb, TENANT);
      assert.equal(b.status, 200, 'the voter signs up');
      for (const [i, id] of posts.entries()) {
        const v = await api(pb, 'POST', `/api/v1/posts/${id}/vote`, { value: 1 });
        assert.equal(v.status, 200, `upvote ${i + 1}: ${JSON.stringify(v.json)}`);
        assert.equal(v.json.score, 1);
        if (i === 2) {
          await page.reload();
          const bar = card(page, 'unrestricted').getByRole('progressbar');
          assert.equal(await bar.getAttribute('aria-valuenow'), '71', 'three good posts: 71%');
          assert.match(await bar.getAttribute('aria-labelledby').then((l) => page.locator(`#${l}`).innerText()),
            /^Posts: 3 well-received posts, 0 badly received posts$/);
          assert.equal(await isHeld(page, 'unrestricted'), false, 'three good posts are not enough');
        }
      }
      // Other members see the grant on the author's page too.
      await visit(pb, TENANT, `/users/${aid}/abilities`);
      assert.equal(await isHeld(pb, 'unrestricted'), true, 'others see the grant too');
      assert.equal(await pb.getByRole('button', { name: 'Grant' }).count(), 0, 'a member cannot grant');
    });

    await page.reload();
    assert.equal(await isHeld(page, 'unrestricted'), true, 'unrestricted is granted after four good posts');
    const bar = unrestricted.getByRole('progressbar', { name: /^Posts: 4 well-received posts, 0 badly received posts$/ });
    assert.equal(await bar.count(), 1, 'the label counts four good posts');
    assert.equal(await bar.getAttribute('aria-valuenow'), '75');
    assert.match(await unrestricted.locator('.criterion .meta').innerText(), /score 75% of 75% needed — met/);
    assert.match(await unrestricted.locator('p.hint').innerText(), /Granted on .*\(auto/, 'the card says when and how');
    // Nothing else was earned by it.
    for (const id of ['edit_posts', 'edit_tags', 'flag_close', 'flag_curate']) {
      assert.equal(await isHeld(page, id), false, `${id} is still not held`);
    }
    assert.ok((await me(page)).abilities.includes('unrestricted'), 'the API agrees');
    await screenshot(page, 'abilities-unrestricted-granted');
    assertCleanPage(page, 'the member\'s abilities page after the grant');
  });

browserTest('an admin previews a threshold change, saves it, and /abilities shows the new threshold',
  getBrowser, async (t, page) => {
    // On writing, so the cooking tests running next to this one are not affected.
    const TENANT = 'writing';
    const ABILITY = 'flag_curate';
    assert.equal(await logIn(page, TENANT, { login: 'alice', password: DEMO_PASSWORD }), 200, 'alice logs in');
    // Start from the defaults (an earlier run that failed half-way may have left a change),
    // and put them back afterwards.
    const defaults = { post_score: 0.9, flag_score: 0.99 };
    const reset = await api(page, 'PUT', `/api/v1/admin/abilities/${ABILITY}`, defaults);
    assert.equal(reset.status, 200, `thresholds reset: ${JSON.stringify(reset.json)}`);
    t.after(async () => {
      await withPage(getBrowser(), 'abilities-restore', {}, async (p) => {
        await logIn(p, TENANT, { login: 'alice', password: DEMO_PASSWORD });
        await api(p, 'PUT', `/api/v1/admin/abilities/${ABILITY}`, defaults);
      });
    });

    // The admin page links to the thresholds page.
    await visit(page, TENANT, '/admin');
    await page.getByRole('link', { name: 'Ability thresholds' }).click();
    await page.waitForURL('**/admin/abilities');
    assert.equal(await documentStatus(page), 200);
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'Ability thresholds');
    const row = page.locator(`section#ability-${ABILITY}`);
    assert.equal(await row.getByRole('heading', { level: 2 }).count(), 1);
    const flags = row.getByLabel('Flags');
    const postsBox = row.getByLabel('Posts');
    assert.equal(await postsBox.inputValue(), '0.9', 'the form holds the current posts threshold');
    assert.equal(await flags.inputValue(), '0.99', 'the form holds the current flags threshold');
    assert.equal(await row.getByLabel('Edits').inputValue(), '', 'an unused criterion is empty');
    assert.equal(await page.locator('.preview').count(), 0, 'no preview before asking for one');
    await screenshot(page, 'abilities-admin-thresholds');

    // Preview a sweeping change first: at 0.5 everyone with no outcomes passes, so many would
    // gain it. Nothing changes.
    await postsBox.fill('0.5');
    await flags.fill('0.5');
    assert.equal(await submit(page, row.getByRole('button', { name: 'Preview' })), 200);
    let preview = page.locator(`section#ability-${ABILITY} .preview[role=status]`);
    assert.equal(await preview.count(), 1, 'the preview is shown in the ability\'s section');
    let text = await preview.locator('p').innerText();
    let m = text.match(/of (\d+) members, (\d+) would gain flag_curate and (\d+) would lose it\. Nothing has changed yet\./);
    assert.ok(m, `the preview counts gains and losses: "${text}"`);
    const sweeping = await api(page, 'POST', `/api/v1/admin/abilities/${ABILITY}/preview`, { post_score: 0.5, flag_score: 0.5 });
    assert.equal(sweeping.status, 200);
    assert.deepEqual([Number(m[1]), Number(m[2]), Number(m[3])],
      [sweeping.json.evaluated, sweeping.json.gain, sweeping.json.lose], 'the page shows the numbers the API previews');
    assert.ok(Number(m[2]) > 0, `members would gain it at 0.5 (${text})`);
    assert.ok(await preview.locator('.sample li').count() > 0, 'a sample of who would gain it');
    assert.match(await preview.locator('.sample li').first().innerText(), /would gain it$/);
    assert.equal(await page.locator(`section#ability-${ABILITY}`).getByLabel('Flags').inputValue(), '0.5',
      'the form keeps the proposed value');
    await screenshot(page, 'abilities-admin-preview-sweeping');
    // Still unchanged.
    await visit(page, TENANT, '/abilities');
    assert.match(await page.locator(`tr#ability-${ABILITY}`).innerText(), /Flags: score of at least 99% from helpful flags/,
      'a preview changes nothing');

    // The change actually made: flags 0.99 -> 0.98.
    await visit(page, TENANT, '/admin/abilities');
    await row.getByLabel('Flags').fill('0.98');
    assert.equal(await submit(page, row.getByRole('button', { name: 'Preview' })), 200);
    preview = page.locator(`section#ability-${ABILITY} .preview[role=status]`);
    text = await preview.locator('p').innerText();
    m = text.match(/of (\d+) members, (\d+) would gain flag_curate and (\d+) would lose it/);
    assert.ok(m, `the preview counts gains and losses: "${text}"`);
    const [gain, lose] = [Number(m[2]), Number(m[3])];
    await screenshot(page, 'abilities-admin-preview');

    assert.equal(await submit(page, page.locator(`section#ability-${ABILITY}`).getByRole('button', { name: 'Save and re-evaluate' })), 200);
    assert.equal(new URL(page.url()).pathname, '/admin/abilities', 'saving returns to the thresholds page');
    const flash = page.locator('p.flash[role=status]');
    assert.equal(await flash.innerText(),
      `Thresholds for ${ABILITY} saved: ${gain} gained it, ${lose} lost it.`, 'saving reports what the preview said');
    assert.equal(await page.locator(`section#ability-${ABILITY}`).getByLabel('Flags').inputValue(), '0.98', 'the new value is stored');
    assert.equal(await page.locator(`section#ability-${ABILITY}`).getByLabel('Posts').inputValue(), '0.9', 'the other criterion is kept');
    await screenshot(page, 'abilities-admin-saved');
    assertCleanPage(page, 'the thresholds page');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Abilities' }).click();
    await page.waitForURL('**/abilities');
    const shown = page.locator(`tr#ability-${ABILITY}`);
    assert.match(await shown.innerText(), /Flags: score of at least 98% from helpful flags/, '/abilities shows the new threshold');
    assert.match(await shown.innerText(), /Posts: score of at least 90% from well-received posts/);
    assert.match(await page.locator('tr#ability-unrestricted').innerText(), /Posts: score of at least 75%/,
      'other abilities are unchanged');
    await screenshot(page, 'abilities-page-new-threshold');

    // Anyone (signed out too) sees the same.
    await withPage(getBrowser(), 'abilities-anonymous', {}, async (pa) => {
      assert.equal(await visit(pa, TENANT, '/abilities'), 200);
      assert.match(await pa.locator(`tr#ability-${ABILITY}`).innerText(), /at least 98% from helpful flags/);
      assert.equal(await pa.getByRole('link', { name: 'Your progress' }).count(), 0, 'no progress link when signed out');
      // Members may not change thresholds.
      assert.equal(await visit(pa, TENANT, '/admin/abilities') === 200 &&
        await pa.locator('section.threshold-row').count() > 0, false, 'visitors get no thresholds page');
    });
  });
