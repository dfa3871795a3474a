import { Page, expect, test } from '@playwright/test';
import { ownAddress } from './client';
import { applicant } from './pages/application';

async function signIn(page: Page, login: string): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Телефон или e-mail').fill(login);
  await page.getByLabel('Пароль', { exact: true }).fill('demo-parol-2026');
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page).toHaveURL(/\/account/);
}

/** A minimal PDF: the operator's answer carries a form to fill in. */
function pdf(name: string) {
  return {
    name,
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'utf-8'),
  };
}

test('the applicant asks a question on the application and reads the operator’s answer with its file', async ({ page, browser }, testInfo) => {
  const js = testInfo.project.name !== 'chromium-no-js';
  await ownAddress(page);
  const app = await applicant(page);
  await app.submitComplete();
  const id = app.id();

  // The applicant asks, on the application's own page.
  const thread = page.getByTestId('thread');
  await expect(thread.getByTestId('thread-empty')).toBeVisible();
  await page.locator('#message').fill('Нужен ли залог для суммы в 1 млн ₸?');
  await page.getByTestId('thread-send').click();
  await expect(page.getByRole('status').first()).toContainText('Сообщение отправлено');
  await expect(page.getByTestId('thread-message')).toHaveCount(1);
  await expect(page.getByTestId('thread-message').first()).toContainText('Нужен ли залог');

  // The operator sees it as new and answers with a file.
  const context = await browser.newContext({ javaScriptEnabled: js, locale: 'ru-RU' });
  const staff = await context.newPage();
  await ownAddress(staff);
  await signIn(staff, 'operator@agrocredit.demo');
  await staff.goto(`/applications/${id}`);
  await expect(staff.getByTestId('thread-unread')).toContainText('Новых сообщений: 1');
  await staff.locator('#message').fill('Для 1 млн ₸ залог не нужен. Заполните, пожалуйста, анкету из файла.');
  await staff.locator('#attachment').setInputFiles(pdf('anketa.pdf'));
  await staff.getByTestId('thread-send').click();
  await expect(staff.getByRole('status').first()).toContainText('Сообщение отправлено');
  await context.close();

  // The applicant reads the answer: new to them, with the file; their question is marked read.
  await page.goto(`/applications/${id}`);
  await expect(page.getByTestId('thread-unread')).toContainText('Новых сообщений: 1');
  const answer = page.locator('[data-testid="thread-message"][data-side="operator"]');
  await expect(answer).toContainText('залог не нужен');
  await expect(answer).toContainText('новое');
  await expect(answer.getByRole('link', { name: 'anketa.pdf' })).toBeVisible();
  await expect(page.locator('[data-testid="thread-message"][data-side="applicant"]').getByTestId('thread-read')).toBeVisible();
  const file = await page.request.get((await answer.getByRole('link', { name: 'anketa.pdf' }).getAttribute('href'))!);
  expect(file.status()).toBe(200);
  expect((await file.body()).subarray(0, 4).toString()).toBe('%PDF');
});

test('with JavaScript, the operator’s answer appears on the applicant’s open page without a reload', async ({ page, browser }, testInfo) => {
  test.skip(testInfo.project.name === 'chromium-no-js', 'without JavaScript a reload shows new messages');
  await ownAddress(page);
  const app = await applicant(page);
  await app.submitComplete();
  const id = app.id();
  await page.goto(`/applications/${id}`);
  await expect(page.getByTestId('thread-empty')).toBeVisible();

  const context = await browser.newContext({ locale: 'ru-RU' });
  const staff = await context.newPage();
  await ownAddress(staff);
  await signIn(staff, 'operator@agrocredit.demo');
  await staff.goto(`/applications/${id}`);
  await staff.locator('#message').fill('Добрый день! Заявку приняли, ответим до пятницы.');
  await staff.getByTestId('thread-send').click();
  await expect(staff.getByRole('status').first()).toContainText('Сообщение отправлено');
  await context.close();

  // The open page asks every 20 seconds; no reload happens.
  await expect(page.getByTestId('thread-live')).toContainText('ответим до пятницы', { timeout: 45_000 });
  await expect(page.getByTestId('thread-live').locator('[data-side="operator"]')).toHaveCount(1);
});
