import type { Locator, Page } from '@playwright/test';

/** A programme page, `/programs/{slug}`. */
export class ProgramPage {
  readonly page: Page;
  readonly heading: Locator;
  readonly conditions: Locator;
  readonly source: Locator;
  readonly back: Locator;

  constructor(page: Page) {
    this.page = page;
    this.heading = page.getByRole('heading', { level: 1 });
    // The conditions list, not the calculator's answer below it.
    this.conditions = page.locator('section[aria-labelledby="conditions"] dl.facts');
    this.source = page.locator('p.source a');
    this.back = page.getByRole('link', { name: '← К поиску программ' });
  }

  fact(label: string): Locator {
    return this.conditions.locator('.fact', { has: this.page.locator('dt', { hasText: label }) }).locator('dd');
  }
}
