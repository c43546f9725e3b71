// Browser scale benchmark of the leak finder (view=leaks): the release bundle loads a large
// snapshot, then a large bucket listing (streamed), and reconciles them in the tab. Prints ONE
// JSON line on stdout (times, the longest main-thread task, renderer memory, whether the class
// totals equal the CLI's); progress goes to stderr. Not part of the tests.
//
//   node tests/bench/bench-leaks.mjs SNAPSHOT.json LISTING.txt [--dist dist] [--cli target/release/tierlens]
//
// scripts/bench-leaks.sh generates the files (gen_synth / gen_listing defaults: 1,000,000
// segments, 3,000,000 objects) and runs this. Memory is the page renderer's PSS from
// /proc/<pid>/smaps_rollup (peak sampled every 200 ms, and at the end), plus the wasm linear
// memory (which never shrinks).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';

const log = (...a) => console.error('[bench-leaks]', ...a);
const die = (m) => { console.error(`[bench-leaks] FAILED: ${m}`); process.exit(1); };
const argv = process.argv.slice(2);
const opt = (name, dflt) => { const i = argv.indexOf(name); if (i < 0) return dflt; const v = argv[i + 1]; argv.splice(i, 2); return v; };
const DIST = path.resolve(opt('--dist', 'dist'));
const CLI = path.resolve(opt('--cli', 'target/release/tierlens'));
const [SNAPSHOT, LISTING] = argv.map((a) => a && path.resolve(a));
if (!SNAPSHOT || !LISTING || !fs.existsSync(SNAPSHOT) || !fs.existsSync(LISTING)) die(`usage: bench-leaks.mjs SNAPSHOT.json LISTING.txt (got ${argv.join(' ')})`);
const TIMEOUT = 600_000;
const round = (x) => (x == null ? null : Math.round(x));

// ---------- the CLI's numbers ----------
log(`tierlens reconcile ${path.basename(SNAPSHOT)} ${path.basename(LISTING)} --json`);
let cliMs = Date.now();
const want = JSON.parse(execFileSync(CLI, ['reconcile', SNAPSHOT, LISTING, '--json'], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] }));
cliMs = Date.now() - cliMs;
const CLASSES = Object.keys(want.reconciliation.totals);

// ---------- a static server that streams the files ----------
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css', '.json': 'application/json', '.txt': 'text/plain' };
const server = await new Promise((resolve) => {
  const s = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const file = url.pathname === '/big/snapshot.json' ? SNAPSHOT
      : url.pathname === '/big/listing.txt' ? LISTING
        : path.join(DIST, path.normalize(decodeURIComponent(url.pathname.replace(/^\/app\//, '/'))).replace(/^(\.\.[/\\])+/, '') || 'index.html');
    fs.stat(file, (err, st) => {
      const f = !err && st.isDirectory() ? path.join(file, 'index.html') : file;
      fs.stat(f, (err2, st2) => {
        if (err2 || !st2.isFile()) { res.writeHead(404); return res.end('404'); }
        res.writeHead(200, { 'content-type': MIME[path.extname(f)] || 'application/octet-stream', 'content-length': st2.size, 'cache-control': 'no-store' });
        fs.createReadStream(f).pipe(res);
      });
    });
  });
  s.listen(0, '127.0.0.1', () => resolve(s));
});
const base = `http://127.0.0.1:${server.address().port}/app/`;

// ---------- Chromium, its renderer, memory ----------
const procStat = (pid) => { const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8'); const f = s.slice(s.lastIndexOf(')') + 2).split(' '); return { ppid: Number(f[1]), cpu: Number(f[11]) + Number(f[12]) }; };
const childrenOf = (ppid) => fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((p) => { try { return procStat(p).ppid === ppid; } catch { return false; } });
function renderers(root) {
  const parent = new Map();
  for (const d of fs.readdirSync('/proc')) if (/^\d+$/.test(d)) { try { parent.set(Number(d), procStat(d).ppid); } catch { /* gone */ } }
  const under = (pid) => { for (let p = pid, n = 0; p > 1 && n < 64; p = parent.get(p), n++) if (p === root) return true; return false; };
  return [...parent.keys()].filter((pid) => pid !== root && under(pid)).filter((pid) => {
    try { const c = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'); return /(^|[\s\0])--type=renderer([\s\0]|$)/.test(c) && !/--extension-process/.test(c); } catch { return false; }
  });
}
const pssMb = (pid) => Number(/^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))[1]) / 1024;

const before = new Set(childrenOf(process.pid));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
const browserPid = childrenOf(process.pid).find((p) => !before.has(p));
const peaks = new Map();
const sample = () => { for (const pid of renderers(browserPid)) { try { peaks.set(pid, Math.max(peaks.get(pid) ?? 0, pssMb(pid))); } catch { /* gone */ } } };
const sampler = setInterval(sample, 200);

const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
await context.addInitScript(() => {
  window.__longtasks = [];
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__longtasks.push({ start: e.startTime, ms: e.duration }); }).observe({ type: 'longtask', buffered: true });
  } catch { /* no longtask support */ }
  // When each element first appears, by performance.now().
  window.__seen = {};
  const watch = { listing: '[data-testid="leaks-listing-status"]', progress: '[data-testid="leaks-run-progress"]', results: '[data-testid="leaks-class-ok"]', listingProgress: '[data-testid="leaks-listing-progress"]' };
  new MutationObserver(() => {
    for (const [k, sel] of Object.entries(watch)) if (!(k in window.__seen) && document.querySelector(sel)) window.__seen[k] = performance.now();
  }).observe(document, { childList: true, subtree: true });
});
const page = await context.newPage();
const errors = [];
page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
page.on('crash', () => errors.push('the page crashed'));

log('loading the snapshot');
let t = Date.now();
await page.goto(`${base}?snapshot=../big/snapshot.json&view=leaks`, { timeout: TIMEOUT });
await page.waitForSelector('[data-testid="leaks-listing-url"]', { timeout: TIMEOUT });
await page.waitForFunction(() => !document.querySelector('[data-testid="loading"]'), null, { timeout: TIMEOUT });
const snapshotMs = Date.now() - t;
log(`snapshot on screen after ${snapshotMs} ms; loading the listing`);
await page.waitForTimeout(500);
const t0 = await page.evaluate(() => { window.__seen = {}; return performance.now(); });
await page.fill('[data-testid="leaks-listing-url"]', '../big/listing.txt');
await page.click('[data-testid="leaks-listing-load"]');
await page.waitForSelector('[data-testid="leaks-class-ok"]', { timeout: TIMEOUT });
await page.waitForTimeout(300);
const m = await page.evaluate((t0) => ({ seen: window.__seen, longtasks: window.__longtasks.filter((e) => e.start >= t0), t0, phases: window.__tierlensPhases || {} }), t0);
if (errors.length) die(`page errors:\n  ${errors.join('\n  ')}`);
const got = await page.evaluate((cs) => Object.fromEntries(cs.map((c) => {
  const el = document.querySelector(`[data-testid="leaks-class-${c}"]`);
  return [c, { objects: Number(el.dataset.objects), objectBytes: Number(el.dataset.bytes), segments: Number(el.dataset.segments) }];
})), CLASSES);
const mismatches = CLASSES.filter((c) => ['objects', 'objectBytes', 'segments'].some((k) => got[c][k] !== want.reconciliation.totals[c][k]));
const summary = await page.textContent('[data-testid="leaks-summary"]');

// Scroll the keys table with every ok object (millions of rows) to its end.
await page.selectOption('[data-testid="leaks-filter"]', 'ok');
await page.waitForFunction((n) => document.querySelector('[data-testid="leaks-keys-count"]')?.dataset.count === String(n), want.reconciliation.totals.ok.objects, { timeout: 60000 });
const box = page.locator('[data-testid="leaks-keys"]').locator('xpath=ancestor::div[contains(@class, "virtual")][1]');
await box.evaluate((el) => { el.scrollTop = el.scrollHeight; });
await page.waitForSelector(`[data-testid="leaks-keys"] tr[aria-rowindex="${want.reconciliation.totals.ok.objects + 1}"]`, { timeout: 30000 });
const rowsInDom = await page.locator('[data-testid="leaks-keys"] tr').count();
await page.screenshot({ path: 'tests/e2e/screenshots/bench-leaks.png', fullPage: false });

// The page's renderer: the one whose CPU time grows during a 500 ms spin.
const pids = renderers(browserPid);
const cpu0 = new Map(pids.map((p) => [p, procStat(p).cpu]));
await page.evaluate(() => { const end = performance.now() + 500; while (performance.now() < end); });
const rendererPid = pids.map((p) => ({ p, d: procStat(p).cpu - cpu0.get(p) })).sort((a, b) => b.d - a.d)[0].p;
sample();
clearInterval(sampler);
const wasm = await page.evaluate(() => window.wasmBindings?.tierlens_wasm_memory_bytes?.() ?? null);
const longest = m.longtasks.reduce((a, e) => Math.max(a, e.ms), 0);
const out = {
  snapshot: path.basename(SNAPSHOT), listing: path.basename(LISTING),
  listingMB: round(fs.statSync(LISTING).size / 1e6), objects: want.listing.objects,
  segments: Object.values(want.reconciliation.totals).reduce((a, c) => a + c.segments, 0),
  snapshotLoadMs: snapshotMs,
  listingLoadMs: round(m.seen.listing - m.t0),
  reconcileMs: round(m.seen.results - m.seen.listing),
  totalMs: round(m.seen.results - m.t0),
  reconcileProgressShown: 'progress' in m.seen, listingProgressShown: 'listingProgress' in m.seen,
  longestTaskMs: round(longest),
  // [start after the Load click, duration] of each task over 50 ms, and when things appeared.
  longTaskList: m.longtasks.map((e) => [round(e.start - m.t0), round(e.ms)]),
  phasesMs: Object.fromEntries(Object.entries(m.phases).filter(([k]) => k.startsWith('leaks')).map(([k, v]) => [k, v.map(round)])),
  seenMs: Object.fromEntries(Object.entries(m.seen).map(([k, v]) => [k, round(v - m.t0)])), longTasksOver200ms: m.longtasks.filter((e) => e.ms > 200).length, longTasks: m.longtasks.length,
  rendererPssMB: round(pssMb(rendererPid)), rendererPeakPssMB: round(peaks.get(rendererPid)),
  wasmMemoryMB: wasm == null ? null : round(wasm / 2 ** 20),
  keysTableOkRows: want.reconciliation.totals.ok.objects, keysTableRowsInDom: rowsInDom,
  totalsEqualCli: mismatches.length === 0, mismatches, cliReconcileMs: cliMs, summary,
};
console.log(JSON.stringify(out));
await browser.close();
server.close();
process.exit(mismatches.length ? 1 : 0);
