import { expect, test } from '@playwright/test';
import { ProgramPage } from './pages/program_page';
import { SearchPage } from './pages/search_page';

test('a result opens the programme with its conditions in plain words', async ({ page }) => {
  const search = new SearchPage(page);
  await search.goto();
  await search.search('ауыл аманаты');

  await search.cardTitles().filter({ hasText: 'микрокредит на бизнес в селе' }).first().click();

  const program = new ProgramPage(page);
  await expect(page).toHaveURL(/\/programs\/auyl-amanaty-microcredit$/);
  await expect(program.heading).toContainText('Ауыл аманаты');
  await expect(program.fact('Сумма')).toContainText('10 812 500 ₸');
  await expect(program.fact('Сумма')).toContainText('2 500 МРП');
  await expect(program.fact('Ставка')).toContainText('2,5 % годовых');
  await expect(program.source).toHaveAttribute('href', /^https:\/\//);
  await expect(page.getByRole('heading', { name: 'Как подать заявку' })).toBeVisible();
});

test('an illustrative regional variant says so', async ({ page }) => {
  await page.goto('/programs/kostanay-dairy-microcredit');

  await expect(page.getByRole('note').filter({ hasText: 'демонстрационный' })).toBeVisible();
});

test('the programme page switches to Kazakh', async ({ page }) => {
  await page.goto('/programs/ken-dala-2026');

  await page.getByRole('link', { name: 'Қазақша' }).click();

  await expect(page.locator('html')).toHaveAttribute('lang', 'kk');
  await expect(page.getByRole('heading', { name: 'Шарттар' })).toBeVisible();
});

test('an unknown programme is a 404 page with a way back', async ({ page }) => {
  const response = await page.goto('/programs/no-such-programme');

  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Программа не найдена.');
  await expect(page.getByRole('link', { name: '← К поиску программ' })).toBeVisible();
});
