import { expect, type Locator, type Page } from '@playwright/test';

/** The catalogue search page, `/programs`. */
export class SearchPage {
  readonly page: Page;
  readonly query: Locator;
  readonly submit: Locator;
  readonly kind: Locator;
  readonly sector: Locator;
  readonly region: Locator;
  readonly sort: Locator;
  readonly count: Locator;
  readonly cards: Locator;
  readonly alert: Locator;

  constructor(page: Page) {
    this.page = page;
    this.query = page.getByRole('searchbox', { name: 'Что вы ищете?' });
    this.submit = page.getByRole('button', { name: 'Найти' });
    this.kind = page.getByLabel('Вид поддержки');
    this.sector = page.getByLabel('Отрасль');
    this.region = page.getByLabel('Область');
    this.sort = page.getByLabel('Сортировка');
    // The live results replace the server's; only the visible ones count.
    this.count = page.locator('.results-count:visible');
    this.cards = page.locator('ol.results:visible > li.card');
    this.alert = page.getByRole('alert');
  }

  static jsEnabled(): boolean {
    return !test_info_project_name().endsWith('no-js');
  }

  async goto(query = ''): Promise<void> {
    await this.page.goto(`/programs${query ? `?${query}` : ''}`);
    if (SearchPage.jsEnabled()) {
      // The island marks itself once its wasm has taken over the form.
      await expect(this.page.locator('.live-search[data-hydrated="true"]')).toBeVisible();
    }
  }

  /** Searches: typed with JavaScript (results follow as you type), submitted without. */
  async search(text: string): Promise<void> {
    await this.query.fill(text);
    if (!SearchPage.jsEnabled()) {
      await Promise.all([this.page.waitForURL(/\/programs\?/), this.query.press('Enter')]);
    }
  }

  /** Chooses a filter value: applied at once with JavaScript, by the Search button without. */
  async choose(select: Locator, value: string): Promise<void> {
    await select.selectOption(value);
    if (!SearchPage.jsEnabled()) {
      await Promise.all([this.page.waitForURL(/\/programs\?/), this.submit.click()]);
    }
  }

  cardTitles(): Locator {
    return this.cards.locator('.card-title a');
  }
}

// Playwright's test info is only reachable inside a test; page objects are only used there.
import { test } from '@playwright/test';
function test_info_project_name(): string {
  return test.info().project.name;
}
