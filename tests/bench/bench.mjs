// Side-by-side browser benchmark: tierlens (release bundle in dist/) against the plain-JavaScript
// page a portal team would write (tests/bench/baseline.html), on one snapshot file, in one run.
// Prints exactly one JSON line on stdout; all progress goes to stderr. Not part of the tests.
//
//   node tests/bench/bench.mjs SNAPSHOT.json [--dist dist] [--cli target/release/tierlens]
//
// Run from the repository root after `trunk build --release` and
// `cargo build --release --bin tierlens` (scripts/bench-browser.sh does all of it).
//
// Method (see /work/shared/notes/scale.md): each page gets a fresh Chromium launch, so one tab
// renderer exists; memory is the renderer's PSS from /proc/<pid>/smaps_rollup (the JS heap figure
// leaves out wasm memory), read after load and again after forced garbage collections.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

const log = (...a) => console.error('[bench]', ...a);
function die(msg) {
  console.error(`[bench] FAILED: ${msg}`);
  process.exit(1);
}

// ---------- arguments ----------
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const v = argv[i + 1];
  argv.splice(i, 2);
  return v;
};
const DIST = path.resolve(opt('--dist', 'dist'));
const CLI = path.resolve(opt('--cli', 'target/release/tierlens'));
const SNAPSHOT = argv[0] && path.resolve(argv[0]);
if (!SNAPSHOT || !fs.existsSync(SNAPSHOT)) die(`usage: bench.mjs SNAPSHOT.json [--dist DIR] [--cli PATH] (got ${argv[0]})`);
if (!fs.existsSync(path.join(DIST, 'index.html'))) die(`${DIST}/index.html missing: run trunk build --release`);
if (!fs.existsSync(CLI)) die(`${CLI} missing: run cargo build --release --bin tierlens`);
const BENCH_DIR = path.dirname(new URL(import.meta.url).pathname);
const DEMO = 'public/demo-snapshot.json';
const TIMEOUT = 120_000;
const APP_PREFIX = '/portal/tierlens/'; // a sub-path, as in an admin portal (like the e2e tests)

const round = (x, d = 1) => (x == null || Number.isNaN(x) ? null : Math.round(x * 10 ** d) / 10 ** d);
const median = (xs) => quantile(xs, 0.5);
function quantile(xs, q) {
  if (!xs || !xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

// ---------- the CLI's numbers (the same core the page runs) ----------
function cli(...args) {
  // The CLI's warnings (overlapping segments of the synthetic data) are shown only on failure.
  try {
    return JSON.parse(execFileSync(CLI, args, { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] }));
  } catch (e) {
    die(`${CLI} ${args.join(' ')}: ${e.stderr || e.message}`);
  }
}
/** RemoteLogSizeBytes of the cluster, from `size --json`, cross-checked with the sum over
 *  `plan --json` partitions (what tests/e2e/run.mjs compares the app with). */
function cliTotals(file) {
  const size = cli('size', file, '--json');
  const total = size.cluster.remoteLogSizeBytes;
  // The plan of a multi-million-segment file is more JSON than node holds in one string: the
  // cross-check with its per-partition sizes is for files up to a few hundred MB.
  if (fs.statSync(file).size < 400e6) {
    const plan = cli('plan', file, '--json');
    const fromPlan = plan.partitions.reduce((a, p) => a + p.remoteLogSizeBytes, 0);
    if (total !== fromPlan) die(`${file}: CLI size cluster.remoteLogSizeBytes ${total} != plan sum ${fromPlan}`);
  }
  const segments = Object.values(size.cluster.byState).reduce((a, s) => a + s.count, 0);
  return { total, segments, partitions: size.partitions.length, firstTopic: size.partitions[0]?.topic };
}

// ---------- a static server: dist/ under APP_PREFIX, the baseline page, the snapshot ----------
const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.json': 'application/json',
};
function serve(routes) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const route = routes.find((r) => url.pathname.startsWith(r.prefix));
    const fail = (code) => { res.writeHead(code); res.end(String(code)); };
    if (!route) return fail(404);
    const rel = decodeURIComponent(url.pathname.slice(route.prefix.length)) || 'index.html';
    const file = path.resolve(route.root, rel);
    if (!file.startsWith(route.root + path.sep)) return fail(403);
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) return fail(404);
      res.writeHead(200, {
        'content-type': MIME[path.extname(file)] || 'application/octet-stream',
        'content-length': st.size,
        'cache-control': 'no-store',
      });
      if (req.method === 'HEAD') return res.end();
      fs.createReadStream(file).pipe(res); // streamed: the snapshot can be GBs
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---------- Chromium and its processes ----------
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--js-flags=--expose-gc'];
/** A fresh browser and the pid of its main process: playwright's `chromium.launch` Browser has no
 *  `process()`, so it is the child of this node process that the launch added. */
async function launch(attempts = 3) {
  for (let i = 1; ; i++) {
    const before = new Set(childrenOf(process.pid));
    try {
      const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: FLAGS });
      const added = childrenOf(process.pid).filter((p) => !before.has(p));
      if (added.length !== 1) die(`cannot tell the browser process: new children of node ${JSON.stringify(added)}`);
      return { browser, browserPid: added[0] };
    } catch (e) {
      // Debian's Chromium has (rarely) crashed before opening any page on these machines.
      if (i >= attempts) throw e;
      log(`chromium did not start (attempt ${i}): ${e.message.split('\n')[0]}; retrying`);
    }
  }
}

function childrenOf(ppid) {
  return fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((pid) => {
    try { return procStat(pid).ppid === ppid; } catch { return false; }
  });
}
function procStat(pid) {
  // Fields after the ")" of the command name: state ppid ... utime(14) stime(15), 1-based overall.
  const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), cpu: Number(f[11]) + Number(f[12]) };
}
/** The renderer processes among the descendants of `rootPid`. */
function renderers(rootPid) {
  const parent = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try { parent.set(Number(d), procStat(d).ppid); } catch { /* exited */ }
  }
  const isDescendant = (pid) => {
    for (let p = pid, n = 0; p > 1 && n < 64; p = parent.get(p), n++) if (p === rootPid) return true;
    return false;
  };
  const out = [];
  for (const pid of parent.keys()) {
    if (pid === rootPid || !isDescendant(pid)) continue;
    try {
      // Zygote-forked processes rewrite their title: the arguments may be one space-joined string.
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (/(^|[\s\0])--type=renderer([\s\0]|$)/.test(cmd) && !/--extension-process/.test(cmd)) out.push(pid);
    } catch { /* exited */ }
  }
  return out;
}
/** Samples the PSS of every renderer under `browserPid` every `ms` until stopped; `peak(pid)`
 *  is the largest seen for one (a 200 ms sampling can miss shorter spikes). */
function pssSampler(browserPid, ms = 200) {
  const peaks = new Map();
  const sample = () => {
    for (const pid of renderers(browserPid)) {
      try { peaks.set(pid, Math.max(peaks.get(pid) ?? 0, pssMb(pid))); } catch { /* exited */ }
    }
  };
  const timer = setInterval(sample, ms);
  return { stop: () => clearInterval(timer), peak: (pid) => { sample(); return peaks.get(pid) ?? null; } };
}
function pssMb(pid) {
  const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  if (!m) die(`no Pss in /proc/${pid}/smaps_rollup`);
  return Number(m[1]) / 1024;
}
const cpuOf = (pid) => { try { return procStat(pid).cpu; } catch { return 0; } };

/** The renderer of `page`: with several renderers (a spare one, the one that showed
 *  about:blank), the one whose CPU time grows while the page spins for 500 ms. */
async function pageRenderer(page, browserPid) {
  const pids = renderers(browserPid);
  if (!pids.length) die(`no --type=renderer process under browser pid ${browserPid}`);
  const before = new Map(pids.map((p) => [p, cpuOf(p)]));
  await page.evaluate(() => { const end = performance.now() + 500; while (performance.now() < end); });
  const grew = pids.map((p) => ({ pid: p, ticks: cpuOf(p) - before.get(p) })).sort((a, b) => b.ticks - a.ticks);
  const [best, next] = grew;
  // 500 ms is ~50 ticks at CLK_TCK 100; demand a clear winner.
  if (best.ticks < 20 || (next && next.ticks * 3 > best.ticks)) {
    die(`cannot tell the page's renderer apart: CPU ticks during a 500 ms spin ${JSON.stringify(grew)}`);
  }
  log(`renderers under browser ${browserPid}: ${grew.map((g) => `${g.pid} (+${g.ticks} ticks, ${pssMb(g.pid).toFixed(0)} MB)`).join(', ')}; the page's: ${best.pid}`);
  return { pid: best.pid, count: pids.length };
}

async function forceGc(page) {
  const cdp = await page.context().newCDPSession(page);
  for (let i = 0; i < 3; i++) {
    await page.evaluate(() => window.gc());
    await cdp.send('HeapProfiler.collectGarbage');
  }
  await page.waitForTimeout(1500);
  const heap = await cdp.send('Runtime.getHeapUsage');
  await cdp.detach();
  return heap.usedSize / 2 ** 20;
}

async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.errorsSeen = [];
  page.on('pageerror', (e) => page.errorsSeen.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') page.errorsSeen.push(`console: ${m.text()}`); });
  page.on('crash', () => page.errorsSeen.push('the page crashed'));
  return page;
}
function checkErrors(page, label) {
  if (page.errorsSeen.length) die(`${label}: page errors:\n  ${page.errorsSeen.join('\n  ')}`);
}

/** Navigates and waits for the first `mark` at or after the snapshot fetch started (or any
 *  `mark` when `snapshotPath` is null). Fails on `[data-testid="load-error"]`. */
async function loadAndWait(page, url, mark, snapshotPath) {
  await page.goto(url, { waitUntil: 'commit', timeout: TIMEOUT });
  let handle;
  try {
    handle = await page.waitForFunction(([mark, snapshotPath]) => {
      const err = document.querySelector('[data-testid="load-error"]');
      if (err && !err.hidden && err.textContent.trim()) return { error: err.textContent.trim() };
      let r = null;
      if (snapshotPath) {
        r = performance.getEntriesByType('resource').find((e) => new URL(e.name).pathname === snapshotPath);
        if (!r || !r.responseEnd) return false;
      }
      const m = performance.getEntriesByName(mark, 'mark').find((m) => !r || m.startTime >= r.fetchStart);
      if (!m) return false;
      const at = (name) => performance.getEntriesByName(name, 'mark')[0]?.startTime ?? null;
      return {
        load_ms: m.startTime,
        fetch_start_ms: r && r.fetchStart,
        response_start_ms: r && r.responseStart,
        fetch_end_ms: r && r.responseEnd,
        transfer_bytes: r && r.encodedBodySize,
        fetched_ms: at('baseline:fetched'),
        parsed_ms: at('baseline:parsed'),
        summed_ms: at('baseline:summed'),
      };
    }, [mark, snapshotPath], { timeout: TIMEOUT, polling: 100 });
  } catch (e) {
    checkErrors(page, url);
    die(`${url}: no ${mark} mark within ${TIMEOUT / 1000} s (${e.message.split('\n')[0]})`);
  }
  const r = await handle.jsonValue();
  if (r.error) die(`${url}: the page shows a load error: ${r.error}`);
  checkErrors(page, url);
  return r;
}

/** first-contentful-paint: its entry arrives with the presentation feedback, which can come
 *  after the load mark, so wait for it. */
async function firstContentfulPaint(page) {
  const h = await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
    null, { timeout: 10_000, polling: 50 }).catch(() => die('no first-contentful-paint entry within 10 s'));
  return h.jsonValue();
}

/** Load time, totals and (unless `memory` is false) renderer PSS after load and after GC, of
 *  one page in a fresh browser; `more(page)` runs after the PSS readings, in the same tab. */
async function measurePage(label, url, mark, snapshotPath, { memory = true, more } = {}) {
  log(`${label}: fresh Chromium, loading ${url}`);
  const { browser, browserPid } = await launch();
  const sampler = memory ? pssSampler(browserPid) : null;
  try {
    const page = await newPage(browser);
    const started = Date.now();
    const t = await loadAndWait(page, url, mark, snapshotPath);
    const fetched = snapshotPath ? ` (snapshot fetch ${t.fetch_start_ms.toFixed(0)}–${t.fetch_end_ms.toFixed(0)} ms)` : '';
    log(`${label}: ${mark} at ${t.load_ms.toFixed(0)} ms${fetched}; wall ${Date.now() - started} ms`);
    const bytes = await page.getAttribute('[data-testid="remote-size-total"]', 'data-bytes');
    if (bytes == null || !/^\d+$/.test(bytes)) die(`${label}: remote-size-total has no integer data-bytes (${bytes})`);
    const fcp_ms = await firstContentfulPaint(page);
    let mem = {};
    if (memory) {
      const r = await pageRenderer(page, browserPid);
      sampler.stop();
      const pss = pssMb(r.pid);
      const peak = Math.max(sampler.peak(r.pid) ?? 0, pss);
      const jsHeap = await forceGc(page);
      const pssGc = pssMb(r.pid);
      log(`${label}: renderer PSS peak ${peak.toFixed(0)} MB during load, ${pss.toFixed(0)} MB after load, after GC ${pssGc.toFixed(0)} MB (JS heap ${jsHeap.toFixed(0)} MB)`);
      // tierlens exports the size of its wasm linear memory (never returned to the system).
      const wasmMem = await page.evaluate(() => window.wasmBindings?.tierlens_wasm_memory_bytes?.() ?? null);
      mem = { pss_peak_mb: peak, pss_mb: pss, pss_after_gc_mb: pssGc, js_heap_after_gc_mb: jsHeap, wasm_memory_mb: wasmMem === null ? null : wasmMem / 1048576, renderers: r.count };
    }
    const extra = more ? await more(page) : {};
    checkErrors(page, label);
    return { ...t, fcp_ms, total_bytes: Number(bytes), ...mem, ...extra, version: browser.version() };
  } finally {
    sampler?.stop();
    await browser.close();
  }
}

/** The what-if slider: median plan evaluation and median/p95 move → recomputed and redrawn. */
async function whatIf(page, url) {
  log(`what-if: ${url}`);
  await page.goto(url, { waitUntil: 'commit', timeout: TIMEOUT });
  await page.waitForSelector('[data-testid="partition-detail"] canvas', { timeout: TIMEOUT });
  const slider = page.locator('[data-testid="slider-retention.ms"]');
  await slider.focus({ timeout: TIMEOUT });
  // Back and forth in runs of 20 positions, one keypress every 40 ms.
  const sweep = async (n) => {
    for (let i = 0; i < n; i++) {
      await page.keyboard.press(i % 40 < 20 ? 'ArrowLeft' : 'ArrowRight');
      await page.waitForTimeout(40);
    }
  };
  await sweep(10); // cold moves: JIT, first large-mode draws
  await page.waitForTimeout(300);
  await page.evaluate(() => { window.__tierlensPerf = []; window.__tierlensPhases = {}; });
  await sweep(100);
  await page.waitForTimeout(500);
  const { perf, plan } = await page.evaluate(() => ({ perf: window.__tierlensPerf, plan: window.__tierlensPhases?.plan }));
  if (!perf?.length || !plan?.length) die(`what-if: nothing recorded (__tierlensPerf ${perf?.length}, phases.plan ${plan?.length})`);
  log(`what-if: ${perf.length} redraws, ${plan.length} plan evaluations over 100 moves`);
  return {
    whatif_median_ms: median(plan), whatif_n: plan.length,
    slider_redraw_median_ms: median(perf), slider_redraw_p95_ms: quantile(perf, 0.95), slider_n: perf.length,
  };
}

function sizes(file) {
  const buf = fs.readFileSync(file);
  return { bytes: buf.length, gzip: zlib.gzipSync(buf, { level: 9 }).length };
}

// ---------- the run ----------
const t0 = Date.now();
// How busy the machine is right now (the load average lags: it still counts the build that ran
// just before): the share of non-idle CPU time over one second, from /proc/stat.
function cpuTimes() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: f[3] + (f[4] || 0), total: f.reduce((a, b) => a + b, 0) };
}
const c0 = cpuTimes();
await new Promise((r) => setTimeout(r, 1000));
const c1 = cpuTimes();
const busyBefore = 100 * (1 - (c1.idle - c0.idle) / Math.max(1, c1.total - c0.total));
const loadBefore = os.loadavg()[0];
if (busyBefore > 20) log(`note: the CPUs were ${busyBefore.toFixed(0)}% busy before the run: other work is running, timings will be noisy`);
log(`snapshot ${SNAPSHOT} (${(fs.statSync(SNAPSHOT).size / 2 ** 20).toFixed(0)} MB); CLI totals first`);
const expected = cliTotals(SNAPSHOT);
const demoExpected = cliTotals(DEMO);
log(`CLI: ${expected.segments} segments, ${expected.partitions} partitions, RemoteLogSizeBytes ${expected.total}; first topic ${expected.firstTopic}`);

const server = await serve([
  { prefix: APP_PREFIX, root: DIST },
  { prefix: '/bench/', root: BENCH_DIR },
  { prefix: '/data/', root: path.dirname(SNAPSHOT) },
]);
const origin = `http://127.0.0.1:${server.address().port}`;
const snapPath = `/data/${encodeURIComponent(path.basename(SNAPSHOT))}`;
const snapUrl = origin + snapPath;
const q = (s) => encodeURIComponent(s);

const tl = await measurePage('tierlens', `${origin}${APP_PREFIX}?snapshot=${q(snapUrl)}`, 'tierlens:totals', snapPath,
  { more: (page) => whatIf(page, `${origin}${APP_PREFIX}?snapshot=${q(snapUrl)}&topic=${q(expected.firstTopic)}&partition=0`) });
// BENCH_BASELINE=0 leaves the plain-JS page out (above ~512 MB of JSON, V8 cannot even hold
// the response as one string).
const withBaseline = process.env.BENCH_BASELINE !== '0';
const bl = withBaseline
  ? await measurePage('baseline', `${origin}/bench/baseline.html?snapshot=${q(snapUrl)}`, 'baseline:totals', snapPath)
  : null;
// The demo's memory is the floor of any tierlens page (renderer, ECharts, the app): what the
// large snapshot adds is the rest.
const demo = await measurePage('demo', `${origin}${APP_PREFIX}`, 'tierlens:totals', null);
server.close();

const wasmFiles = fs.readdirSync(DIST).filter((f) => f.endsWith('.wasm'));
if (wasmFiles.length !== 1) die(`expected one .wasm in ${DIST}, found ${JSON.stringify(wasmFiles)}`);
const wasm = sizes(path.join(DIST, wasmFiles[0]));
const echarts = sizes(path.join(DIST, 'echarts.min.js'));

if (tl.total_bytes !== expected.total) log(`MISMATCH: tierlens shows ${tl.total_bytes} bytes, the CLI says ${expected.total}`);
if (bl && bl.total_bytes !== expected.total) log(`note: the baseline page shows ${bl.total_bytes} bytes, the CLI says ${expected.total}`);
if (demo.total_bytes !== demoExpected.total) log(`MISMATCH: the demo shows ${demo.total_bytes} bytes, the CLI says ${demoExpected.total}`);

const ms = (x) => round(x, 1);
const mb = (x) => round(x, 1);
const result = {
  segments: expected.segments,
  partitions: expected.partitions,
  file_bytes: fs.statSync(SNAPSHOT).size,
  tierlens: {
    load_ms: ms(tl.load_ms), fetch_start_ms: ms(tl.fetch_start_ms), fetch_end_ms: ms(tl.fetch_end_ms),
    pss_peak_mb: mb(tl.pss_peak_mb), pss_mb: mb(tl.pss_mb), pss_after_gc_mb: mb(tl.pss_after_gc_mb), js_heap_after_gc_mb: mb(tl.js_heap_after_gc_mb),
    wasm_memory_mb: tl.wasm_memory_mb === null ? null : mb(tl.wasm_memory_mb),
    whatif_median_ms: round(tl.whatif_median_ms, 2), whatif_n: tl.whatif_n,
    slider_redraw_median_ms: round(tl.slider_redraw_median_ms, 2), slider_redraw_p95_ms: round(tl.slider_redraw_p95_ms, 2), slider_n: tl.slider_n,
    total_bytes: tl.total_bytes, renderers: tl.renderers,
  },
  baseline: bl && {
    load_ms: ms(bl.load_ms), fetch_start_ms: ms(bl.fetch_start_ms), fetch_end_ms: ms(bl.fetch_end_ms),
    fetched_ms: ms(bl.fetched_ms), parsed_ms: ms(bl.parsed_ms), summed_ms: ms(bl.summed_ms),
    pss_peak_mb: mb(bl.pss_peak_mb), pss_mb: mb(bl.pss_mb), pss_after_gc_mb: mb(bl.pss_after_gc_mb), js_heap_after_gc_mb: mb(bl.js_heap_after_gc_mb),
    total_bytes: bl.total_bytes, renderers: bl.renderers,
  },
  ratios: bl && {
    load: round(tl.load_ms / bl.load_ms, 2),
    pss_peak: round(tl.pss_peak_mb / bl.pss_peak_mb, 2),
    pss: round(tl.pss_mb / bl.pss_mb, 2),
    pss_after_gc: round(tl.pss_after_gc_mb / bl.pss_after_gc_mb, 2),
  },
  totals_match: tl.total_bytes === expected.total,
  cli_total_bytes: expected.total,
  baseline_totals_match: bl && bl.total_bytes === expected.total,
  demo_totals_match: demo.total_bytes === demoExpected.total,
  wasm_bytes: wasm.bytes, wasm_gzip_bytes: wasm.gzip,
  echarts_bytes: echarts.bytes, echarts_gzip_bytes: echarts.gzip,
  demo_first_paint_ms: ms(demo.load_ms), demo_fcp_ms: ms(demo.fcp_ms),
  demo_pss_after_gc_mb: mb(demo.pss_after_gc_mb), demo_wasm_memory_mb: demo.wasm_memory_mb === null ? null : mb(demo.wasm_memory_mb),
  chromium: tl.version,
  // These machines are shared: how busy the CPUs were in the second before the run (%), and the
  // 1-minute load average before and after it.
  cpu_busy_before_pct: round(busyBefore, 0), loadavg_before: round(loadBefore, 2), loadavg_after: round(os.loadavg()[0], 2),
  run_s: round((Date.now() - t0) / 1000, 1),
};
console.log(JSON.stringify(result));
process.exit(result.totals_match && result.demo_totals_match ? 0 : 3);
