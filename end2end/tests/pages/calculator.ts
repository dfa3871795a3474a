import type { Locator, Page } from '@playwright/test';

/** The loan calculator on a loan-like programme's page. */
export class Calculator {
  readonly page: Page;
  readonly amount: Locator;
  readonly rate: Locator;
  readonly term: Locator;
  readonly grace: Locator;
  readonly method: Locator;
  readonly submit: Locator;
  readonly payment: Locator;
  readonly interest: Locator;
  readonly schedule: Locator;

  constructor(page: Page) {
    this.page = page;
    const section = page.locator('#calculator');
    this.amount = section.getByLabel('Сумма, ₸');
    this.rate = section.getByLabel('Ставка, % годовых');
    this.term = section.getByLabel('Срок, месяцев');
    this.grace = section.getByLabel('Льготный период, месяцев');
    this.method = section.getByLabel('Способ погашения');
    this.submit = section.getByRole('button', { name: 'Рассчитать' });
    this.payment = page.getByTestId('calc-payment');
    this.interest = page.getByTestId('calc-interest');
    this.schedule = section.locator('table tbody tr');
  }

  async goto(slug: string): Promise<void> {
    await this.page.goto(`/programs/${slug}`);
  }

  async fill(amount: string, rate: string, term: string): Promise<void> {
    await this.amount.fill(amount);
    await this.rate.fill(rate);
    await this.term.fill(term);
  }
}
