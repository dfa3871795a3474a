import type { Locator, Page } from '@playwright/test';

/** The site header's account link: the signed-in person's name and role, or «Войти». */
export class Header {
  readonly who: Locator;
  readonly signIn: Locator;

  constructor(page: Page) {
    this.who = page.getByTestId('who');
    this.signIn = page.locator('.site-header').getByRole('link', { name: 'Войти' });
  }
}

/** `/sign-up`. */
export class SignUpPage {
  readonly page: Page;
  readonly name: Locator;
  readonly login: Locator;
  readonly password: Locator;
  readonly submit: Locator;

  constructor(page: Page) {
    this.page = page;
    this.name = page.getByLabel('Как к вам обращаться');
    this.login = page.getByLabel('Телефон или e-mail');
    this.password = page.getByLabel('Пароль', { exact: true });
    this.submit = page.getByRole('button', { name: 'Зарегистрироваться' });
  }

  async goto(): Promise<void> {
    await this.page.goto('/sign-up');
  }

  async signUp(name: string, login: string, password: string): Promise<void> {
    await this.name.fill(name);
    await this.login.fill(login);
    await this.password.fill(password);
    await this.submit.click();
  }
}

/** `/sign-in`. */
export class SignInPage {
  readonly page: Page;
  readonly login: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  readonly alert: Locator;

  constructor(page: Page) {
    this.page = page;
    this.login = page.getByLabel('Телефон или e-mail');
    this.password = page.getByLabel('Пароль', { exact: true });
    this.submit = page.locator('main').getByRole('button', { name: 'Войти' });
    this.alert = page.locator('main').getByRole('alert');
  }

  async goto(): Promise<void> {
    await this.page.goto('/sign-in');
  }

  async signIn(login: string, password: string): Promise<void> {
    await this.login.fill(login);
    await this.password.fill(password);
    await this.submit.click();
  }
}

/** `/account`. */
export class AccountPage {
  readonly page: Page;
  readonly role: Locator;
  readonly signOut: Locator;

  constructor(page: Page) {
    this.page = page;
    this.role = page.getByTestId('role');
    this.signOut = page.getByRole('button', { name: 'Выйти' });
  }

  async goto(): Promise<void> {
    await this.page.goto('/account');
  }
}
