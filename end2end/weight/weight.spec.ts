import { CDPSession, Page, expect, test } from '@playwright/test';

// The weight budget of a first visit (`make test` runs it; it prints the figures), and the time
// the search page takes to show its content on a slow rural connection.
//
// Budgets (issue 9): the search page and a programme page, each on a first visit with an empty
// cache, load at most 150 KiB of HTML and CSS and at most 250 KiB of JavaScript and wasm, as
// transferred (brotli). Static files must go out precompressed, under hashed names, cached for a
// year.

const KIB = 1024;
const HTML_CSS_BUDGET = 150 * KIB;
const SCRIPT_BUDGET = 250 * KIB;
/** Largest Contentful Paint on 400 kbit/s with 400 ms latency. */
const LCP_BUDGET_MS = 3000;

const PAGES: [string, string][] = [
  ['search page', '/programs'],
  ['programme page', '/programs/auyl-amanaty-microcredit'],
];

type Loaded = { url: string; type: string; bytes: number; encoding: string; cache: string };

/** Everything the first visit of `url` transfers, as the network saw it. */
async function firstVisit(page: Page, url: string): Promise<Loaded[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.clearBrowserCache');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const responses = new Map<string, { url: string; type: string; encoding: string; cache: string }>();
  const loaded: Loaded[] = [];
  cdp.on('Network.responseReceived', (e) => {
    const h = lower(e.response.headers);
    responses.set(e.requestId, {
      url: e.response.url,
      type: e.type,
      encoding: h['content-encoding'] ?? '',
      cache: h['cache-control'] ?? '',
    });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = responses.get(e.requestId);
    if (r) loaded.push({ ...r, bytes: e.encodedDataLength });
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  // Islands wake when the browser is idle: wait until the wasm has been fetched and run.
  await expect(page.locator('[data-hydrated]').first()).toHaveAttribute('data-hydrated', /.+/);
  await page.waitForLoadState('networkidle');
  await cdp.detach();
  return loaded;
}

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function kib(bytes: number): string {
  return `${(bytes / KIB).toFixed(1)} KiB`;
}

test('first visits stay within the weight budget', async ({ page }) => {
  const rows: string[] = [];
  for (const [name, url] of PAGES) {
    const loaded = await firstVisit(page, url);
    const path = (l: Loaded) => new URL(l.url).pathname;
    const htmlCss = loaded.filter((l) => l.type === 'Document' || l.type === 'Stylesheet');
    const scripts = loaded.filter(
      (l) => l.type === 'Script' || path(l).endsWith('.wasm') || path(l).endsWith('.js'),
    );
    const sum = (ls: Loaded[]) => ls.reduce((s, l) => s + l.bytes, 0);
    for (const l of loaded) {
      console.log(`  ${name}: ${path(l)} ${l.type} ${kib(l.bytes)} ${l.encoding || 'identity'} · ${l.cache}`);
    }
    rows.push(
      `| ${name} (${url}) | HTML + CSS ${kib(sum(htmlCss))} of ${kib(HTML_CSS_BUDGET)} | JS + wasm ${kib(sum(scripts))} of ${kib(SCRIPT_BUDGET)} | ${loaded.length} requests |`,
    );

    // The site's own files: precompressed, hashed, cached for a year.
    const own = loaded.filter((l) => path(l).startsWith('/pkg/'));
    expect(own.map(path).sort(), `${name}: the stylesheet, the script and the wasm`).toEqual(
      expect.arrayContaining([expect.stringMatching(/\.css$/), expect.stringMatching(/\.js$/), expect.stringMatching(/\.wasm$/)]),
    );
    for (const l of own) {
      expect(path(l), 'a hashed name').toMatch(/^\/pkg\/[a-z0-9_]+\.[A-Za-z0-9_-]{8,}\.(css|js|wasm)$/);
      expect(l.encoding, `${path(l)}: brotli, compressed at build time`).toBe('br');
      expect(l.cache, `${path(l)}: kept for a year`).toContain('immutable');
    }
    const doc = loaded.find((l) => l.type === 'Document');
    expect(doc?.encoding, `${name}: the HTML itself is compressed`).toMatch(/br|gzip/);

    expect(sum(htmlCss), `${name}: HTML and CSS`).toBeLessThanOrEqual(HTML_CSS_BUDGET);
    expect(sum(scripts), `${name}: JavaScript and wasm`).toBeLessThanOrEqual(SCRIPT_BUDGET);
  }
  console.log('\n| first visit, empty cache | HTML + CSS (budget) | JS + wasm (budget) | requests |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(row);
});

test('on a slow rural connection the search page shows its content within 3 s', async ({ page }) => {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.clearBrowserCache');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  // 400 kbit/s both ways, 400 ms round trips: a weak 3G signal in a village.
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 400,
    downloadThroughput: (400 * 1000) / 8,
    uploadThroughput: (400 * 1000) / 8,
  });
  await page.goto('/programs?q=%D0%BA%D1%80%D0%B5%D0%B4%D0%B8%D1%82', { waitUntil: 'load' });
  const lcp = await page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        new PerformanceObserver((list) => {
          const entries = list.getEntries();
          resolve(entries[entries.length - 1].startTime);
        }).observe({ type: 'largest-contentful-paint', buffered: true });
      }),
  );
  // Usable: the results are there to read and to follow before any script has run.
  await expect(page.getByTestId('results').getByRole('link').first()).toBeVisible();
  const hydrated = await page
    .locator('.live-search[data-hydrated="true"]')
    .waitFor({ timeout: 60_000 })
    .then(() => page.evaluate(() => performance.now()));
  console.log(
    `\n| search page on 400 kbit/s, 400 ms latency | LCP ${Math.round(lcp)} ms (budget ${LCP_BUDGET_MS} ms) | live search awake at ${Math.round(hydrated)} ms |`,
  );
  expect(lcp).toBeLessThanOrEqual(LCP_BUDGET_MS);
});
