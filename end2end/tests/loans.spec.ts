import { Page, expect, test } from '@playwright/test';
import { ownAddress } from './client';
import { Operator, applicant } from './pages/application';

// The lender's staff for the pages; the operator account moves the application through the
// API (its own screens have their spec).
const LENDER = 'admin@agrocredit.demo';

async function signIn(page: Page, login: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Телефон или e-mail').fill(login);
  await page.getByLabel('Пароль', { exact: true }).fill('demo-parol-2026');
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page).toHaveURL(/\/account/);
}

function file(name: string, text: string) {
  return { name, mimeType: 'text/csv', buffer: Buffer.from(text, 'utf-8') };
}

/** A one-pixel PNG: a photo of what was bought, for the form. */
function photo(name: string) {
  return {
    name,
    mimeType: 'image/png',
    buffer: Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
      'base64',
    ),
  };
}

test('the lender imports a bank file with one bad line, fixes it and imports; the borrower sees the schedule move and reports the use of funds; the okrug shows the outcome', async ({ page, browser, baseURL }, testInfo) => {
  const js = testInfo.project.name !== 'chromium-no-js';
  await ownAddress(page);

  // A borrower of okrug 101033000, paid 1,000,000 ₸ over 12 months on 27 November.
  const app = await applicant(page);
  const profile = await page.request.post('/profile', {
    form: { settlement: '101033100' },
    headers: { Origin: baseURL! },
    maxRedirects: 0,
  });
  expect(profile.status()).toBe(303);
  await app.submitComplete();
  const id = app.id();
  const operator = await Operator.signIn(baseURL!);
  await operator.step(id, 'start_review');
  await operator.step(id, 'approve', {
    fields: { approved_amount: 1000000, approved_term: 12, approved_rate: 2.5 },
  });
  await operator.step(id, 'disburse', {
    fields: { disbursed_on: '2026-11-27', disbursed_amount: 1000000, reference: 'ПП-77' },
  });
  await operator.dispose();

  await page.goto(`/applications/${id}`);
  await expect(page.getByTestId('schedule')).toBeVisible();
  await expect(page.getByTestId('instalment-1')).toHaveAttribute('data-status', 'Due');
  await expect(page.getByTestId('loan-next')).toContainText('27 декабря');

  // The lender's file: the third line's date is in the future. Nothing is imported.
  const context = await browser.newContext({ javaScriptEnabled: js, locale: 'ru-RU' });
  const lender = await context.newPage();
  await ownAddress(lender);
  await signIn(lender, LENDER);
  await lender.getByTestId('nav-portfolio').click();
  await expect(lender.getByRole('heading', { level: 1 })).toHaveText('Портфель займов');
  await lender.goto('/operator/repayments');
  const bad = `Заявка;Номер платежа;Дата;Сумма\n${id};KASPI-${id}-1;27.11.2026;90 000,00\n${id};KASPI-${id}-2;30.12.2026;5 000\n`;
  await lender.locator('#file').setInputFiles(file('kaspi.csv', bad));
  await lender.getByTestId('import-check').click();
  const errors = lender.getByTestId('import-errors');
  await expect(errors).toContainText('Строка 3');
  await expect(errors).toContainText('paid_on');
  await expect(lender.getByTestId('import-go')).toHaveCount(0);

  // Fixed, previewed, imported; the same file again adds nothing.
  const good = bad.replace('30.12.2026', '27.11.2026');
  await lender.locator('#file').setInputFiles(file('kaspi.csv', good));
  await lender.getByTestId('import-check').click();
  await expect(lender.getByTestId('import-preview')).toContainText('новых платежей: 2');
  await lender.getByTestId('import-go').click();
  await expect(lender.getByTestId('import-done')).toContainText('Записано платежей: 2');
  await lender.locator('#file').setInputFiles(file('kaspi.csv', good));
  await lender.getByTestId('import-check').click();
  await expect(lender.getByTestId('import-preview')).toContainText('уже записаны ранее: 2');
  await expect(lender.getByTestId('import-go')).toHaveCount(0);

  // The portfolio lists the loan as current.
  await lender.goto('/operator/portfolio?bucket=current');
  await expect(lender.locator(`[data-testid="portfolio-row"][data-id="${id}"]`)).toBeVisible();
  await context.close();

  // The borrower's schedule moved: the first instalment is paid, the next is due.
  await page.goto(`/applications/${id}`);
  await expect(page.getByTestId('instalment-1')).toHaveAttribute('data-status', 'Paid');
  await expect(page.getByTestId('loan-paid')).toContainText('95');
  await expect(page.getByTestId('repayments')).toContainText(`KASPI-${id}-1`);

  // The use of funds, with a photo of what was bought.
  await page.getByTestId('report-use_of_funds').locator('summary').click();
  await page.locator('#item_what_1').fill('Нетели, 3 головы');
  await page.locator('#item_amount_1').fill('900 000');
  await page.locator('#receipt').setInputFiles(photo('netel.png'));
  await page.getByTestId('file-use_of_funds').click();
  await expect(page.getByRole('status').first()).toContainText('Отчёт отправлен');
  await expect(page.getByTestId('report-use_of_funds')).toContainText('netel.png');
  await expect(page.getByTestId('report-use_of_funds')).toContainText('на проверке');

  // The lender returns the report with a reason; the borrower sees it, files again, and the
  // lender accepts the second filing.
  const review = await browser.newContext({ javaScriptEnabled: js, locale: 'ru-RU' });
  const reviewer = await review.newPage();
  await ownAddress(reviewer);
  await signIn(reviewer, LENDER);
  await reviewer.goto(`/applications/${id}`);
  const returned = reviewer.getByTestId('report-use_of_funds');
  await returned.getByLabel('Причина возврата').fill('Нет чека на 900 000 ₸');
  await returned.getByTestId('return-report').click();
  await expect(reviewer.getByRole('status').first()).toContainText('Решение по отчёту записано');
  await page.goto(`/applications/${id}`);
  const mine = page.getByTestId('report-use_of_funds');
  await expect(mine.locator('[data-testid="filing"][data-state="returned"]')).toContainText('Нет чека на 900 000 ₸');
  await mine.locator('summary').click();
  await page.locator('#item_what_1').fill('Нетели, 3 головы');
  await page.locator('#item_amount_1').fill('900 000');
  await page.locator('#receipt').setInputFiles(photo('chek.png'));
  await page.getByTestId('file-use_of_funds').click();
  await expect(page.getByRole('status').first()).toContainText('Отчёт отправлен');
  await reviewer.goto(`/applications/${id}`);
  await reviewer.getByTestId('report-use_of_funds').getByTestId('accept-report').click();
  await expect(reviewer.getByRole('status').first()).toContainText('Решение по отчёту записано');
  await review.close();
  await page.goto(`/applications/${id}`);
  await expect(page.getByTestId('report-use_of_funds').locator('[data-state="accepted"]')).toContainText('принят');

  // The okrug's akim confirms on site, in the akimat's name; the borrower sees it.
  const akimat = await browser.newContext({ javaScriptEnabled: js, locale: 'ru-RU' });
  const akim = await akimat.newPage();
  await ownAddress(akim);
  await signIn(akim, '+77010000003');
  await akim.goto(`/applications/${id}`);
  await akim.locator('#confirmation').fill('Были на ферме: три нетели в загоне');
  await akim.getByTestId('confirm-on-site').click();
  await expect(akim.getByRole('status').first()).toContainText('Подтверждение акимата записано');
  await akimat.close();
  await page.goto(`/applications/${id}`);
  await expect(page.getByTestId('confirmation')).toContainText('три нетели');

  // The okrug's public page says how its loans are repaid.
  await page.goto('/okrugs/101033000');
  await expect(page.getByTestId('after-money')).toBeVisible();
  await expect(page.getByTestId('loan-outcomes').locator('[data-said="all"]')).toBeVisible();
});

test('the organisation admin makes an API key, sees it once, the lender system uses it, and a revoked key is refused', async ({ page }) => {
  await ownAddress(page);
  await signIn(page, LENDER);
  await page.getByTestId('nav-api-keys').click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await page.locator('#name').fill('1С бухгалтерия');
  await page.getByTestId('api-key-create').getByRole('button').click();
  const key = (await page.getByTestId('fresh-key-value').textContent())!.trim();
  expect(key).toMatch(/^auyl_/);
  await page.reload();
  await expect(page.getByTestId('fresh-key')).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText(key);

  // The key opens the repayments door: an application the lender does not hold is named.
  const post = (k: string) =>
    page.request.post('/api/v1/repayments', {
      headers: { Authorization: `Bearer ${k}` },
      data: { application_id: 999999, reference: 'E2E-1', paid_on: '2026-11-27', amount_tiyn: 100000 },
    });
  const known = await post(key);
  expect(known.status()).toBe(400);
  expect((await known.json()).error.field).toBe('application_id');

  const row = page.getByTestId('api-key').filter({ hasText: '1С бухгалтерия' }).first();
  await row.getByRole('button').click();
  const revoked = await post(key);
  expect(revoked.status()).toBe(401);
});
