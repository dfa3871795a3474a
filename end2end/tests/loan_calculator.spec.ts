import { expect, test } from '@playwright/test';
import { Calculator } from './pages/calculator';

// 1 000 000 ₸ at 12 % for 12 months: 88 848,79 ₸ a month.
const PAYMENT = /88\s848,79\s₸/;

test('the calculator answers with the payment and the schedule, JavaScript or not', async ({ page }) => {
  const calc = new Calculator(page);
  await calc.goto('auyl-amanaty-microcredit');
  // The programme's own terms are filled in, with an answer already.
  await expect(calc.amount).toHaveValue('10812500');
  await expect(calc.payment).toBeVisible();

  await calc.fill('1 000 000', '12', '12');
  await calc.submit.click();

  await expect(calc.payment).toHaveText(PAYMENT);
  await expect(calc.schedule).toHaveCount(12);
  await expect(page).toHaveURL(/amount=1(\+|%20)000(\+|%20)000/);
});

test('with JavaScript, the answer follows the typing without a page load', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name === 'chromium-no-js', 'needs JavaScript');
  const calc = new Calculator(page);
  await calc.goto('auyl-amanaty-microcredit');
  await expect(page.locator('#calculator[data-hydrated="true"]')).toBeVisible();
  let loads = 0;
  page.on('load', () => loads++);

  await calc.fill('1 000 000', '12', '12');

  await expect(calc.payment).toHaveText(PAYMENT);
  await calc.method.selectOption('differentiated');
  await expect(calc.payment).toContainText('→');
  await calc.amount.fill('99999999999');
  await expect(page.locator('#amount-error')).toContainText('Программа даёт не больше');
  await expect(calc.payment).toHaveCount(0);
  expect(loads).toBe(0);
  await expect(page).toHaveURL(/amount=99999999999/);
});

test('a figure beyond the programme is named by its field', async ({ page }) => {
  const calc = new Calculator(page);
  const response = await page.goto('/programs/auyl-amanaty-microcredit?term=120#calculator');

  expect(response?.status()).toBe(400);
  await expect(page.locator('#term-error')).toHaveText('Введите число от 1 до 84.');
  await expect(calc.term).toHaveAttribute('aria-invalid', 'true');
  await expect(calc.term).toHaveValue('120');
});
