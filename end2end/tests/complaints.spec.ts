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

test("a resident complains about an operator's silence, its admin answers, and the resident reads the answer in Kazakh on a phone", async ({ page, browser }, testInfo) => {
  const js = testInfo.project.name !== 'chromium-no-js';
  await ownAddress(page);
  const app = await applicant(page);
  await app.submitComplete();
  const id = app.id();

  // From the application's page to the form, the application already chosen.
  await page.goto(`/applications/${id}`);
  await page.getByTestId('complain').click();
  const form = page.getByTestId('complaint-form');
  await expect(form.locator('#complaint_about_operator')).toBeChecked();
  await expect(form.locator('#complaint_application')).toHaveValue(String(id));
  await form.locator('#complaint_reason').selectOption('no_answer');
  await form.locator('#complaint_text').fill('Три недели никто не звонит, заявка стоит без движения.');
  await page.getByTestId('complaint-send').click();
  await expect(page.getByTestId('complaint-done')).toContainText('Жалоба отправлена');
  await expect(page.getByTestId('complaint-page')).toHaveAttribute('data-standing', 'open');
  await expect(page.getByTestId('complaint-owner')).toContainText('Серік Әлиев');
  const cid = new URL(page.url()).pathname.split('/')[2];

  // The organisation's admin finds it in the header's «Жалобы» and answers.
  const adminContext = await browser.newContext({ javaScriptEnabled: js, locale: 'ru-RU' });
  const admin = await adminContext.newPage();
  await ownAddress(admin);
  await signIn(admin, 'admin@agrocredit.demo');
  await admin.getByTestId('nav-complaints').click();
  await admin.getByRole('link', { name: `Жалоба №${cid}` }).click();
  await expect(admin.getByTestId('complaint-text')).toContainText('Три недели никто не звонит');
  await expect(admin.getByTestId('complaint-author')).toContainText('Айжан Нұрланова');
  await admin.locator('#complaint_answer').fill('Рецензент вернулся из отпуска и позвонит завтра.');
  await admin.getByTestId('complaint-answer-send').click();
  await expect(admin.getByTestId('complaint-done')).toContainText('Ответ отправлен');
  await expect(admin.getByTestId('complaint-answer-form')).toHaveCount(0);
  await adminContext.close();

  // The resident, in Kazakh on a 360 px phone: the answer, in time, nothing wider than the screen.
  await page.setViewportSize({ width: 360, height: 780 });
  await page.goto(`/complaints/${cid}?lang=kk`);
  await expect(page.getByTestId('complaint-answer')).toContainText('Рецензент вернулся из отпуска');
  await expect(page.getByTestId('complaint-standing')).toContainText('Мерзімінде жауап берілді');
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, 'the complaint scrolls sideways at 360 px').toBeLessThanOrEqual(0);
});
