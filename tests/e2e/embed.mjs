// End-to-end tests of embedding: embed mode and the URL API, the postMessage API driven by
// the example host page from another origin (docs/embed-api.md), snapshot URL errors and
// credentials, and the Content-Security-Policy every page is served with.
// Registered by run.mjs: `await embedTests({ test, base })`.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import { serve, assert, assertEq, CSP, CSP_ERROR } from './harness.mjs';

const DEMO = 'public/demo-snapshot.json';
const SHOTS = 'tests/e2e/screenshots';
const TOPIC = 'payments.v2';
const DAY = 86400000;

function cli(...args) {
  const out = execFileSync('target/release/tierlens', args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(out);
}
const sum = (xs, f) => xs.reduce((a, x) => a + f(x), 0);
const totals = (plan, topic) => {
  const ps = plan.partitions.filter((p) => topic === undefined || p.topic === topic);
  return { remote: sum(ps, (p) => p.remoteLogSizeBytes), deleted: sum(ps, (p) => p.deletions.length), freed: sum(ps, (p) => p.bytesFreed) };
};
const bytesOf = (loc) => loc.getAttribute('data-bytes').then(Number);

/** A server of the demo snapshot that records the Cookie header of each request and allows
 *  `origin` with credentials (CORS), so a test can see whether a load carried credentials. */
function cookieServer(origin) {
  const seen = [];
  const body = fs.readFileSync(DEMO);
  const server = http.createServer((req, res) => {
    seen.push(req.headers.cookie ?? null);
    res.writeHead(200, {
      'content-type': 'application/json',
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
    });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, seen })));
}

export async function embedTests({ test, base }) {
  const appOrigin = new URL(base).origin;
  // The host page's origin (the example page, served from a copy of the bundle) and a third
  // origin that is not allowed.
  const hostServer = await serve('dist', '/host/');
  const hostBase = `http://127.0.0.1:${hostServer.address().port}/host/`;
  const hostOrigin = new URL(hostBase).origin;
  const otherServer = await serve('tests/e2e/fixtures', '/other/');
  const otherBase = `http://127.0.0.1:${otherServer.address().port}/other/`;
  const otherOrigin = new URL(otherBase).origin;
  const demoPlan = cli('plan', DEMO, '--json');
  const demo = totals(demoPlan);

  // The example host page embedding the bundle at `base`; resolves when tierlens said `ready`.
  const openHost = async (page, query = '') => {
    await page.goto(`${hostBase}embed-example.html?app=${encodeURIComponent(base)}${query}`);
    await page.waitForFunction(() => window.tierlensHost?.ready === true);
    const app = page.frameLocator('[data-testid="host-iframe"]');
    await app.locator('[data-testid="remote-size-total"]').waitFor();
    return app;
  };
  const appFrame = (page) => page.frames().find((f) => f.url().startsWith(base));
  // Posts a raw message from the host page and waits for the reply with `id`.
  const rawRequest = (page, msg) => page.evaluate(async ([m, target]) => {
    document.getElementById('tierlens').contentWindow.postMessage(m, target);
    for (let i = 0; i < 200; i++) {
      const r = window.tierlensHost.messages.find((x) => x.msg.type === 'reply' && x.msg.id === m.id);
      if (r) return r.msg;
      await new Promise((ok) => setTimeout(ok, 25));
    }
    return null;
  }, [msg, appOrigin]);

  try {
    await test('embed mode: no header or load panel; view and theme from the URL', async (page) => {
      const resp = await page.goto(`${base}?embed=1&view=forecast`);
      assertEq(resp.headers()['content-security-policy'], CSP, 'the page is served with the CSP');
      const panel = await page.textContent('[data-testid="forecast-summary"]');
      assert(/will hold|holds/.test(panel), `forecast summary: ${panel}`);
      assertEq(await page.locator('.topbar').count(), 0, 'no header in embed mode');
      assertEq(await page.locator('.load-panel').count(), 0, 'no load panel in embed mode');
      assertEq(await page.evaluate(() => getComputedStyle(document.body).minWidth), '0px', 'the page fits any iframe width');
      // Without embed=1 the chrome is there (the test above could not pass by accident).
      await page.goto(`${base}?view=forecast`);
      await page.waitForSelector('[data-testid="forecast-summary"]');
      assertEq(await page.locator('.topbar').count(), 1, 'header without embed');
      assertEq(await page.locator('.load-panel').count(), 1, 'load panel without embed');

      // view=overview wins over a selected topic; theme=dark darkens the page.
      await page.goto(`${base}?embed=1&view=overview&topic=${TOPIC}&theme=dark`);
      await page.waitForSelector('[data-testid="topics-table"]');
      assertEq(await page.locator('[data-testid="topic-name"]').count(), 0, 'no topic view under view=overview');
      assertEq(await page.getAttribute('html', 'data-theme'), 'dark', 'theme on <html>');
      assertEq(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(18, 22, 29)', 'dark background');
      assertEq(await bytesOf(page.locator('[data-testid="remote-size-total"]')), demo.remote, 'totals in embed mode');

      // view=partition: the timeline alone.
      await page.goto(`${base}?embed=1&view=partition&topic=${TOPIC}&partition=1&theme=light`);
      await page.waitForSelector('[data-testid="partition-view"] canvas');
      assertEq(await page.locator('[data-testid="partitions-table"]').count(), 0, 'no partitions table under view=partition');
      assertEq(await page.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(246, 247, 249)', 'light background');

      // An unknown view is named, and the default view shown.
      await page.goto(`${base}?embed=1&view=graph&topic=${TOPIC}`);
      const note = await page.textContent('[data-testid="unknown-view"]');
      assert(note.includes('"graph"'), `unknown view named: ${note}`);
      await page.waitForSelector('[data-testid="topic-name"]');

      await page.setViewportSize({ width: 900, height: 900 });
      await page.goto(`${base}?embed=1&view=topic&topic=${TOPIC}&partition=1&retention.ms=${DAY}`);
      await page.waitForSelector('[data-testid="partition-detail"] canvas');
      await page.waitForTimeout(500);
      await page.screenshot({ path: `${SHOTS}/embed-mode.png`, fullPage: true });
    });

    await test('postMessage: the allowed host loads a snapshot, sets a policy and hears changes', async (page) => {
      const app = await openHost(page);
      // Loaded through the example page's own controls: a URL tierlens fetches.
      await page.click('[data-testid="host-load"]');
      await page.waitForFunction(() => /segments/.test(document.querySelector('[data-testid="host-load-result"]').textContent));
      const lastReply = (request) => page.evaluate((r) => window.tierlensHost.messages.filter((m) => m.msg.type === 'reply' && m.msg.request === r).at(-1)?.msg, request);
      const load = await lastReply('load');
      assertEq(load.ok, true, 'load ok');
      assert(/^host-\d+$/.test(load.id), `the reply carries the request id: ${load.id}`);
      assertEq(load.result.sizes.cluster.remoteLogSizeBytes, demo.remote, 'remote size in the reply (engine)');
      assertEq(load.result.current.cluster.segmentsDeleted, demo.deleted, 'next run deletions in the reply');
      assertEq(load.result.dataset.origin, 'demo-snapshot.json', 'dataset origin');

      // A policy for one topic: computed, returned and shown in the iframe.
      const expectedPlan = cli('plan', DEMO, '--set', `${TOPIC}:retention.ms=${DAY}`, '--json');
      const expected = totals(expectedPlan, TOPIC);
      assert(expected.deleted > totals(demoPlan, TOPIC).deleted, '1d deletes more than the current config');
      await page.selectOption('#topic', TOPIC);
      await page.fill('#retention-ms', '1d');
      await page.click('[data-testid="host-plan"]');
      await page.waitForSelector('[data-testid="host-plan-result"] table');
      const plan = await lastReply('plan');
      assertEq(plan.ok, true, 'plan ok');
      assertEq(plan.result.applied, true, 'a one-topic policy is shown on the page');
      assertEq(plan.result.overrides[TOPIC]['retention.ms'], DAY, 'overrides echoed');
      const t = plan.result.proposed.topics.find((x) => x.topic === TOPIC);
      assertEq(t.segmentsDeleted, expected.deleted, 'proposed deletions (topic)');
      assertEq(t.bytesFreed, expected.freed, 'proposed bytes freed (topic)');
      assertEq(plan.result.proposed.cluster.segmentsDeleted, sum(expectedPlan.partitions, (p) => p.deletions.length), 'proposed deletions (cluster)');
      const mine = expectedPlan.partitions.filter((p) => p.topic === TOPIC);
      assertEq(plan.result.partitions.length, mine.length, 'one entry per partition of the topic');
      for (const [i, p] of mine.entries()) {
        const got = plan.result.partitions[i];
        assertEq(got.logStartOffsetAfter, p.logStartOffsetAfter, `log start offset after, partition ${p.partition}`);
        assertEq(JSON.stringify(got.deletions.map((d) => d.id)), JSON.stringify(p.deletions.map((d) => d.id)), `deleted segments, partition ${p.partition}`);
      }
      await app.locator(`[data-testid="deleted-segment-count"][data-count="${expected.deleted}"]`).waitFor();
      assertEq(await bytesOf(app.locator('[data-testid="bytes-freed"]')), expected.freed, 'the iframe shows the policy');
      await page.waitForFunction((d) => window.tierlensHost.lastSettings?.source === 'host'
        && window.tierlensHost.lastSettings.settings['retention.ms'] === d, DAY);
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${SHOTS}/embed-example.png`, fullPage: true });

      // The user changes a setting inside the iframe: the host hears it.
      await app.locator('[data-testid="back"]').click();
      await page.waitForFunction(() => window.tierlensHost.lastSettings?.source === 'user'
        && window.tierlensHost.lastSettings.settings.topic === null);
      const text = await page.textContent('[data-testid="host-last-change"]');
      assert(text.startsWith('Settings changed by the user: topic (none)'), `shown on the host page: ${text}`);
      // Another: the UTC checkbox.
      await app.locator('.utc input').check();
      await page.waitForFunction(() => window.tierlensHost.lastSettings?.settings.utc === true);

      // A settings request switches the view; the reply and the event say so.
      const set = await page.evaluate(() => window.tierlensHost.request('settings', { settings: { view: 'forecast' } }));
      assertEq(set.ok && set.result.settings.view, 'forecast', 'settings reply');
      await app.locator('[data-testid="forecast-summary"]').waitFor();
      await page.waitForFunction(() => window.tierlensHost.lastSettings?.settings.view === 'forecast' && window.tierlensHost.lastSettings.source === 'host');

      const status = await page.evaluate(() => window.tierlensHost.request('status'));
      assertEq(status.ok, true, 'status ok');
      assertEq(status.result.ignoredMessages, 0, 'nothing ignored');
      assertEq(JSON.stringify(status.result.allowOrigins), JSON.stringify([hostOrigin]), 'allow-list');
      assertEq(status.result.dataset.segments, sum(JSON.parse(fs.readFileSync(DEMO, 'utf8')).topics, (x) => sum(x.partitions, (p) => p.segments.length)), 'dataset in the status');
    });

    await test('postMessage: a pushed snapshot object, typed errors, and a failed load keeps the data', async (page) => {
      page.allowedErrors.push(/Failed to load resource: the server responded with a status of 404/);
      const app = await openHost(page);
      const snap = JSON.parse(fs.readFileSync(DEMO, 'utf8'));
      snap.cluster = 'pushed-by-host';
      snap.topics = snap.topics.filter((x) => x.name === TOPIC);
      const load = await page.evaluate((s) => window.tierlensHost.request('load', { snapshot: s }), snap);
      assertEq(load.ok, true, `object load: ${JSON.stringify(load.error)}`);
      assertEq(load.result.dataset.cluster, 'pushed-by-host', 'the pushed snapshot');
      assertEq(load.result.dataset.origin, `snapshot from ${hostOrigin}`, 'named after the sender');
      await app.locator('[data-testid="topic-count"][data-count="1"]').waitFor();

      const err = async (type, body) => {
        const r = await page.evaluate(([t, b]) => window.tierlensHost.request(t, b), [type, body]);
        assertEq(r.ok, false, `${type} fails`);
        return r.error;
      };
      assertEq((await err('plan', { policy: { topics: { nope: { 'retention.ms': '1d' } } } })).code, 'unknown-topic', 'unknown topic');
      assertEq((await err('plan', { policy: { topics: { [TOPIC]: { 'retention.ms': 'soon' } } } })).code, 'bad-value', 'bad value');
      assertEq((await err('explode', {})).code, 'unknown-type', 'unknown type');
      assertEq((await err('settings', { settings: { view: 'graph' } })).code, 'bad-value', 'bad view');
      assertEq((await err('load', {})).code, 'bad-message', 'load without a source');
      const v2 = await rawRequest(page, { tierlens: 2, type: 'status', id: 'v2' });
      assertEq(v2?.error?.code, 'unsupported-version', 'another protocol version');
      const weird = await rawRequest(page, { tierlens: 1, type: 'plan', id: 'w', policy: { topics: { [TOPIC]: { 'retention.ms': 1e300 } } } });
      assertEq(weird?.error?.code, 'bad-value', 'an absurd number');

      // A failed load names the URL and status, and the pushed snapshot stays.
      const missing = await err('load', { url: 'missing-snapshot.json' });
      assertEq(missing.code, 'load-failed', 'load-failed');
      assertEq(missing.detail.kind, 'status', 'detail.kind');
      assertEq(missing.detail.status, 404, 'detail.status');
      assert(missing.message.includes('missing-snapshot.json') && missing.message.includes('HTTP 404'), `message: ${missing.message}`);
      const broken = await err('load', { text: '{"format": "tierlens-snapshot", "version": 1, "topics": [' });
      assertEq(broken.detail.kind, 'parse', 'unparsable text');
      assertEq(await app.locator('[data-testid="topic-count"]').getAttribute('data-count'), '1', 'the pushed snapshot is still shown');
      const status = await page.evaluate(() => window.tierlensHost.request('status'));
      assertEq(status.result.dataset.cluster, 'pushed-by-host', 'status names the dataset kept');
      assertEq(status.result.lastError.detail.kind, 'parse', 'status has the last error');
    });

    await test('postMessage: messages from a disallowed origin are ignored and counted', async (page) => {
      await openHost(page);
      // A frame of a third origin inside the host page writes to tierlens' frame.
      await page.evaluate((url) => {
        const f = document.createElement('iframe');
        f.id = 'other';
        f.src = url;
        document.body.append(f);
      }, `${otherBase}blank.html`);
      const other = await (await page.$('#other')).contentFrame();
      await other.waitForLoadState();
      assertEq(new URL(other.url()).origin, otherOrigin, 'the third origin');
      await other.evaluate(() => {
        window.got = [];
        window.addEventListener('message', (e) => window.got.push(e.data));
        const t = parent.frames[0];
        t.postMessage({ tierlens: 1, type: 'load', id: 'evil-1', text: '{"format": "tierlens-snapshot", "version": 1, "capturedAtMs": 1, "topics": []}' }, '*');
        t.postMessage({ tierlens: 1, type: 'settings', id: 'evil-2', settings: { topic: 'orders', view: 'forecast' } }, '*');
        t.postMessage({ tierlens: 1, type: 'status', id: 'evil-3' }, '*');
      });
      const tl = appFrame(page);
      await tl.waitForFunction(() => window.__tierlensEmbed?.ignored === 3);
      const hook = await tl.evaluate(() => ({ ...window.__tierlensEmbed }));
      assertEq(hook.lastIgnoredOrigin, otherOrigin, 'the ignored origin is recorded');
      assertEq(hook.host, hostOrigin, 'the host is still the allowed page');
      await page.waitForTimeout(500);
      assertEq(await other.evaluate(() => window.got.length), 0, 'no reply to the disallowed origin');
      // Nothing was executed: same dataset, same settings.
      assertEq(await bytesOf(page.frameLocator('[data-testid="host-iframe"]').locator('[data-testid="remote-size-total"]')), demo.remote, 'the demo is still shown');
      assert(!/topic=|view=/.test(tl.url()), `settings unchanged: ${tl.url()}`);
      const status = await page.evaluate(() => window.tierlensHost.request('status'));
      assertEq(status.result.ignoredMessages, 3, 'the status counts them');
      assert(!(await page.evaluate(() => window.tierlensHost.messages.some((m) => String(m.msg.id).startsWith('evil')))), 'the host saw nothing of them');
    });

    await test('snapshot URLs: a 404 names the URL and the status; the demo stays', async (page) => {
      page.allowedErrors.push(/Failed to load resource: the server responded with a status of 404/);
      await page.goto(base);
      await page.waitForSelector('[data-testid="remote-size-total"]');
      await page.click('.load-panel summary');
      await page.fill('#snapshot-url', 'no-such-snapshot.json');
      await page.press('#snapshot-url', 'Enter');
      const msg = await page.textContent('[data-testid="load-error"]');
      assert(msg.includes('no-such-snapshot.json') && msg.includes('HTTP 404'), `404 message: ${msg}`);
      assert(msg.includes('previously loaded data is still shown'), `says the demo stays: ${msg}`);
      assertEq(await bytesOf(page.locator('[data-testid="remote-size-total"]')), demo.remote, 'the demo is still shown');
    });

    await test('snapshot URLs: a cross-origin URL without CORS headers says it is probably CORS', async (page) => {
      page.allowedErrors.push(/CORS policy|net::ERR_FAILED/);
      await page.goto(base);
      await page.waitForSelector('[data-testid="remote-size-total"]');
      const url = `${hostBase}demo-snapshot.json`;
      await page.click('.load-panel summary');
      await page.fill('#snapshot-url', url);
      await page.press('#snapshot-url', 'Enter');
      const msg = await page.textContent('[data-testid="load-error"]');
      assert(msg.includes(url), `names the URL: ${msg}`);
      assert(msg.includes('probably by CORS'), `says CORS: ${msg}`);
      assert(msg.includes(`Access-Control-Allow-Origin: ${appOrigin}`), `says what the server must send: ${msg}`);
      assertEq(await bytesOf(page.locator('[data-testid="remote-size-total"]')), demo.remote, 'the demo is still shown');
    });

    await test('snapshot URLs: no credentials unless credentials=include', async (page) => {
      const { server, seen } = await cookieServer(appOrigin);
      try {
        const url = `http://127.0.0.1:${server.address().port}/demo.json`;
        await page.goto(base);
        await page.waitForSelector('[data-testid="remote-size-total"]');
        // A cookie for 127.0.0.1 (cookies ignore the port): sent only with credentials.
        await page.evaluate(() => { document.cookie = 'tierlens_test=1; path=/'; });
        await page.goto(`${base}?snapshot=${encodeURIComponent(url)}`);
        await page.waitForSelector('[data-testid="load-panel-status"]', { state: 'attached' });
        assertEq(seen.length, 1, 'one request');
        assertEq(seen[0], null, 'no cookie by default');
        await page.goto(`${base}?snapshot=${encodeURIComponent(url)}&credentials=include`);
        await page.waitForFunction(() => document.querySelector('[data-testid="load-panel-status"]')?.textContent.includes('demo.json'));
        assertEq(seen.length, 2, 'two requests');
        assertEq(seen[1], 'tierlens_test=1', 'the cookie with credentials=include');
      } finally {
        server.close();
      }
    });

    await test('CSP: no inline script in the bundle, and a violation fails the test', async (page) => {
      for (const file of ['dist/index.html', 'dist/embed-example.html']) {
        const html = fs.readFileSync(file, 'utf8');
        const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
        assert(scripts.length >= 1, `${file} has scripts`);
        for (const [, attrs, body] of scripts) {
          assert(/\bsrc=/.test(attrs) && body.trim() === '', `${file}: inline script <script${attrs}>${body.slice(0, 80)}`);
        }
        assert(!/\son[a-z]+\s*=/i.test(html), `${file}: no inline event handler attributes`);
      }
      // The harness sees a violation (so a passing test means there was none).
      await page.goto(base);
      await page.waitForSelector('[data-testid="remote-size-total"]');
      await page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__inline = 1;';
        document.head.append(s);
      });
      for (let i = 0; i < 40 && !page.errorsSeen.some((e) => CSP_ERROR.test(e)); i++) await page.waitForTimeout(25);
      assert(page.errorsSeen.some((e) => CSP_ERROR.test(e)), `the violation is reported: ${page.errorsSeen}`);
      assertEq(await page.evaluate(() => window.__inline), undefined, 'the inline script did not run');
      page.errorsSeen = [];
    });
  } finally {
    hostServer.close();
    otherServer.close();
  }
}
