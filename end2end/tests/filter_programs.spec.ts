import { expect, test } from '@playwright/test';
import { SearchPage } from './pages/search_page';

test('choosing a kind shows only that kind and keeps it in the address', async ({ page }) => {
  const search = new SearchPage(page);
  await search.goto();

  await search.choose(search.kind, 'grant');

  await expect(page).toHaveURL(/kind=grant/);
  await expect(search.cards.first()).toBeVisible();
  const badges = await search.cards.locator('.badge').allTextContents();
  expect(badges.length).toBeGreaterThan(0);
  expect(new Set(badges)).toEqual(new Set(['Грант']));
  // Counts in the kind menu still offer the other kinds.
  await expect(search.kind.locator('option[value="microcredit"]')).toHaveText(/Микрокредит \(\d+\)/);
});

test('a region shows its own programmes and the nationwide ones', async ({ page }) => {
  const search = new SearchPage(page);
  await search.goto();

  await search.choose(search.region, '610000000');

  await expect(page).toHaveURL(/region=610000000/);
  // With JavaScript the address changes before the results do: wait for the filtered list.
  await expect(
    search.cards.locator('.card-where').filter({ hasNotText: /^(Туркестанская область|Весь Казахстан)$/ }),
  ).toHaveCount(0);
  const places = await search.cards.locator('.card-where').allTextContents();
  expect(places.length).toBeGreaterThan(0);
  for (const place of places) {
    expect(['Туркестанская область', 'Весь Казахстан']).toContain(place);
  }
  expect(places).toContain('Туркестанская область');
});

test('sorting by amount puts the largest first and pages keep the filters', async ({ page }) => {
  const search = new SearchPage(page);
  await search.goto('kind=microcredit&per_page=5');

  await search.choose(search.sort, 'amount');

  await expect(page).toHaveURL(/sort=amount/);
  const next = page.getByRole('link', { name: 'Вперёд →' });
  await expect(next).toHaveAttribute('href', /kind=microcredit.*sort=amount.*page=2/);
  await next.click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.locator('.page-of:visible')).toContainText('Страница 2 из');
});
