import { expect, test } from '@playwright/test';
import { ownAddress } from './client';
import { ApplicationPage, applicant, pdf } from './pages/application';

// Okrug 611633000 (Акдалинский с.о., Turkistan region) and its demo akim; the other specs
// recommend in another okrug.
const OKRUG = '611633000';
const VILLAGE = '611633100';
const AKIM = '+77010000005';

test('an akim recommends two applications and the public okrug report shows it; the print view fits one A4 page', async ({ page, browser, baseURL }, testInfo) => {
  const js = testInfo.project.name !== 'chromium-no-js';
  const report = `/okrugs/${OKRUG}`;
  const recommendedRow = page.locator('[data-testid="outcomes"] tr[data-said="recommended"] td').first();
  await page.goto(report);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Акдалинский с.о.');
  const before = (await recommendedRow.textContent())?.trim();

  // Two residents apply and ask the akim to recommend. Two, so that the figure visibly moves
  // whatever it was: 0 → "менее 3", 1 → 3, 2 → 4…
  const ids: number[] = [];
  for (let i = 0; i < 2; i++) {
    const context = await browser.newContext({ javaScriptEnabled: js });
    const resident = await context.newPage();
    await ownAddress(resident);
    const app = await applicant(resident);
    const saved = await resident.request.post('/profile', {
      form: { settlement: VILLAGE },
      headers: { Origin: baseURL! },
      maxRedirects: 0,
    });
    expect(saved.status()).toBe(303);
    ids.push(app.id());
    await resident.goto(`/applications/${app.id()}`);
    await app.submitComplete();
    await resident.getByTestId('ask-recommendation').click();
    await expect(resident.getByTestId('recommendation-asked')).toBeVisible();
    await context.close();
  }

  const akimContext = await browser.newContext({ javaScriptEnabled: js });
  const akim = await akimContext.newPage();
  await akim.goto('/sign-in');
  await akim.getByLabel('Телефон или e-mail').fill(AKIM);
  await akim.getByLabel('Пароль', { exact: true }).fill('demo-parol-2026');
  await akim.getByRole('button', { name: 'Войти' }).click();
  await expect(akim).toHaveURL(/\/account/);
  await akim.goto('/akimat');
  await expect(akim.getByTestId('workspace')).toBeVisible();
  const applied = Number((await akim.getByTestId('ws-applied').textContent())?.replace(/\D/g, ''));
  expect(applied).toBeGreaterThanOrEqual(2);
  for (const id of ids) {
    await akim.goto('/akimat');
    await akim.locator(`a[href="/applications/${id}"]`).first().click();
    const form = akim.getByTestId('recommend-form');
    await form.locator('#verdict-recommend').check();
    await form.locator('#reasons-known_to_akimat').check();
    await form.locator('#relationship-none').check();
    await akim.getByTestId('recommend').click();
    await expect(akim).toHaveURL(/done=recommended/);
  }
  await akimContext.close();

  // The public report, signed out, has moved, and names the akim who recommended.
  await page.goto(report);
  const after = (await recommendedRow.textContent())?.trim();
  expect(after).not.toBe(before);
  await expect(page.getByTestId('recommenders')).toContainText('Аким Нұрлан Жақсыбеков');
  await expect(page.getByTestId('funnel')).toHaveAttribute('aria-label', /Рекомендовано акиматом: /);
  // The district's report lists the okrug among its own.
  await page.locator('.crumbs a').last().click();
  await expect(page.getByTestId('children')).toContainText('Акдалинский с.о.');

  // The print version: no picker, no navigation on paper, and one A4 page.
  await page.goto(`${report}?print=1`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Акдалинский с.о.');
  await expect(page.locator('form.picker')).toHaveCount(0);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.site-header')).toBeHidden();
  if (js) {
    // page.pdf() prints what the browser would; counting its pages checks the layout.
    const pdf = (await page.pdf({ format: 'A4', printBackground: true })).toString('latin1');
    const pages = pdf.match(/\/Type\s*\/Page[^s]/g) ?? [];
    expect(pages.length).toBe(1);
  }
});

test('the picker finds an okrug typed in Kazakh with a typo, and the open data downloads', async ({ page }) => {
  await page.goto('/okrugs');
  // Kazakh letters, the Kazakh kind of unit, and a letter missing: «Ақдла» for Акдала.
  await page.getByLabel('Найти округ, район или область').fill('Ақдла ауылдық округі');
  await page.getByRole('button', { name: 'Найти' }).click();
  // Two okrugs share the name; each hit says where it lies.
  const hit = page.locator('.picker-hits li').filter({ hasText: 'Туркестанская область' });
  await expect(hit).toContainText('Акдалинский с.о.');
  await hit.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/okrugs/${OKRUG}$`));
  const csv = await page.request.get(`/okrugs/${OKRUG}/data.csv`);
  expect(csv.headers()['content-type']).toContain('text/csv');
  const text = await csv.text();
  expect(text.split('\n')[0]).toBe('area_code,level,measure,key,value');
  expect(text).toMatch(new RegExp(`^${OKRUG},okrug,applied,,(\\d+|<3)$`, 'm'));
  const json = await (await page.request.get(`/okrugs/${OKRUG}/data.json`)).json();
  expect(json.schema).toBe('auyl-report/1');
  expect(json.area.code).toBe(OKRUG);
});

test('akimat staff file for a resident with a signed paper consent, then fill in and submit for them', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('Телефон или e-mail').fill('+77010000004');
  await page.getByLabel('Пароль', { exact: true }).fill('demo-parol-2026');
  await page.getByRole('button', { name: 'Войти' }).click();
  await expect(page).toHaveURL(/\/account/);
  await page.goto('/akimat');
  await page.getByTestId('assist-link').click();
  await expect(page).toHaveURL(/\/akimat\/assist$/);

  // Without a consent nothing starts, and what was typed comes back.
  const form = page.getByTestId('assist-form');
  const phone = `+7707${Math.floor(Math.random() * 9_000_000) + 1_000_000}`;
  await form.getByLabel('Имя и фамилия жителя').fill('Сәуле Жұмабаева');
  await form.getByLabel('Телефон жителя').fill(phone);
  await form.getByLabel('Программа').selectOption('auyl-amanaty-microcredit');
  await page.getByTestId('assist-start').click();
  await expect(page.getByRole('alert')).toContainText('Скан подписанного согласия');
  await expect(form.getByLabel('Телефон жителя')).toHaveValue(phone);

  await form.locator('#consent_scan').setInputFiles(pdf('согласие.pdf'));
  await page.getByTestId('assist-start').click();
  await expect(page).toHaveURL(/\/applications\/\d+\?done=assisted/);
  const app = new ApplicationPage(page);
  await expect(page.getByTestId('assisted')).toContainText('Гүлнар Омарова');
  await expect(app.state).toHaveText('Черновик');
  await app.submitComplete();
  await expect(app.timeline).toContainText('Акимат начал заявку от имени жителя');
  await expect(app.timeline).toContainText('Акимат внёс данные в черновик');
  await expect(page.getByTestId('documents')).toContainText('согласие.pdf');
});
