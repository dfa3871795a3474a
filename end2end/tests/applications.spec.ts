import { expect, test } from '@playwright/test';
import { ApplicationPage, Operator, applicant, pdf } from './pages/application';
import { ownAddress } from './client';

test.beforeEach(async ({ page }) => {
  await ownAddress(page);
});

test('an entrepreneur applies with a document, follows the timeline and answers a request', async ({ page, baseURL }) => {
  const app = await applicant(page);
  await expect(app.state).toHaveText('Черновик');
  await expect(app.estimate).toContainText('слишком мало решений');

  await app.amount.fill('2 500 000');
  await app.term.fill('36');
  await app.purpose.fill('Покупка пяти нетелей');
  await app.activity.fill('Молочная ферма на пять коров');
  await app.costs.fill('3 000 000');
  await app.revenue.fill('2 400 000');
  await app.jobs.fill('2');
  await app.document(0).setInputFiles(pdf('удостоверение.pdf'));
  await app.submit.click();

  await expect(page).toHaveURL(/done=submit/);
  await expect(page.getByRole('status').first()).toContainText('Заявка отправлена');
  await expect(app.state).toHaveText('Подана');
  await expect(app.events).toHaveCount(2);
  await expect(app.timeline).toContainText('Заявка отправлена');
  await expect(page.getByTestId('documents')).toContainText('удостоверение.pdf');

  // The operator takes it up and asks for a certificate.
  const operator = await Operator.signIn(baseURL!);
  const id = app.id();
  await operator.step(id, 'start_review');
  await operator.step(id, 'request_info', {
    items: ['Справка о составе семьи'],
    fields: { due_on: '2026-12-11' },
  });

  await page.goto(`/applications/${id}`);
  await expect(app.state).toHaveText('Запрошены сведения');
  await expect(app.todo).toContainText('Ответьте на запрос');
  await expect(app.infoRequest).toContainText('Справка о составе семьи');
  await expect(app.timeline).toContainText('Оператор запросил сведения');
  await app.answer.fill('Справку прилагаю');
  await app.answerFiles.setInputFiles(pdf('spravka.pdf'));
  await app.sendAnswer.click();

  await expect(page).toHaveURL(/done=answer/);
  await expect(app.state).toHaveText('На рассмотрении');
  await expect(app.events).toHaveCount(5);
  await expect(app.timeline).toContainText('Заявитель ответил на запрос');
  await expect(page.getByTestId('documents')).toContainText('spravka.pdf');

  // The bell carries the operator's steps.
  await page.goto('/notifications');
  await expect(page.getByTestId('notification').first()).toContainText(`Заявка №${id}`);
  await operator.dispose();
});

test('a draft survives a reload and an interval without a connection', async ({ page, context }, testInfo) => {
  test.skip(testInfo.project.name === 'chromium-no-js', 'saving as one types needs JavaScript');
  const app = await applicant(page);
  // Typed before the page is live (a slow connection): the text stays, and is saved once
  // the page comes alive.
  await app.purpose.fill('Теплица на 6 соток');
  await app.hydrated();
  await expect(app.purpose).toHaveValue('Теплица на 6 соток');
  await expect(app.autosave).toHaveText('Черновик сохранён.');
  await page.reload();
  await expect(app.purpose).toHaveValue('Теплица на 6 соток');

  // The connection drops while typing: kept on the device, sent when it returns.
  await app.hydrated();
  await context.setOffline(true);
  await app.activity.fill('Выращивание огурцов');
  await expect(app.autosave).toContainText('Нет связи');
  await context.setOffline(false);
  await expect(app.autosave).toHaveText('Черновик сохранён.');
  await page.reload();
  await expect(app.activity).toHaveValue('Выращивание огурцов');

  // Offline again, and the page is closed before the connection returns: the next visit
  // restores the text from the device and sends it.
  await app.hydrated();
  await context.setOffline(true);
  await app.collateral.fill('Дом в селе');
  await expect(app.autosave).toContainText('Нет связи');
  const kept = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('auyl-draft-')));
  expect(kept).toHaveLength(1);
  const id = app.id();
  // Closed, not navigated away: a page still unloading could hear the connection return and
  // send the text itself (harmless, but then this would test that instead).
  await page.close();
  await context.setOffline(false);
  const next = await context.newPage();
  const again = new ApplicationPage(next);
  await next.goto(`/applications/${id}`);
  await expect(again.collateral).toHaveValue('Дом в селе');
  await expect(again.autosave).toHaveText('Черновик сохранён.');
  await next.reload();
  await expect(again.collateral).toHaveValue('Дом в селе');
});

test('an akim recommends an application, declaring a relationship, and the applicant sees it', async ({ page, browser, baseURL }, testInfo) => {
  const app = await applicant(page);
  // The applicant lives in okrug 101033000, the demo akim's.
  const saved = await page.request.post('/profile', {
    form: { settlement: '101033100' },
    headers: { Origin: baseURL! },
    maxRedirects: 0,
  });
  expect(saved.status()).toBe(303);
  const id = app.id();
  await page.goto(`/applications/${id}`);
  await app.submitComplete();
  await expect(page.getByTestId('recommendation-section')).toContainText('не условие подачи');
  await page.getByTestId('ask-recommendation').click();
  await expect(page.getByTestId('recommendation-asked')).toBeVisible();

  const akimContext = await browser.newContext({ javaScriptEnabled: testInfo.project.name !== 'chromium-no-js' });
  const akim = await akimContext.newPage();
  await akim.goto('/sign-in');
  await akim.getByLabel('Телефон или e-mail').fill('+77010000003');
  await akim.getByLabel('Пароль', { exact: true }).fill('demo-parol-2026');
  await akim.getByRole('button', { name: 'Войти' }).click();
  await expect(akim).toHaveURL(/\/account/);
  await akim.goto('/akimat');
  await akim.locator(`a[href="/applications/${id}"]`).click();
  const form = akim.getByTestId('recommend-form');
  await form.locator('#verdict-recommend').check();
  await form.locator('#reasons-verified_on_site').check();
  await form.locator('#text').fill('Хозяйство проверено на месте');
  await form.locator('#relationship-family').check();
  await form.locator('#relationship_note').fill('Племянница');
  await akim.getByTestId('recommend').click();
  await expect(akim).toHaveURL(/done=recommended/);
  await akimContext.close();

  await page.goto(`/applications/${id}`);
  const rec = page.getByTestId('recommendation');
  await expect(rec).toHaveCount(1);
  await expect(rec).toContainText('Рекомендует');
  await expect(page.getByTestId('relationship')).toContainText('Родство — Племянница');
  await expect(app.timeline).toContainText('Акимат дал рекомендацию');
});
