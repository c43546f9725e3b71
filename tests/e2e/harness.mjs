// A tiny end-to-end harness: a static server over dist/, Debian's Chromium driven by
// playwright-core (never a downloaded browser), and fail-on-any-page-error. Every response
// carries the Content-Security-Policy the bundle must run under, and any violation of it
// fails the test.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

/** The policy tierlens is served with in the tests (README, "Content-Security-Policy"). */
export const CSP = "script-src 'self' 'wasm-unsafe-eval'";

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
 *  Files under `${prefix}slow/` are the files of `root` sent slowly (see `trickle`).
 *  Every response has the `CSP` header and no CORS headers. Call it twice for two origins
 *  (each server listens on its own loopback port). */
export function serve(root, prefix = '/', mounts = {}) {
  const server = http.createServer((req, res) => {
    res.setHeader('content-security-policy', CSP);
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

/** A page that records console errors, uncaught exceptions (a wasm panic is one) and
 *  Content-Security-Policy violations, in every frame. */
export async function newPage(browser, opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...opts });
  // Runs in every frame before the page's own scripts (injected by the browser, so the
  // page's CSP does not apply to it).
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline code'} in ${e.documentURI}`);
    });
  });
  const page = await context.newPage();
  page.errorsSeen = [];
  page.allowedErrors = [];
  page.on('pageerror', (e) => page.errorsSeen.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') page.errorsSeen.push(`console: ${m.text()}`); });
  return page;
}

/** A CSP violation, as reported by the listener above or by Chromium itself. */
export const CSP_ERROR = /CSP violation|Content Security Policy/i;

export function assertNoErrors(page, label) {
  // A CSP violation always fails, whatever else a test allows.
  const bad = page.errorsSeen.filter((e) => CSP_ERROR.test(e) || !page.allowedErrors.some((re) => re.test(e)));
  if (bad.length) throw new Error(`${label}: page errors:\n  ${bad.join('\n  ')}`);
}

export function assertEq(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

export function assert(cond, what) {
  if (!cond) throw new Error(what);
}
