import { Page, expect, test } from '@playwright/test';
import { ownAddress } from './client';
import { Operator, applicant } from './pages/application';

async function signIn(page: Page, login: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Телефон или e-mail').fill(login);
  await page.getByLabel('Пароль', { exact: true }).fill('demo-parol-2026');
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page).toHaveURL(/\/account/);
}

test('a refused applicant downloads the letter, checks it at /verify, appeals, and a colleague overturns the refusal', async ({ page, browser, baseURL }, testInfo) => {
  const js = testInfo.project.name !== 'chromium-no-js';
  await ownAddress(page);
  const app = await applicant(page);
  await app.submitComplete();
  const id = app.id();
  const operator = await Operator.signIn(baseURL!);
  await operator.step(id, 'start_review');
  await operator.step(id, 'reject', { fields: { reject_reason: 'weak_plan' }, reason: 'Нет рынка сбыта молока' });
  await operator.dispose();

  // The refusal letter: listed, downloadable as a PDF, and checkable by its code.
  await page.goto(`/applications/${id}`);
  const letter = page.locator('[data-testid="record"][data-kind="rejected"]');
  await expect(letter).toContainText('Письмо о решении по заявке');
  const href = await letter.getByTestId('record-pdf-link').getAttribute('href');
  const pdf = await page.request.get(href!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  const bytes = await pdf.body();
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  expect(bytes.toString('latin1')).toContain('%AUYL-SIGNATURE Ed25519 ');
  const code = href!.split('/')[2];

  // Anyone holding the code (here, signed out) checks it, typed as printed.
  const context = await browser.newContext({ javaScriptEnabled: js, locale: 'ru-RU' });
  const bank = await context.newPage();
  await ownAddress(bank);
  await bank.goto('/verify');
  await bank.locator('#code').fill(`${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8)}`.toLowerCase());
  await bank.getByRole('button', { name: 'Проверить' }).click();
  await expect(bank.getByTestId('verify-found')).toContainText('В заявке отказано');
  await expect(bank.getByTestId('verify-standing')).toHaveAttribute('data-current', 'true');
  await expect(bank.getByTestId('verify-found')).not.toContainText('Нұрланова');

  // The applicant appeals within the period.
  await expect(page.getByTestId('appeal-open-until')).toBeVisible();
  await page.locator('#appeal_reasons').fill('Договор с молокозаводом на сбыт есть, прилагаю.');
  await page.getByTestId('appeal-send').click();
  await expect(page.getByRole('status').first()).toContainText('Апелляция подана');
  await expect(page.getByTestId('appeal-status')).toHaveAttribute('data-outcome', 'open');

  // The reviewer who refused cannot decide it; the organisation's admin overturns it.
  const staffContext = await browser.newContext({ javaScriptEnabled: js, locale: 'ru-RU' });
  const staff = await staffContext.newPage();
  await ownAddress(staff);
  await signIn(staff, 'operator@agrocredit.demo');
  await staff.goto('/operator');
  await expect(staff.getByTestId('queue-appeals')).toContainText(`Заявка №${id}`);
  await staff.goto(`/applications/${id}`);
  await expect(staff.getByTestId('appeal-not-yours')).toBeVisible();
  await expect(staff.getByTestId('appeal-decide')).toHaveCount(0);
  await staffContext.close();
  const adminContext = await browser.newContext({ javaScriptEnabled: js, locale: 'ru-RU' });
  const admin = await adminContext.newPage();
  await ownAddress(admin);
  await signIn(admin, 'admin@agrocredit.demo');
  await admin.goto(`/applications/${id}`);
  const decide = admin.getByTestId('appeal-decide');
  await decide.getByLabel('Отказ отменён: заявка снова на рассмотрении').check();
  await decide.locator('#appeal_answer').fill('Договор сбыта снимает причину отказа.');
  await decide.getByRole('button', { name: 'Принять решение' }).click();
  await expect(admin.getByRole('status').first()).toContainText('Решение по апелляции сохранено');
  await adminContext.close();

  // Back in review for the applicant, with the reasons; the letter no longer stands.
  await page.goto(`/applications/${id}`);
  await expect(page.getByTestId('state')).toHaveText('На рассмотрении');
  await expect(page.getByTestId('appeal-status')).toHaveAttribute('data-outcome', 'overturned');
  await expect(page.getByTestId('appeal-status')).toContainText('Договор сбыта снимает причину отказа');
  await bank.goto(`/verify/${code}`);
  await expect(bank.getByTestId('verify-standing')).toHaveAttribute('data-current', 'false');
  await expect(bank.getByTestId('verify-standing')).toContainText('больше не действует');
  await context.close();
});
