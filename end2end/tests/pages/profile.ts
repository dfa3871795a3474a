import { Locator, Page } from '@playwright/test';

/** The profile form, `/profile`. */
export class ProfilePage {
  readonly iin: Locator;
  readonly sector: Locator;
  readonly legalForm: Locator;
  readonly collateral: Locator;
  readonly amount: Locator;
  readonly placeSearch: Locator;
  readonly find: Locator;
  readonly settlements: Locator;
  readonly save: Locator;

  constructor(readonly page: Page) {
    this.iin = page.locator('#iin');
    this.sector = page.locator('#sector');
    this.legalForm = page.locator('#legal_form');
    this.collateral = page.locator('#collateral');
    this.amount = page.locator('#amount');
    this.placeSearch = page.locator('#place_q');
    this.find = page.getByRole('button', { name: 'Найти' });
    this.settlements = page.getByTestId('settlements');
    this.save = page.getByRole('button', { name: 'Сохранить и посмотреть программы' });
  }

  async goto() {
    await this.page.goto('/profile');
  }
}

/** "My matches", `/matches`. */
export class MatchesPage {
  readonly eligible: Locator;
  readonly nearMiss: Locator;
  readonly age: Locator;
  readonly recalculate: Locator;

  constructor(readonly page: Page) {
    this.eligible = page.getByTestId('standing-eligible');
    this.nearMiss = page.getByTestId('standing-near-miss');
    this.age = page.locator('#whatif-age');
    this.recalculate = page.getByRole('button', { name: 'Пересчитать' });
  }

  /** A programme's card in a group. */
  card(group: Locator, slug: string): Locator {
    return group.locator(`li.match[data-slug="${slug}"]`);
  }
}
