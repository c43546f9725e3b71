// The forecast view: its sentences and costs are the CLI's (`tierlens forecast`), for the
// cluster and for a topic with a proposed retention.ms. Registered by run.mjs.
import { assert, assertEq } from './harness.mjs';

export async function forecastTests({ test, base, cli, DEMO, SHOTS }) {
  await test('forecast: the summary and the cost equal the CLI\'s; the horizon and a proposal change them', async (page) => {
    const topic = 'orders';
    const want = cli('forecast', DEMO, '--horizon', '90d', '--set', `${topic}:retention.ms=3d`, '--json');
    const sentences = want.summaries.filter((s) => s.topic === topic).map((s) => s.text);
    assertEq(sentences.length, 2, 'the CLI gives a current and a proposed sentence');
    await page.goto(`${base}?view=forecast&topic=${topic}&retention.ms=259200000&horizon=90d`);
    await page.waitForSelector('[data-testid="forecast-summary"] p');
    const shown = await page.locator('[data-testid="forecast-summary"] p').allTextContents();
    assertEq(JSON.stringify(shown), JSON.stringify(sentences), 'the sentences');
    const line = want.cost.topics.find((t) => t.topic === topic);
    const usd = (c) => (c.atSteadyState ?? c.atHorizon).totalUsd;
    const cost = page.locator('[data-testid="forecast-cost"]');
    assert(Math.abs(Number(await cost.getAttribute('data-current')) - usd(line.current)) < 1e-9, 'current monthly cost');
    assert(Math.abs(Number(await cost.getAttribute('data-proposed')) - usd(line.proposed)) < 1e-9, 'proposed monthly cost');
    assert(usd(line.proposed) < usd(line.current), 'a shorter retention.ms costs less');
    await page.waitForSelector('[data-testid="forecast"] canvas');
    await page.screenshot({ path: `${SHOTS}/forecast-topic.png`, fullPage: true });

    // A longer horizon: the URL and the sentence follow.
    await page.click('[data-testid="horizon-1y"]');
    await page.waitForFunction(() => location.search.includes('horizon=365d'));
    const year = cli('forecast', DEMO, '--horizon', '365d', '--set', `${topic}:retention.ms=3d`, '--json');
    const yearText = year.summaries.filter((s) => s.topic === topic).map((s) => s.text);
    await page.waitForFunction((t) => document.querySelector('[data-testid="forecast-summary"] p')?.textContent === t, yearText[0]);

    // The cluster: choosing it drops the topic's proposal (as choosing another topic does);
    // its sentence is the CLI's without --set.
    await page.selectOption('[data-testid="forecast-topic"]', '');
    await page.waitForFunction(() => !location.search.includes('topic=') && !location.search.includes('retention.ms='));
    const cluster = cli('forecast', DEMO, '--horizon', '365d', '--json').summaries.find((s) => s.topic === null);
    await page.waitForFunction((t) => document.querySelector('[data-testid="forecast-summary"] p')?.textContent === t, cluster.text);
  });
}
