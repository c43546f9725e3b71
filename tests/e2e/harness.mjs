// A tiny end-to-end harness: a static server over dist/, Debian's Chromium driven by
// playwright-core (never a downloaded browser), and fail-on-any-page-error.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.json': 'application/json', '.gz': 'application/gzip', '.txt': 'text/plain',
};

/** Sends `file` in 64 KiB pieces `delayMs` apart, with its length: a slow network, so a test
 *  can watch the progress bar and press Cancel. */
function trickle(res, file, delayMs) {
  fs.readFile(file, (err, data) => {
    if (err) { res.writeHead(404); return res.end('not found'); }
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] || 'application/octet-stream', 'content-length': data.length });
    let at = 0;
    const next = () => {
      if (res.destroyed) return;
      if (at >= data.length) return res.end();
      res.write(data.subarray(at, at + 65536));
      at += 65536;
      setTimeout(next, delayMs);
    };
    next();
  });
}

/** Serves `root` under `prefix` (a sub-path proves the bundle works from any path). `mounts`
 *  maps sub-paths of `prefix` to other folders, e.g. `{ 'scale/': 'target/e2e' }` serves
 *  `target/e2e/x.json` as `${prefix}scale/x.json` (generated test data next to the bundle).
 *  Files under `${prefix}slow/` are the files of `root` sent slowly (see `trickle`). */
export function serve(root, prefix = '/', mounts = {}) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    if (!url.pathname.startsWith(prefix)) { res.writeHead(404); return res.end('not found'); }
    if (url.pathname.startsWith(`${prefix}slow/`)) {
      const rel = decodeURIComponent(url.pathname.slice(prefix.length + 'slow/'.length));
      return trickle(res, path.join(root, path.normalize(rel).replace(/^(\.\.[/\\])+/, '')), 100);
    }
    let rel = decodeURIComponent(url.pathname.slice(prefix.length)) || 'index.html';
    let dir = root;
    for (const [sub, folder] of Object.entries(mounts)) {
      if (rel.startsWith(sub)) { dir = folder; rel = rel.slice(sub.length); break; }
    }
    const file = path.join(dir, path.normalize(rel).replace(/^(\.\.[/\\])+/, ''));
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404); return res.end('not found'); }
      res.writeHead(200, { 'content-type': MIME[path.extname(file)] || 'application/octet-stream' });
      res.end(data);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Debian's Chromium, headless. Its start is retried: on this kind of machine it has (rarely)
 *  crashed with SIGSEGV before opening any page, which says nothing about the app. */
export async function launch(attempts = 3) {
  for (let i = 1; ; i++) {
    try {
      return await chromium.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
          '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
    } catch (e) {
      if (i >= attempts) throw e;
      console.log(`chromium did not start (attempt ${i}): ${e.message.split('\n')[0]}; retrying`);
    }
  }
}

/** A page that records console errors and uncaught exceptions (a wasm panic is one). */
export async function newPage(browser, opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...opts });
  const page = await context.newPage();
  page.errorsSeen = [];
  page.allowedErrors = [];
  page.on('pageerror', (e) => page.errorsSeen.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') page.errorsSeen.push(`console: ${m.text()}`); });
  return page;
}

export function assertNoErrors(page, label) {
  const bad = page.errorsSeen.filter((e) => !page.allowedErrors.some((re) => re.test(e)));
  if (bad.length) throw new Error(`${label}: page errors:\n  ${bad.join('\n  ')}`);
}

export function assertEq(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

export function assert(cond, what) {
  if (!cond) throw new Error(what);
}
