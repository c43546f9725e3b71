// End-to-end tests of the release bundle (dist/) in Debian's headless Chromium.
// Expected numbers come from the `tierlens` CLI (the same core the page runs), never from
// constants copied here. Run from the repository root after `trunk build --release` and
// `cargo build --release --bin tierlens`: node tests/e2e/run.mjs
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { serve, launch, newPage, assertNoErrors, assertEq, assert } from './harness.mjs';
import { hostileTests } from './hostile.mjs';
import { embedTests } from './embed.mjs';
import { forecastTests } from './forecast.mjs';
import { leaksTests } from './leaks.mjs';

const PREFIX = '/portal/tierlens/'; // served under a sub-path, as in an admin portal
const DEMO = 'public/demo-snapshot.json';
const SHOTS = 'tests/e2e/screenshots';
fs.mkdirSync(SHOTS, { recursive: true });

function cli(...args) {
  const out = execFileSync('target/release/tierlens', args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out);
}
const sum = (xs, f) => xs.reduce((a, x) => a + f(x), 0);
const planTotals = (plan, topic) => {
  const ps = plan.partitions.filter((p) => topic === undefined || p.topic === topic);
  return {
    remote: sum(ps, (p) => p.remoteLogSizeBytes),
    deleted: sum(ps, (p) => p.deletions.length),
    freed: sum(ps, (p) => p.bytesFreed),
  };
};

const attr = (page, testid, name) => page.getAttribute(`[data-testid="${testid}"]`, name);
const bytesOf = (page, testid) => attr(page, testid, 'data-bytes').then(Number);
const countOf = (page, testid) => attr(page, testid, 'data-count').then(Number);

// Large generated snapshots (scripts/test.sh writes them with gen_synth), served as `scale/`.
const SCALE = 'target/e2e';
const WIDE = 'synth-1x10000x2.json'; // 1 topic × 10,000 partitions × 2 segments
const MANY = 'synth-150x10x2.json'; // 150 topics × 10 partitions × 2 segments
const DEEP = 'synth-1x1x200000.json'; // 1 partition × 200,000 segments
const LISTING = 'listing-150x10x2.txt'; // MANY's bucket as `aws s3 ls` prints it (gen_listing)
for (const f of [WIDE, MANY, DEEP, LISTING]) {
  if (!fs.existsSync(`${SCALE}/${f}`)) {
    const shape = f.match(/(\d+)x(\d+)x(\d+)/).slice(1).join(' ');
    const gen = f.startsWith('listing') ? 'gen_listing' : 'gen_synth';
    console.error(`missing ${SCALE}/${f}: run scripts/test.sh, or\n  cargo run --release -p tierlens-core --example ${gen} -- ${SCALE}/${f} ${shape}`);
    process.exit(1);
  }
}

const server = await serve('dist', PREFIX, { 'scale/': SCALE });
const base = `http://127.0.0.1:${server.address().port}${PREFIX}`;
const browser = await launch();
const results = [];

async function test(name, fn) {
  // E2E_ONLY=text runs only the tests whose name contains it (for iterating; CI runs all).
  if (process.env.E2E_ONLY && !name.includes(process.env.E2E_ONLY)) return;
  const started = Date.now();
  const page = await newPage(browser);
  try {
    await fn(page);
    assertNoErrors(page, name);
    results.push({ name, ok: true, ms: Date.now() - started });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (e) {
    results.push({ name, ok: false });
    console.log(`FAIL ${name}\n     ${e.message.split('\n').join('\n     ')}`);
    await page.screenshot({ path: `${SHOTS}/failed-${name.replace(/\W+/g, '-')}.png`, fullPage: true }).catch(() => {});
  } finally {
    await page.context().close();
  }
}

const demoJson = JSON.parse(fs.readFileSync(DEMO, 'utf8'));
const demoPlan = cli('plan', DEMO, '--json');
const demoTotals = planTotals(demoPlan);

await test('demo loads with the engine totals and a chart', async (page) => {
  await page.goto(base);
  await page.waitForSelector('[data-testid="remote-size-total"]');
  assertEq(await bytesOf(page, 'remote-size-total'), demoTotals.remote, 'remote-size-total (bytes)');
  const segs = sum(demoJson.topics, (t) => sum(t.partitions, (p) => p.segments.length));
  assertEq(await countOf(page, 'segment-count'), segs, 'segment count');
  assertEq(await countOf(page, 'topic-count'), demoJson.topics.length, 'topic count');
  assertEq(await countOf(page, 'partition-count'), sum(demoJson.topics, (t) => t.partitions.length), 'partition count');
  assertEq(await countOf(page, 'cluster-deleted-segment-count'), demoTotals.deleted, 'next run deletes');
  assertEq(await bytesOf(page, 'cluster-bytes-freed'), demoTotals.freed, 'next run frees');
  assert(await page.locator('.chart canvas').count() >= 1, 'a chart canvas exists');
  const human = await page.textContent('[data-testid="remote-size-total"]');
  assert(/^\d+\.\d\d (GiB|TiB)$/.test(human.trim()), `remote size is shown for people: ${human}`);
  await page.screenshot({ path: `${SHOTS}/overview.png`, fullPage: true });
});

await test('a pasted formatter dump gives its segments and states', async (page) => {
  await page.goto(base);
  await page.waitForSelector('[data-testid="remote-size-total"]');
  const dump = fs.readFileSync('tests/data/formatter-10-lines.txt', 'utf8');
  await page.click('.load-panel summary');
  await page.fill('[data-testid="paste-input"]', dump);
  await page.click('[data-testid="paste-load"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="segment-count"]')?.dataset.count === '5');
  // Expected from the engine on the same text (4.3+: COPY_FINISHED + DELETE_STARTED).
  const plan = cli('plan', 'tests/data/formatter-10-lines.txt', '--now', '1764000600000', '--json');
  assertEq(await bytesOf(page, 'remote-size-total'), planTotals(plan).remote, 'remote size of the dump');
  assertEq(planTotals(plan).remote, 1000 + 2000 + 500 + 800, 'hand-worked metric size');
  assertEq(await page.textContent('[data-testid="load-panel-status"]'),
    'Showing pasted text: 5 segments in 2 partitions of 1 topic.', 'the load panel says what is shown');
  const states = await page.$$eval('table.by-state tbody tr', (rows) =>
    Object.fromEntries(rows.map((r) => [r.cells[0].textContent.trim(), Number(r.cells[1].querySelector('[data-count]').dataset.count)])));
  assertEq(JSON.stringify(states), JSON.stringify({
    COPY_SEGMENT_STARTED: 1, COPY_SEGMENT_FINISHED: 3, DELETE_SEGMENT_STARTED: 1, DELETE_SEGMENT_FINISHED: 0,
  }), 'segments by state');
  await page.screenshot({ path: `${SHOTS}/pasted-dump.png`, fullPage: true });
});

await test('bad input shows a specific error and keeps the loaded data', async (page) => {
  await page.goto(base);
  await page.waitForSelector('[data-testid="remote-size-total"]');
  await page.click('.load-panel summary');
  await page.fill('[data-testid="paste-input"]', '{"format": "tierlens-snapshot", "version": 1, "topics": [');
  await page.click('[data-testid="paste-load"]');
  const msg = await page.textContent('[data-testid="load-error"]');
  assert(/not valid JSON at line 1, column \d+/.test(msg), `JSON error names the place: ${msg}`);
  assert(msg.includes('previously loaded data is still shown'), 'says the data was kept');
  // The same error next to the controls the user just used.
  const near = await page.textContent('[data-testid="load-panel-error"]');
  assert(/not valid JSON at line 1, column \d+/.test(near) && near.includes('unchanged'), `error in the load panel: ${near}`);
  assertEq(await bytesOf(page, 'remote-size-total'), demoTotals.remote, 'demo totals still shown');

  await page.fill('[data-testid="paste-input"]', '{"format": "tierlens-snapshot", "version": 7, "capturedAtMs": 1, "topics": []}');
  await page.click('[data-testid="paste-load"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="load-error"]')?.textContent.includes('version 7'));

  await page.fill('[data-testid="paste-input"]', 'partition: 0, offset: 5, value: RemoteLogSegmentMetadata{remoteLogSegmentId=RemoteLogSeg');
  await page.click('[data-testid="paste-load"]');
  await page.waitForFunction(() => /no remote log metadata records/.test(document.querySelector('[data-testid="load-error"]')?.textContent));
  await page.screenshot({ path: `${SHOTS}/load-error.png` });
});

await test('a missing snapshot URL is a clear 404 message', async (page) => {
  page.allowedErrors.push(/Failed to load resource: the server responded with a status of 404/);
  await page.goto(base + '?snapshot=missing.json');
  const msg = await page.textContent('[data-testid="load-error"]');
  assert(msg.includes('missing.json') && msg.includes('HTTP 404'), `404 message: ${msg}`);
});

await test('snapshot text never becomes HTML', async (page) => {
  await page.goto(base);
  await page.waitForSelector('[data-testid="remote-size-total"]');
  const evil = '<img src=x onerror="window.__xss=1">';
  const snap = structuredClone(demoJson);
  snap.topics = [snap.topics[0]];
  snap.topics[0].name = evil;
  await page.click('.load-panel summary');
  await page.fill('[data-testid="paste-input"]', JSON.stringify(snap));
  await page.click('[data-testid="paste-load"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="topic-count"]')?.dataset.count === '1');
  await page.click('[data-testid="topic-link"]');
  await page.waitForSelector('[data-testid="topic-name"]');
  assertEq(await page.textContent('[data-testid="topic-name"]'), evil, 'the name is shown as text');
  await page.click('[data-testid="partition-link"]');
  await page.waitForSelector('[data-testid="partition-detail"] canvas');
  // Hover over the charts so tooltips render.
  for (const c of await page.$$('.chart canvas')) {
    const box = await c.boundingBox();
    for (let x = 0.1; x < 1; x += 0.2) await page.mouse.move(box.x + box.width * x, box.y + box.height / 2);
  }
  assertEq(await page.evaluate(() => window.__xss), undefined, 'no injected script ran');
  assertEq(await page.locator('img[src="x"]').count(), 0, 'no injected element');
});

await hostileTests({ test, base, demoJson, SHOTS });

await test('a dropped record is named beside the totals it changes; the CLI exits 3 for it', async (page) => {
  const snap = structuredClone(demoJson);
  snap.topics[0].partitions[0].segments[0].sizeBytes = -5;
  const file = `${SCALE}/dropped.json`;
  fs.writeFileSync(file, JSON.stringify(snap));
  const plain = spawnSync('target/release/tierlens', ['size', file, '--json'], { encoding: 'utf8' });
  assertEq(plain.status, 3, 'the CLI exits 3 when a record was dropped');
  const want = cli('size', file, '--json', '--accept-dropped');
  assertEq(want.droppedRecords, 1, 'the CLI lists one dropped record');
  await page.goto(base);
  await page.waitForSelector('[data-testid="remote-size-total"]');
  await page.click('.load-panel summary');
  await page.fill('[data-testid="paste-input"]', JSON.stringify(snap));
  await page.click('[data-testid="paste-load"]');
  await page.waitForSelector('[data-testid="dropped-note"]');
  assertEq(await countOf(page, 'dropped-note'), 1, 'dropped records beside the totals');
  assertEq(await bytesOf(page, 'remote-size-total'), want.cluster.remoteLogSizeBytes, 'the total without the dropped record, as the CLI');
  assert((await page.textContent('[data-testid="problems"] summary')).includes('pasted text'), 'the problems name the input');
});

const TOPIC = 'payments.v2';
const DAY = 86400000;
await test('what-if: retention.ms = 1d deletes what the engine says, and the URL reproduces it', async (page) => {
  const expected = planTotals(cli('plan', DEMO, '--set', `${TOPIC}:retention.ms=${DAY}`, '--json'), TOPIC);
  const current = planTotals(demoPlan, TOPIC);
  assert(expected.deleted > current.deleted, `1d must delete more than the current config (${expected.deleted} vs ${current.deleted})`);
  await page.goto(base);
  await page.waitForSelector('[data-testid="topics-table"]');
  await page.click(`[data-testid="topic-link"]:text-is("${TOPIC}")`);
  await page.waitForSelector('[data-testid="deleted-segment-count"]');
  assertEq(await countOf(page, 'deleted-segment-count'), current.deleted, 'current config deletions');
  await page.fill('[data-testid="input-retention.ms"]', '1d');
  await page.press('[data-testid="input-retention.ms"]', 'Enter');
  await page.waitForFunction((n) => document.querySelector('[data-testid="deleted-segment-count"]')?.dataset.count === String(n), expected.deleted);
  assertEq(await bytesOf(page, 'bytes-freed'), expected.freed, 'bytes freed');
  const cmd = await page.textContent('[data-testid="kafka-configs-command"]');
  assert(cmd.includes(`--entity-name ${TOPIC} --add-config retention.ms=${DAY}`), `command: ${cmd}`);
  await page.waitForFunction(() => location.search.includes('retention.ms=86400000'));
  const url = page.url();
  assert(url.includes(`topic=${TOPIC}`), `topic in URL: ${url}`);
  await page.click('[data-testid="partition-link"] >> nth=0');
  await page.waitForSelector('[data-testid="partition-detail"] canvas');
  await page.screenshot({ path: `${SHOTS}/whatif.png`, fullPage: true });

  // The same link in a fresh page gives the same view.
  const again = await newPage(browser);
  await again.goto(page.url());
  await again.waitForSelector('[data-testid="deleted-segment-count"]');
  assertEq(await countOf(again, 'deleted-segment-count'), expected.deleted, 'deleted count from the URL');
  assertEq(await bytesOf(again, 'bytes-freed'), expected.freed, 'bytes freed from the URL');
  assertEq(await again.getAttribute('[data-testid="proposed-retention.ms"]', 'title'), String(DAY), 'proposed value from the URL');
  await again.waitForSelector('[data-testid="partition-detail"] canvas');
  assertNoErrors(again, 'reopened URL');
  await again.context().close();

  // Reset returns to the topic's configuration.
  await page.click('[data-testid="reset"]');
  await page.waitForFunction((n) => document.querySelector('[data-testid="deleted-segment-count"]')?.dataset.count === String(n), current.deleted);
});

await test('refresh=5s: a snapshot URL a collector rewrites is fetched again; the what-if stays; a failed refresh keeps what is shown', async (page) => {
  // `tierlens collect --out` renames a complete file into place; the test does the same.
  const live = `${SCALE}/live`;
  fs.mkdirSync(live, { recursive: true });
  const demo = JSON.parse(fs.readFileSync(DEMO, 'utf8'));
  const write = (cluster) => {
    fs.writeFileSync(`${live}/snap.json.tmp`, JSON.stringify({ ...demo, cluster }));
    fs.renameSync(`${live}/snap.json.tmp`, `${live}/snap.json`);
  };
  const expected = planTotals(cli('plan', DEMO, '--set', `${TOPIC}:retention.ms=${DAY}`, '--json'), TOPIC);
  const cluster = () => page.textContent('.topbar .dataset strong');
  write('collector-run-1');
  await page.goto(`${base}?snapshot=scale/live/snap.json&refresh=5s&topic=${TOPIC}&retention.ms=${DAY}`);
  await page.waitForSelector('[data-testid="deleted-segment-count"]');
  assertEq(await cluster(), 'collector-run-1', 'first load');
  assertEq(await attr(page, 'refresh', 'data-every-ms'), '5000', 'the interval shown');
  assertEq(await countOf(page, 'deleted-segment-count'), expected.deleted, 'what-if deletions');

  write('collector-run-2');
  await page.waitForFunction(() => document.querySelector('.topbar .dataset strong')?.textContent === 'collector-run-2', null, { timeout: 15000 });
  assertEq(await countOf(page, 'deleted-segment-count'), expected.deleted, 'the what-if survives the refresh');
  assert(page.url().includes(`retention.ms=${DAY}`), `what-if in the URL: ${page.url()}`);
  await page.screenshot({ path: `${SHOTS}/refresh.png` });

  // The collector's file gone for a while: the error shows, the snapshot stays, and the next
  // refresh after it is back recovers.
  page.allowedErrors.push(/Failed to load resource: the server responded with a status of 404/);
  fs.rmSync(`${live}/snap.json`);
  await page.waitForSelector('[data-testid="load-error"]', { timeout: 15000 });
  assert((await page.textContent('[data-testid="load-error"]')).includes('HTTP 404'), 'a 404 is named');
  assertEq(await cluster(), 'collector-run-2', 'the snapshot stays after a failed refresh');
  assertEq(await countOf(page, 'deleted-segment-count'), expected.deleted, 'the what-if stays after a failed refresh');
  write('collector-run-3');
  await page.waitForFunction(() => document.querySelector('.topbar .dataset strong')?.textContent === 'collector-run-3', null, { timeout: 15000 });
  assertEq(await page.$('[data-testid="load-error"]'), null, 'the error is gone once a refresh succeeds');

  // A value that is no interval is said, not silently ignored.
  const bad = await newPage(browser);
  await bad.goto(`${base}?refresh=1s`);
  await bad.waitForSelector('[data-testid="refresh"]');
  assert((await bad.textContent('[data-testid="refresh"]')).includes('at least 5s'), 'too short');
  await bad.context().close();
});

await test('time travel and version profiles change the plan as the engine does', async (page) => {
  const now = demoJson.capturedAtMs + 7 * DAY;
  const expected = planTotals(cli('plan', DEMO, '--now', String(now), '--kafka-version', '3.9.0', '--json'));
  await page.goto(`${base}?now=${now}&kafka.version=3.8.1-3.9.0`);
  await page.waitForSelector('[data-testid="cluster-deleted-segment-count"]');
  assertEq(await countOf(page, 'cluster-deleted-segment-count'), expected.deleted, 'deletions a week later on 3.9');
  assertEq(await bytesOf(page, 'cluster-bytes-freed'), expected.freed, 'bytes a week later on 3.9');
  assert((await page.textContent('[data-testid="profile-note"]')).includes('3.8.1-3.9.0'), 'the profile is named');
});

await test('slider moves recompute and redraw within a frame', async (page) => {
  await page.goto(`${base}?topic=orders&partition=0`);
  await page.waitForSelector('[data-testid="partition-detail"] canvas');
  const slider = page.locator('[data-testid="slider-retention.ms"]');
  await slider.focus();
  // Back and forth over 20 positions, one keypress every 30 ms.
  const sweep = async (n) => {
    for (let i = 0; i < n; i++) {
      await page.keyboard.press(i % 40 < 20 ? 'ArrowLeft' : 'ArrowRight');
      await page.waitForTimeout(30);
    }
  };
  // The first moves run cold (JIT, first large-mode draws); measure the moves after them.
  await sweep(10);
  await page.waitForTimeout(200);
  await page.evaluate(() => { window.__tierlensPerf = []; window.__tierlensPhases = {}; });
  await sweep(80);
  await page.waitForTimeout(300);
  const times = await page.evaluate(() => window.__tierlensPerf);
  assert(times.length >= 40, `measured ${times.length} updates`);
  times.sort((a, b) => a - b);
  const p = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(2);
  console.log(`     slider recompute+redraw over ${times.length} moves: median ${p(0.5)} ms, p95 ${p(0.95)} ms, max ${p(1)} ms`);
  const phases = await page.evaluate(() => window.__tierlensPhases);
  for (const [k, v] of Object.entries(phases)) {
    v.sort((a, b) => a - b);
    console.log(`       ${k}: median ${v[Math.floor(v.length / 2)].toFixed(2)} ms over ${v.length}`);
  }
  fs.writeFileSync(`${SHOTS}/slider-timing.json`, JSON.stringify({ median: +p(0.5), p95: +p(0.95), max: +p(1), n: times.length }));
});

await test('a slow snapshot shows its progress and can be cancelled, keeping what was shown', async (page) => {
  await page.goto(base);
  await page.waitForSelector('[data-testid="remote-size-total"]');
  await page.click('.load-panel summary');
  // The demo again, 64 KiB every 100 ms: long enough to watch and cancel.
  await page.fill('#snapshot-url', 'slow/demo-snapshot.json');
  await page.press('#snapshot-url', 'Enter');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="load-progress-text"]')?.dataset.segments) > 0);
  const text = await page.textContent('[data-testid="load-progress-text"]');
  assert(/ of \d+(\.\d+)? (KiB|MiB) · [\d,]+ segments?$/.test(text.trim()), `progress names bytes of the total and segments: ${text}`);
  const value = Number(await page.getAttribute('[data-testid="load-progress"]', 'value'));
  assert(value > 0 && value < 1, `the bar is part-way: ${value}`);
  await page.locator('[data-testid="loading"]').screenshot({ path: `${SHOTS}/load-progress-banner.png` });
  await page.locator('.load-panel').screenshot({ path: `${SHOTS}/load-progress-panel.png` });
  // Cancel where the load was started, in the panel.
  await page.click('.load-panel [data-testid="load-cancel"]');
  const msg = await page.textContent('[data-testid="load-cancelled"]');
  assert(msg.includes('slow/demo-snapshot.json') && msg.includes('cancelled') && msg.includes('still shown'), `cancelled: ${msg}`);
  assertEq(await bytesOf(page, 'remote-size-total'), demoTotals.remote, 'the demo is still shown');
  assertEq(await page.locator('[data-testid="load-progress"]').count(), 0, 'no progress bar after cancelling');
});

// The scroll container of a virtualized table, and where a row sits in it.
const scroller = (page, testid) => page.locator(`[data-testid="${testid}"]`).locator('xpath=ancestor::div[contains(@class, "virtual")][1]');
const inView = (row) => row.evaluate((tr) => {
  const box = tr.closest('.virtual').getBoundingClientRect();
  const r = tr.getBoundingClientRect();
  return r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5 && r.height > 0;
});

await test('10,000 partitions: only the rows in view are rendered; scroll, Tab, select and sort still work', async (page) => {
  const plan = cli('plan', `${SCALE}/${WIDE}`, '--json');
  assertEq(plan.partitions.length, 10000, 'partitions in the generated snapshot');
  const topic = plan.partitions[0].topic;
  const started = Date.now();
  await page.goto(`${base}?snapshot=scale/${WIDE}&topic=${topic}`);
  await page.waitForSelector('[data-testid="partition-link"]', { timeout: 30000 });
  console.log(`     topic view with 10,000 partitions on screen after ${Date.now() - started} ms (load included)`);
  const table = page.locator('[data-testid="partitions-table"]');
  const trs = () => table.locator('tr').count();
  const n = await trs();
  assert(n < 60, `far fewer <tr> than 10,000: ${n}`);
  assertEq(await table.getAttribute('aria-rowcount'), '10001', 'aria-rowcount (header + every partition)');
  assertEq(await table.locator('tr[data-partition]').first().getAttribute('data-partition'), '0', 'first row');

  // Tab walks past the rows first rendered: focusing a link scrolls it into view.
  await table.locator('[data-testid="partition-link"]').first().focus();
  for (let i = 0; i < n + 10; i++) await page.keyboard.press('Tab');
  const focused = await page.evaluate(() => document.activeElement?.closest('tr')?.dataset.partition);
  assertEq(focused, String(n + 10), 'Tab reaches the rows below the first screenful');

  // The scrollbar is true: its end is the last partition.
  const box = scroller(page, 'partitions-table');
  await box.evaluate((el) => { el.scrollTop = el.scrollHeight; });
  const last = table.locator('tr[data-partition="9999"]');
  await last.waitFor();
  assert(await inView(last), 'partition 9999 is visible at the end of the scroll');
  assert(await trs() < 60, `still few rows at the end: ${await trs()}`);
  await last.locator('[data-testid="partition-link"]').click();
  await page.waitForFunction(() => location.search.includes('partition=9999'));
  await page.waitForSelector('[data-testid="partitions-table"] tr.selected[data-partition="9999"]');

  // Sort by size (largest first): rows are shown, in order, and the selected one stays in view.
  const sizes = () => table.locator('tr[data-partition] td:nth-child(2) [data-bytes]').evaluateAll((xs) => xs.map((x) => Number(x.dataset.bytes)));
  await table.locator('th:nth-child(2) button').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="partitions-table"] th:nth-child(2)').getAttribute('aria-sort') === 'descending');
  await page.waitForSelector('[data-testid="partitions-table"] tr.selected[data-partition="9999"]');
  assert(await inView(table.locator('tr.selected')), 'the selected partition is scrolled into view after sorting');
  let shown = await sizes();
  assert(shown.length > 10 && shown.length < 60, `rows shown after sorting: ${shown.length}`);
  assert(shown.every((b, i) => i === 0 || shown[i - 1] >= b), `sizes descend: ${shown.slice(0, 5)}`);
  await box.evaluate((el) => { el.scrollTop = 0; });
  await page.waitForFunction(() => document.querySelector('[data-testid="partitions-table"] tr[aria-rowindex="2"]'));
  shown = await sizes();
  assertEq(shown[0], Math.max(...plan.partitions.map((p) => p.remoteLogSizeBytes)), 'largest partition first');
  await page.screenshot({ path: `${SHOTS}/topic-10000-partitions.png` });
});

await test('150 topics: the overview chart groups the small topics; the topics table stays short', async (page) => {
  await page.goto(`${base}?snapshot=scale/${MANY}`);
  await page.waitForSelector('[data-testid="topic-link"]', { timeout: 30000 });
  assertEq(await countOf(page, 'topic-count'), 150, 'topic count');
  await page.waitForSelector('.chart canvas');
  // The option ECharts holds: 15 topics and one "other" bar.
  const opt = await page.evaluate(() => {
    const o = echarts.getInstanceByDom(document.querySelector('.chart')).getOption();
    return { categories: o.yAxis[0].data, otherLabel: o.series[0].data[15]?.label?.formatter };
  });
  assertEq(opt.categories.length, 16, 'bars in "Remote bytes per topic"');
  assertEq(opt.categories[15], 'other (135 topics)', 'the last bar');
  // It is far longer than any topic, so it is cut at the axis end with its total on it.
  assert(/^\d+\.\d\d TiB ▸$/.test(opt.otherLabel), `total on the "other" bar: ${opt.otherLabel}`);
  const table = page.locator('[data-testid="topics-table"]');
  const n = await table.locator('tr').count();
  assert(n < 60, `far fewer <tr> than 150: ${n}`);
  await page.screenshot({ path: `${SHOTS}/overview-150-topics.png`, fullPage: true });
  // The last topic is reachable and opens.
  await scroller(page, 'topics-table').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await page.click('[data-testid="topic-link"]:text-is("topic-0149")');
  await page.waitForSelector('[data-testid="topic-name"]:text-is("topic-0149")');
});

await test('200,000 segments in one partition: one range per pixel, zoom re-queries down to single segments, a virtual table', async (page) => {
  const size = cli('size', `${SCALE}/${DEEP}`, '--json');
  const topic = size.topics[0].topic;
  let started = Date.now();
  await page.goto(`${base}?snapshot=scale/${DEEP}&topic=${topic}&partition=0`);
  await page.waitForSelector('[data-testid="partition-detail"] canvas', { timeout: 60000 });
  const note = page.locator('[data-testid="timeline-note"]');
  await page.waitForFunction(() => /drawn as [\d,]+ ranges/.test(document.querySelector('[data-testid="timeline-note"]')?.textContent ?? ''), null, { timeout: 60000 });
  console.log(`     timeline of 200,000 segments on screen after ${Date.now() - started} ms (load included)`);
  const [inView, ranges] = (await note.textContent()).match(/^([\d,]+) segments in this range, drawn as ([\d,]+) ranges/).slice(1).map((x) => Number(x.replaceAll(',', '')));
  assertEq(inView, 200000, 'segments in the unzoomed range');
  // What ECharts holds: bars (3 points each in the line layers) and hover targets (3 per bar).
  const drawn = () => page.evaluate(() => {
    const el = document.querySelector('[data-testid="partition-detail"] .chart');
    const o = echarts.getInstanceByDom(el).getOption();
    const lines = o.series.filter((s) => s.type === 'line');
    // Bars per row of one colour layer: [x0, row], [x1, row], '-'.
    let perRow = 0;
    for (const s of lines) {
      const count = {};
      for (let i = 0; i + 2 < (s.data?.length ?? 0); i += 3) count[s.data[i][1]] = (count[s.data[i][1]] ?? 0) + 1;
      perRow = Math.max(perRow, ...Object.values(count), 0);
    }
    const hover = o.series.filter((s) => s.symbol === 'rect').flatMap((s) => s.data ?? []);
    return {
      bars: lines.reduce((n, s) => n + (s.data?.length ?? 0), 0) / 3, perRow, rows: o.yAxis[0].data.length,
      names: hover.map((h) => h.name), width: el.clientWidth, x: [o.xAxis[0].min, o.xAxis[0].max],
    };
  });
  const d = await drawn();
  assertEq(d.bars, ranges, 'bars drawn = ranges in the note');
  assert(d.perRow <= d.width, `at most one bar per pixel in a row of one colour: ${d.perRow} in ${d.width} px`);
  assert(d.rows <= 32 * 4, `epochs banded into readable rows: ${d.rows}`);
  assert(d.names.every((n) => /segments in this pixel|^segment /.test(n)), `grouped tooltips: ${d.names[0]}`);
  const counted = d.names.filter((_, i) => i % 3 === 0).reduce((n, t) => n + (t.startsWith('segment ') ? 1 : Number(t.split(' ')[0])), 0);
  assertEq(counted, 200000, 'the grouped tooltips count every segment once');
  await page.locator('[data-testid="partition-detail"]').screenshot({ path: `${SHOTS}/timeline-200000.png` });

  // Zoom to 1/20,000 of the range (~10 segments): the chart re-queries and draws single segments.
  const [lo, hi] = d.x;
  const mid = lo + (hi - lo) / 2;
  started = Date.now();
  await page.evaluate(([a, b]) => {
    echarts.getInstanceByDom(document.querySelector('[data-testid="partition-detail"] .chart')).dispatchAction({ type: 'dataZoom', dataZoomIndex: 0, startValue: a, endValue: b });
  }, [mid, mid + (hi - lo) / 20000]);
  await page.waitForFunction(() => document.querySelector('[data-testid="timeline-note"]').textContent === '', null, { timeout: 30000 });
  console.log(`     zoomed in: single segments drawn ${Date.now() - started} ms after the zoom (150 ms settle included)`);
  const z = await drawn();
  assert(z.bars > 0 && z.bars < 100, `single segments in and around the zoom: ${z.bars}`);
  assert(z.names.every((n) => n.startsWith('segment ') && /\n(kept|deleted): /.test(n)), `a tooltip per segment with its explanation: ${z.names[0]}`);
  await page.locator('[data-testid="partition-detail"]').screenshot({ path: `${SHOTS}/timeline-200000-zoomed.png` });

  // The table: 200,000 rows, few in the DOM, each with its explanation.
  await page.click('[data-testid="partition-detail"] details summary');
  const table = page.locator('[data-testid="segments-table"]');
  await table.locator('td.why').first().waitFor();
  assertEq(await table.getAttribute('aria-rowcount'), '200001', 'aria-rowcount (header + every segment)');
  const n = await table.locator('tr').count();
  assert(n < 80, `far fewer <tr> than 200,000: ${n}`);
  assert(/^(kept|deleted): /.test(await table.locator('td.why').first().textContent()), 'first row explains itself');
  await scroller(page, 'segments-table').evaluate((el) => { el.scrollTop = el.scrollHeight; });
  await table.locator('tr[aria-rowindex="200001"]').waitFor();
});
await forecastTests({ test, base, cli, DEMO, SHOTS });
await leaksTests({ test, base, cli, SCALE, SHOTS });
await embedTests({ test, base });

await browser.close();
server.close();
const failed = results.filter((r) => !r.ok);
console.log(`\n${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
