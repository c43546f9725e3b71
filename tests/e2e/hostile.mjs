// Hostile snapshot text (topic names, segment ids, config keys) in every view, chart, table,
// tooltip, the CSV and the kafka-configs command: always text, never markup, and nothing is
// requested from outside the page. Registered by run.mjs.
import fs from 'node:fs';
import { assert, assertEq } from './harness.mjs';

const MARKUP = '<img src=https://evil.example/x onerror="window.__xss=1">';
// Quotes, a closing script tag, markup, an RTL override and a shell metacharacter.
export const EVIL_TOPIC = `evil'"</script>${MARKUP}\u202Egnp.exe;rm -rf ~`;
export const LONG_TOPIC = `long-${'x'.repeat(10 * 1024)}`;
const EVIL_ID = '<img src=x onerror="window.__xss=2">';
// How the page shows EVIL_TOPIC: the RTL override made visible, so it cannot reorder text.
const EVIL_SHOWN = EVIL_TOPIC.replace('\u202E', '⟦U+202E⟧');

/** `demo` with its first topic renamed to EVIL_TOPIC (first segment id EVIL_ID, a hostile
 *  unknown config key) and its second to LONG_TOPIC. */
export function hostileSnapshot(demo) {
  const snap = structuredClone(demo);
  snap.topics = snap.topics.slice(0, 2);
  const [a, b] = snap.topics;
  a.name = EVIL_TOPIC;
  a.config = { ...(a.config ?? {}), [MARKUP]: 5 };
  a.partitions[0].segments[0].id = EVIL_ID;
  b.name = LONG_TOPIC;
  return snap;
}

/** What a page did that it must not: injected code that ran, elements it made, requests that
 *  left the page's origin or followed injected markup. */
async function leaks(page, origin, requests) {
  const xss = await page.evaluate(() => window.__xss);
  const imgs = await page.locator('img[src="x"], img[src^="https://evil"]').count();
  const outside = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
  const injected = requests.filter((u) => /\/x$|evil\.example/.test(u));
  return { xss, imgs, outside, injected };
}

export async function hostileTests({ test, base, demoJson, SHOTS }) {
  await test('hostile text renders as text in every view, chart, tooltip, table, CSV and command', async (page) => {
    const origin = new URL(base).origin;
    const requests = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(base);
    await page.waitForSelector('[data-testid="remote-size-total"]');
    await page.click('.load-panel summary');
    await page.fill('[data-testid="paste-input"]', JSON.stringify(hostileSnapshot(demoJson)));
    await page.click('[data-testid="paste-load"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="topic-count"]')?.dataset.count === '2');

    const hoverCharts = async () => {
      for (const c of await page.$$('.chart canvas')) {
        const box = await c.boundingBox();
        if (!box) continue;
        for (let x = 0.05; x < 1; x += 0.1) {
          for (const y of [0.3, 0.5, 0.7]) await page.mouse.move(box.x + box.width * x, box.y + box.height * y);
        }
      }
    };
    // Every string ECharts holds is text without markup (tooltips are rich text; `<` would
    // only be a problem in HTML mode, but none should reach it at all).
    const chartStrings = () => page.evaluate(() => {
      const out = [];
      const walk = (v) => {
        if (typeof v === 'string') out.push(v);
        else if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === 'object') Object.values(v).forEach(walk);
      };
      for (const el of document.querySelectorAll('.chart')) {
        const c = echarts.getInstanceByDom(el);
        if (c) walk(c.getOption());
      }
      return out;
    });

    // Overview: the topics table, the charts (labels, legend, tooltips).
    await page.waitForSelector(`[data-testid="topic-link"]`);
    const links = await page.locator('[data-testid="topic-link"]').allTextContents();
    assert(links.includes(EVIL_SHOWN), `the topic name is shown as text, its RTL override visible: ${JSON.stringify(links.map((l) => l.slice(0, 60)))}`);
    assert(links.every((l) => !l.includes('\u202E')), 'no raw RTL override on the page');
    const warnings = await page.locator('.warnings li').allTextContents();
    assert(warnings.some((w) => w.includes(EVIL_SHOWN)), `a warning names the topic, visibly: ${warnings[0]?.slice(0, 120)}`);
    assert(links.includes(LONG_TOPIC), 'the 10 KB topic name is shown whole');
    await hoverCharts();
    const strings = await chartStrings();
    assert(strings.some((s) => s.includes('⟦U+202E⟧gnp.exe')), 'the hostile topic reaches the chart as text, its RTL override visible');
    assert(strings.every((s) => !s.includes('\u202E')), 'no raw RTL override in a chart');
    assert(strings.every((s) => !s.includes('<img')), 'no markup in any chart string');
    // A 10 KB name does not push the page sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(overflow <= 1, `the page does not scroll sideways (${overflow} px)`);
    await page.screenshot({ path: `${SHOTS}/hostile-overview.png`, fullPage: true });

    // The hostile topic: what-if, the command (shell-quoted), the CSV (quoted).
    await page.locator('[data-testid="topic-link"]').filter({ hasText: 'gnp.exe' }).click();
    await page.waitForSelector('[data-testid="topic-name"]');
    assertEq(await page.textContent('[data-testid="topic-name"]'), EVIL_SHOWN, 'topic title');
    assertEq(await page.getAttribute('[data-testid="topic-name"]', 'title'), EVIL_TOPIC, 'the exact name in the title');
    await page.fill('[data-testid="input-retention.ms"]', '1d');
    await page.press('[data-testid="input-retention.ms"]', 'Enter');
    await page.waitForSelector('[data-testid="kafka-configs-command"]');
    const cmd = await page.textContent('[data-testid="kafka-configs-command"]');
    const quoted = `'${EVIL_TOPIC.replaceAll("'", "'\\''")}'`;
    assert(cmd.includes(`--entity-name ${quoted} --add-config`), `the command single-quotes the name: ${cmd.slice(0, 200)}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="download-csv"]')]);
    const csv = fs.readFileSync(await download.path(), 'utf8');
    const csvField = `"${EVIL_TOPIC.replaceAll('"', '""')}"`;
    assert(csv.includes(`${csvField},`), `the CSV quotes the name: ${csv.split('\n')[1]?.slice(0, 200)}`);

    // Its partition 0: the timeline's tooltips and the segments table show the hostile id.
    await page.click('[data-testid="partition-link"] >> nth=0');
    await page.waitForSelector('[data-testid="partition-detail"] canvas');
    await hoverCharts();
    assert((await chartStrings()).some((s) => s.includes('onerror')), 'the hostile id reaches the tooltips as text');
    assert((await chartStrings()).every((s) => !s.includes('<img')), 'no markup in the timeline');
    await page.click('[data-testid="partition-detail"] details summary');
    const ids = await page.locator('[data-testid="segments-table"] td.mono:first-child').allTextContents();
    assert(ids.includes(EVIL_ID), `the hostile id is a table cell's text: ${ids.slice(0, 3)}`);
    await page.screenshot({ path: `${SHOTS}/hostile-partition.png`, fullPage: true });

    // The 10 KB topic's own view.
    await page.click('[data-testid="back"]');
    await page.locator('[data-testid="topic-link"]').filter({ hasText: 'long-xxx' }).click();
    await page.waitForSelector('[data-testid="topic-name"]');
    assertEq((await page.textContent('[data-testid="topic-name"]')).length, LONG_TOPIC.length, 'the long title, whole');
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert(sideways <= 1, `the topic view does not scroll sideways (${sideways} px)`);
    await page.screenshot({ path: `${SHOTS}/hostile-long-topic.png` });

    const l = await leaks(page, origin, requests);
    assertEq(l.xss, undefined, 'no injected handler ran');
    assertEq(l.imgs, 0, 'no injected element');
    assert(l.outside.length === 0, `nothing requested outside the page: ${l.outside}`);
    assert(l.injected.length === 0, `nothing requested by injected markup: ${l.injected}`);
  });
}
