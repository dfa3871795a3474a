import { expect, test } from '@playwright/test';
import { AccountPage, Header, SignInPage, SignUpPage } from './pages/account_pages';
import { ownAddress } from './client';

test.beforeEach(async ({ page }) => {
  await ownAddress(page);
});

// Demo accounts (README, "Demo accounts"). Each test signs in as a different one: a server
// counts five sign-in attempts per account per 15 minutes, and both projects (JavaScript on
// and off) run every test against the same server.
const DEMO_PASSWORD = 'demo-parol-2026';

/** A phone number nobody has used yet on this server. */
function freshPhone(): string {
  const n = Math.floor(Math.random() * 9_000_000) + 1_000_000;
  return `+7705${n}`;
}

test('an entrepreneur signs up, is signed in, and signs out', async ({ page }) => {
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp('Ерлан Тестов', freshPhone(), 'жылқы-сүт-2026');

  const account = new AccountPage(page);
  const header = new Header(page);
  await expect(page).toHaveURL(/\/account$/);
  await expect(account.role).toHaveText('Предприниматель');
  await expect(header.who).toContainText('Ерлан Тестов');

  await account.signOut.click();

  await expect(header.signIn).toBeVisible();
  await expect(header.who).toHaveCount(0);
  // Signed out on the server too: the account page now asks to sign in.
  await account.goto();
  await expect(page).toHaveURL(/\/sign-in\?next=%2Faccount$/);
});

test('a refused sign-up names the field and keeps what was typed, but not the password', async ({ page }) => {
  const signUp = new SignUpPage(page);
  const login = freshPhone();
  await signUp.goto();
  await signUp.signUp('Ерлан Тестов', login, 'короткий');

  await expect(page.locator('main').getByRole('alert')).toContainText('Пароль должен быть не короче 10 символов');
  await expect(signUp.password).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('.field-error .error-message')).toHaveText('Пароль должен быть не короче 10 символов.');
  await expect(signUp.name).toHaveValue('Ерлан Тестов');
  await expect(signUp.login).toHaveValue(login);
  await expect(signUp.password).toHaveValue('');
});

test('the account page sends a visitor to sign in, then back', async ({ page }, testInfo) => {
  const account = new AccountPage(page);
  await account.goto();
  await expect(page).toHaveURL(/\/sign-in\?next=%2Faccount$/);

  const signIn = new SignInPage(page);
  // One demo akim per project, so the per-account limit never adds up across projects.
  const login = testInfo.project.name === 'chromium' ? '+77010000003' : '+77010000005';
  await signIn.signIn(login, DEMO_PASSWORD);

  await expect(page).toHaveURL(/\/account$/);
  await expect(account.role).toHaveText('Аким сельского округа');
  await expect(new Header(page).who).toContainText('Аким сельского округа');
});

test('a wrong password gets one answer that does not say which part was wrong', async ({ page }) => {
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(freshPhone(), 'не-тот-пароль-123');

  await expect(signIn.alert).toHaveText('Неверный телефон, e-mail или пароль.');
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(new Header(page).who).toHaveCount(0);
});
