// The leak finder (view=leaks): every class's objects, bytes and segments are the CLI's
// (`tierlens reconcile ... --json`) on the same snapshot and listing, and follow `grace=` and
// `prefix=` as the CLI's options do; the keys filter, the CSV and the deletion list; a bad
// listing URL keeps the results; hostile keys stay text. Registered by run.mjs.
import fs from 'node:fs';
import { assert, assertEq } from './harness.mjs';

const CLASSES = ['ok', 'orphan', 'missing', 'dangling', 'foreign', 'outside-lineage', 'in-grace'];

/** Waits until every class card shows the CLI's totals; on timeout says which differ. */
async function waitTotals(page, totals, what) {
  const want = Object.fromEntries(CLASSES.map((c) => [c, [totals[c].objects, totals[c].objectBytes, totals[c].segments]]));
  try {
    await page.waitForFunction((w) => Object.entries(w).every(([c, v]) => {
      const el = document.querySelector(`[data-testid="leaks-class-${c}"]`);
      return el && [el.dataset.objects, el.dataset.bytes, el.dataset.segments].map(Number).join() === v.join();
    }), want, { timeout: 60000 });
  } catch (e) {
    const got = await page.evaluate((cs) => Object.fromEntries(cs.map((c) => {
      const el = document.querySelector(`[data-testid="leaks-class-${c}"]`);
      return [c, el ? [el.dataset.objects, el.dataset.bytes, el.dataset.segments].map(Number) : null];
    })), CLASSES);
    throw new Error(`${what}: class totals [objects, bytes, segments]\n  want ${JSON.stringify(want)}\n  got  ${JSON.stringify(got)}`);
  }
}

async function download(page, testid) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="${testid}"]`)]);
  return { name: dl.suggestedFilename(), text: fs.readFileSync(await dl.path(), 'utf8') };
}

export async function leaksTests({ test, base, cli, SCALE, SHOTS }) {
  const SNAP = `${SCALE}/synth-150x10x2.json`;
  const LISTING = `${SCALE}/listing-150x10x2.txt`;
  const url = `${base}?snapshot=scale/synth-150x10x2.json&view=leaks&listing=scale/listing-150x10x2.txt`;

  await test('leaks: class totals equal the CLI\'s; grace and prefix follow it; filter, CSV and deletion list; a 404 keeps the results', async (page) => {
    page.allowedErrors.push(/Failed to load resource: the server responded with a status of 404/);
    const want = cli('reconcile', SNAP, LISTING, '--json');
    const started = Date.now();
    await page.goto(url);
    await page.waitForSelector('[data-testid="leaks-class-ok"]', { timeout: 60000 });
    console.log(`     150 topics × 9,000 objects reconciled on screen after ${Date.now() - started} ms (loads included)`);
    await waitTotals(page, want.reconciliation.totals, 'default options');
    const summary = page.locator('[data-testid="leaks-summary"]');
    assertEq(await summary.getAttribute('data-layout'), want.reconciliation.layout, 'layout');
    assertEq(await summary.getAttribute('data-prefix'), want.reconciliation.prefix, 'prefix');
    assertEq(Number(await page.getAttribute('[data-testid="leaks-listing-status"]', 'data-objects')), want.listing.objects, 'objects read');
    const usd = Number(await page.getAttribute('[data-testid="leaks-class-ok"]', 'data-usd'));
    assert(Math.abs(usd - want.reconciliation.totals.ok.monthlyUsd) < 1e-9, `ok $/month ${usd}`);
    assertEq(await page.getAttribute('[data-testid="view-leaks"]', 'aria-pressed'), 'true', 'the Leaks button is pressed');
    // Topics that need attention come first, in the CLI's order.
    const firstTopics = await page.locator('[data-testid="leaks-topics"] tr[data-topic]').evaluateAll((rs) => rs.slice(0, 3).map((r) => r.dataset.topic));
    assertEq(JSON.stringify(firstTopics), JSON.stringify(want.reconciliation.topics.slice(0, 3).map((t) => t.topic)), 'first topics');
    // Missing segments (data loss).
    const missing = want.segments.filter((s) => s.class === 'missing');
    if (missing.length) {
      assertEq(Number(await page.getAttribute('[data-testid="leaks-missing"]', 'data-count')), missing.length, 'missing segments');
      assert((await page.textContent('[data-testid="leaks-missing"] tbody')).includes(missing[0].id), 'the missing segment is listed');
    }
    await page.screenshot({ path: `${SHOTS}/leaks.png`, fullPage: true });

    // The keys table: every object not ok, then one class.
    const keysCount = () => page.getAttribute('[data-testid="leaks-keys-count"]', 'data-count').then(Number);
    assertEq(await keysCount(), want.objects.length, 'objects not ok in the keys table');
    await page.selectOption('[data-testid="leaks-filter"]', 'dangling');
    const dangling = want.objects.filter((o) => o.class === 'dangling');
    await page.waitForFunction((n) => document.querySelector('[data-testid="leaks-keys-count"]')?.dataset.count === String(n), dangling.length);
    const classes = await page.locator('[data-testid="leaks-keys"] tr[data-class]').evaluateAll((rs) => [...new Set(rs.map((r) => r.dataset.class))]);
    assertEq(JSON.stringify(classes), '["dangling"]', 'filtered rows are of the class');
    assertEq(await page.locator('[data-testid="leaks-keys"] td.leak-key').first().textContent(), dangling[0].key, 'first dangling key');
    await page.selectOption('[data-testid="leaks-filter"]', 'ok');
    await page.waitForFunction((n) => document.querySelector('[data-testid="leaks-keys-count"]')?.dataset.count === String(n), want.reconciliation.totals.ok.objects);
    await page.selectOption('[data-testid="leaks-filter"]', 'not-ok');

    // Downloads: the CSV has a row per object not ok; the deletion list is the CLI's, byte for byte.
    const csv = await download(page, 'leaks-csv');
    assertEq(csv.name, 'tierlens-leaks.csv', 'CSV name');
    const lines = csv.text.trimEnd().split('\n');
    assertEq(lines.length, want.objects.length + 1, 'CSV lines (header + objects not ok)');
    assert(lines[0].startsWith('key,class,why,reason,size_bytes'), `CSV header: ${lines[0]}`);
    const del = await download(page, 'leaks-deletion-list');
    const delFile = `${SCALE}/deletion-list.txt`;
    cli('reconcile', SNAP, LISTING, '--json', '--deletion-list', delFile);
    assertEq(del.text, fs.readFileSync(delFile, 'utf8'), 'deletion list equals the CLI\'s --deletion-list');
    assertEq(del.text.split('\n').filter((l) => l && !l.startsWith('#')).length, want.reconciliation.totals.orphan.objects, 'one line per orphan');

    // grace=0s: nothing is in grace any more, as the CLI says.
    await page.fill('[data-testid="leaks-grace"]', '0s');
    await page.press('[data-testid="leaks-grace"]', 'Tab');
    await page.waitForFunction(() => location.search.includes('grace=0s'));
    const noGrace = cli('reconcile', SNAP, LISTING, '--grace', '0s', '--json');
    assert(JSON.stringify(noGrace.reconciliation.totals) !== JSON.stringify(want.reconciliation.totals), 'grace 0s changes the CLI\'s totals');
    await waitTotals(page, noGrace.reconciliation.totals, 'grace=0s');
    assertEq(await keysCount(), noGrace.objects.length, 'objects not ok with grace 0s');

    // Another prefix: every object is foreign.
    await page.fill('[data-testid="leaks-prefix"]', 'other/');
    await page.press('[data-testid="leaks-prefix"]', 'Tab');
    await page.waitForFunction(() => location.search.includes('prefix=other'));
    const other = cli('reconcile', SNAP, LISTING, '--grace', '0s', '--prefix', 'other/', '--json');
    await waitTotals(page, other.reconciliation.totals, 'prefix=other/');
    await page.fill('[data-testid="leaks-prefix"]', '');
    await page.press('[data-testid="leaks-prefix"]', 'Tab');
    await waitTotals(page, noGrace.reconciliation.totals, 'prefix detected again');

    // A listing URL that is not there: a specific error, and the results stay.
    await page.fill('[data-testid="leaks-listing-url"]', 'scale/no-such-listing.txt');
    await page.click('[data-testid="leaks-listing-load"]');
    const err = page.locator('[data-testid="leaks-listing-error"]');
    await err.waitFor();
    const msg = await err.textContent();
    assert(msg.includes('no-such-listing.txt') && msg.includes('HTTP 404') && msg.includes('unchanged'), `404 message: ${msg}`);
    await waitTotals(page, noGrace.reconciliation.totals, 'results after the 404');
    assert(page.url().includes('grace=0s'), 'settings stay');
    await page.locator('[data-testid="leaks"]').screenshot({ path: `${SHOTS}/leaks-404.png` });
  });

  await test('leaks: a hostile key (RTL override, <img onerror>) in a pasted listing is text', async (page) => {
    await page.goto(`${base}?snapshot=scale/synth-150x10x2.json&view=leaks`);
    await page.waitForSelector('[data-testid="leaks-paste"]', { timeout: 60000 });
    const lines = fs.readFileSync(LISTING, 'utf8').split('\n').slice(0, 30);
    const evil = 'tiered/<img src=x onerror="window.__xss=1">/\u202Egol.exe-0.log';
    lines.push(`2025-11-24 10:00:00    4096 ${evil}`);
    await page.fill('[data-testid="leaks-paste"]', lines.join('\n') + '\n');
    await page.click('[data-testid="leaks-paste-load"]');
    await page.waitForSelector('[data-testid="leaks-class-foreign"]', { timeout: 60000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="leaks-listing-status"]')?.dataset.objects === '31');
    await page.selectOption('[data-testid="leaks-filter"]', 'foreign');
    await page.waitForFunction(() => document.querySelector('[data-testid="leaks-keys-count"]')?.dataset.count === '1');
    const keys = await page.locator('[data-testid="leaks-keys"] td.leak-key').allTextContents();
    const shown = keys.find((k) => k.includes('<img'));
    assert(shown, `the hostile key is listed as text: ${keys.slice(0, 3)}`);
    assert(shown.includes('⟦U+202E⟧') && !shown.includes('\u202E'), `the RTL override is revealed: ${shown}`);
    assertEq(await page.evaluate(() => window.__xss), undefined, 'no injected script ran');
    assertEq(await page.locator('img[src="x"]').count(), 0, 'no injected element');
    const title = await page.locator('[data-testid="leaks-keys"] td.leak-key', { hasText: '<img' }).getAttribute('title');
    assert(title.includes('<img'), 'the full key is the title');
    await page.screenshot({ path: `${SHOTS}/leaks-hostile.png`, fullPage: true });
  });

  await test('leaks: dark theme and a narrow embed frame', async (page) => {
    await page.setViewportSize({ width: 560, height: 900 });
    await page.goto(`${url}&embed=1&theme=dark`);
    await page.waitForSelector('[data-testid="leaks-class-ok"]', { timeout: 60000 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert(overflow <= 1, `no horizontal page scroll in a 560 px frame: ${overflow} px`);
    await page.screenshot({ path: `${SHOTS}/leaks-embed-dark.png`, fullPage: true });
  });
}
