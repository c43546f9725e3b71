// Takes a screenshot of the built dashboard:
//   node tests/e2e/shot.mjs [query] [out.png] [width] [light|dark]
import { serve, launch, newPage } from './harness.mjs';
const [query = '', out = 'tests/e2e/screenshots/shot.png', width = '1400', scheme = 'light'] = process.argv.slice(2);
const server = await serve('dist', '/tierlens/');
const browser = await launch();
const page = await newPage(browser, { viewport: { width: Number(width), height: 1000 }, colorScheme: scheme });
const base = `http://127.0.0.1:${server.address().port}/tierlens/`;
await page.goto(base + query);
await page.waitForSelector('[data-testid="remote-size-total"], [data-testid="deleted-segment-count"], [data-testid="load-error"]', { timeout: 30000 });
await page.waitForTimeout(1500);
await page.screenshot({ path: out, fullPage: true });
console.log(out, page.errorsSeen);
await browser.close();
server.close();
