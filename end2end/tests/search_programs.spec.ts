import { expect, test } from '@playwright/test';
import { SearchPage } from './pages/search_page';

test('a Kazakh name typed without Kazakh letters finds the programme', async ({ page }) => {
  const search = new SearchPage(page);
  await search.goto();

  await search.search('кен дала');

  await expect(search.cardTitles().first()).toContainText('Кең дала');
  await expect(search.cards.first().locator('mark').first()).toHaveText('Кең');
  await expect(page).toHaveURL(/q=%D0%BA%D0%B5%D0%BD/);
});

test('Kazakh in Latin letters, and Russian typed on the English layout, find the programmes', async ({ page }) => {
  const search = new SearchPage(page);
  await search.goto();

  await search.search('Auyl amanaty');
  await expect(search.cardTitles().first()).toContainText('Ауыл аманаты');
  await expect(search.cards.first().locator('mark').first()).toHaveText('Ауыл');

  await search.search('vbrhjrhtlbn');
  await expect(page.getByTestId('corrected')).toContainText('Показаны результаты по запросу «микрокредит»');
  await expect(search.cardTitles().first()).toContainText(/микрокредит/i);
});

test('with JavaScript, results follow the typing without a page load', async ({ page }) => {
  test.skip(!SearchPage.jsEnabled(), 'needs JavaScript');
  const search = new SearchPage(page);
  await search.goto();
  const loads: string[] = [];
  page.on('load', () => loads.push(page.url()));
  const calls = page.waitForRequest((r) => r.url().endsWith('/api/search_programs') && r.method() === 'POST');

  await search.query.pressSequentially('микрозайм', { delay: 40 });

  await calls;
  // «Найдено 5 программ», or «Найдена 21 программа»: the count decides the form.
  await expect(search.count).toHaveText(/^Найден[оа] \d+ программ/);
  await expect(search.cardTitles().first()).toBeVisible();
  await expect(page).toHaveURL(/q=%D0%BC%D0%B8%D0%BA%D1%80%D0%BE%D0%B7%D0%B0%D0%B9%D0%BC/);
  expect(loads, 'no page load while typing').toEqual([]);
});

test('a query typed before the page is live is kept, and searched when it wakes', async ({ page }) => {
  test.skip(!SearchPage.jsEnabled(), 'needs JavaScript');
  // The wasm is held back until the query is typed, as a slow connection holds it for seconds.
  let release: () => void = () => {};
  const typed = new Promise<void>((resolve) => (release = resolve));
  await page.route('**/*.wasm', async (route) => {
    await typed;
    await route.continue();
  });
  await page.goto('/programs');
  await page.locator('#q').fill('микрозайм');
  release();

  await expect(page.locator('.live-search[data-hydrated="true"]')).toBeVisible();
  await expect(page.locator('#q')).toHaveValue('микрозайм');
  await expect(page).toHaveURL(/q=%D0%BC%D0%B8%D0%BA%D1%80%D0%BE%D0%B7%D0%B0%D0%B9%D0%BC/);
  await expect(new SearchPage(page).count).toHaveText(/^Найден[оа] \d+ программ/);
});

test('a search with no results says so and offers a way back', async ({ page }) => {
  const search = new SearchPage(page);
  await search.goto();

  await search.search('космодром');

  await expect(page.locator('.results-count:visible')).toContainText('Найдено 0 программ');
  await expect(page.locator('.empty:visible')).toContainText('Ничего не нашлось');
});

test('a bad address parameter is explained next to the form', async ({ page }) => {
  const response = await page.goto('/programs?kind=bank');

  expect(response?.status()).toBe(400);
  const search = new SearchPage(page);
  await expect(search.alert).toContainText('Ошибка в поле «Вид поддержки»');
  await expect(search.alert).toContainText('Неизвестный вид поддержки «bank»');
  await expect(search.query).toBeVisible();
});

test('the results page at phone and desktop widths', async ({ page }, testInfo) => {
  const search = new SearchPage(page);
  for (const [name, width, height] of [['360', 360, 800], ['1280', 1280, 900]] as const) {
    await page.setViewportSize({ width, height });
    await search.goto('q=%D0%BA%D1%80%D0%B5%D0%B4%D0%B8%D1%82');
    await expect(search.cards.first()).toBeVisible();
    const path = testInfo.outputPath(`results-${name}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(`results-${name}`, { path, contentType: 'image/png' });
  }
});
