import { Page, expect, test } from '@playwright/test';
import { ownAddress } from './client';
import { AccountPage, SignInPage, SignUpPage } from './pages/account_pages';
import { ApplicationPage, Operator, PROGRAM } from './pages/application';

// SMS as people get them: the server sends through its Mobizon adapter to scripts/sms_stub.py
// (started by `make test`, its address in SMS_STUB_URL), and these tests read the codes and
// notices from the stub's `/_sent`, as a person reads their phone.
const STUB = process.env.SMS_STUB_URL;

test.beforeEach(async ({ page }) => {
  test.skip(!STUB, 'SMS_STUB_URL is not set: no SMS gateway stub to read the messages from (scripts/test.sh starts one)');
  await ownAddress(page);
});

const PASSWORD = 'түйе-сүт-2026-шұбат';

/** A phone number nobody has used yet on this server. */
function freshPhone(): string {
  const n = Math.floor(Math.random() * 9_000_000) + 1_000_000;
  return `+7708${n}`;
}

/** The texts of the SMS the stub was sent for `phone`, oldest first. */
async function smsTo(phone: string): Promise<string[]> {
  const r = await fetch(`${STUB}/_sent?to=${encodeURIComponent(phone)}`);
  if (!r.ok) throw new Error(`the SMS stub answered ${r.status}`);
  const sent: { text: string }[] = await r.json();
  return sent.map((m) => m.text);
}

/** Waits for an SMS to `phone` that matches `pattern` and returns its text. */
async function waitForSms(phone: string, pattern: RegExp): Promise<string> {
  let found = '';
  await expect
    .poll(
      async () => {
        found = (await smsTo(phone)).find((t) => pattern.test(t)) ?? '';
        return found;
      },
      { message: `an SMS to ${phone} matching ${pattern}`, timeout: 20_000 },
    )
    .toMatch(pattern);
  return found;
}

/** The six digits of a code SMS. */
function codeOf(text: string): string {
  const m = /\b(\d{6})\b/.exec(text);
  if (!m) throw new Error(`no six-digit code in ${JSON.stringify(text)}`);
  return m[1];
}

/** Signs a new phone account up (the interface in Russian) and proves its number with the code
 * the stub received. */
async function signUpAndVerify(page: Page, phone: string): Promise<void> {
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp('Гүлнар Әбілқызы', phone, PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  const box = page.getByTestId('verify-phone');
  await expect(box).toBeVisible();
  await expect(box).toContainText(phone);

  const sms = await waitForSms(phone, /код подтверждения \d{6}/);
  await box.getByLabel('Код из SMS (6 цифр)').fill(codeOf(sms));
  await box.getByRole('button', { name: 'Подтвердить' }).click();

  await expect(page).toHaveURL(/\/account\?verified=1$/);
  await expect(page.getByRole('status').filter({ hasText: 'Номер подтверждён.' })).toBeVisible();
  await expect(page.getByTestId('verify-phone')).toHaveCount(0);
}

test('a phone sign-up gets its code by SMS, typed on the account page the box goes', async ({ page }) => {
  const phone = freshPhone();
  await signUpAndVerify(page, phone);
  // One code, in the language the person signed up in; the number is now proved for good.
  expect(await smsTo(phone)).toHaveLength(1);
  await page.reload();
  await expect(page.getByTestId('verify-phone')).toHaveCount(0);
  await expect(new AccountPage(page).role).toHaveText('Предприниматель');
});

test('a wrong code is refused by name and the box stays', async ({ page }) => {
  const phone = freshPhone();
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp('Гүлнар Әбілқызы', phone, PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  const code = codeOf(await waitForSms(phone, /код подтверждения \d{6}/));
  const wrong = code === '000000' ? '111111' : '000000';
  const box = page.getByTestId('verify-phone');
  await box.getByLabel('Код из SMS (6 цифр)').fill(wrong);
  await box.getByRole('button', { name: 'Подтвердить' }).click();

  await expect(page.locator('#code')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('verify-phone')).toContainText('Код неверный, устарел или уже использован.');
  // The right one still works after a wrong try.
  await page.locator('#code').fill(code);
  await page.getByTestId('verify-phone').getByRole('button', { name: 'Подтвердить' }).click();
  await expect(page).toHaveURL(/\/account\?verified=1$/);
  await expect(page.getByTestId('verify-phone')).toHaveCount(0);
});

test('a forgotten password is reset with the code sent by SMS, and the new one signs in', async ({ page }) => {
  const phone = freshPhone();
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp('Гүлнар Әбілқызы', phone, PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  await new AccountPage(page).signOut.click();

  // «Забыли пароль?»: the phone gets a code, typed on the next page with a new password.
  await page.goto('/reset');
  await page.locator('#login').fill(phone);
  await page.getByRole('button', { name: 'Получить код или ссылку' }).click();
  await expect(page).toHaveURL(/\/reset\?sent=code$/);
  await expect(page.getByRole('status')).toContainText('на телефон отправлен код');

  const sms = await waitForSms(phone, /код \d{6} для смены пароля/);
  const newPassword = 'жаңа-құпиясөз-2026';
  await page.locator('#code-login').fill(phone);
  await page.locator('#code').fill(codeOf(sms));
  await page.locator('#code-password').fill(newPassword);
  await page.getByRole('button', { name: 'Сохранить новый пароль' }).click();
  await expect(page).toHaveURL(/\/sign-in\?reset=1$/);

  // The old password no longer works; the new one does.
  const signIn = new SignInPage(page);
  await signIn.signIn(phone, PASSWORD);
  await expect(signIn.alert).toHaveText('Неверный телефон, e-mail или пароль.');
  await signIn.signIn(phone, newPassword);
  await expect(page).toHaveURL(/\/account$/);
  // A reset by code proves the number: no confirmation box.
  await expect(page.getByTestId('verify-phone')).toHaveCount(0);
});

test('an information request reaches the applicant’s phone in Kazakh when they use the site in Kazakh', async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  const phone = freshPhone();
  await signUpAndVerify(page, phone);

  // A submitted application (a proved number may submit).
  await page.goto(`/programs/${PROGRAM}`);
  await page.getByTestId('apply').click();
  await expect(page).toHaveURL(/\/applications\/\d+$/);
  const app = new ApplicationPage(page);
  await app.submitComplete();
  const id = app.id();

  // The applicant switches the site to Kazakh and signs in again in it.
  await page.locator('.lang-switch a[hreflang="kk"]').click();
  await expect(page.locator('.lang-switch a[hreflang="kk"]')).toHaveAttribute('aria-current', 'true');
  await page.goto('/account');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Жеке кабинет');
  await page.getByRole('button', { name: 'Шығу' }).click();
  await page.goto('/sign-in');
  await page.getByLabel('Телефон немесе e-mail').fill(phone);
  await page.getByLabel('Құпиясөз', { exact: true }).fill(PASSWORD);
  await page.locator('main').getByRole('button', { name: 'Кіру' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Жеке кабинет');

  // The operator takes it up and asks for a certificate.
  const operator = await Operator.signIn(baseURL!);
  await operator.step(id, 'start_review');
  await operator.step(id, 'request_info', {
    items: ['Отбасы құрамы туралы анықтама'],
    fields: { due_on: '2026-12-11' },
  });
  await operator.dispose();

  const sms = await waitForSms(phone, new RegExp(`№${id} өтінім: Мәліметтер сұралды\\.`));
  expect(sms).not.toMatch(/Заявка|Запрошены/);
  // Each of the operator's steps is one SMS, both in Kazakh.
  await expect.poll(async () => (await smsTo(phone)).filter((t) => t.includes(`№${id}`))).toEqual([
    expect.stringContaining(`№${id} өтінім: Қаралуда.`),
    expect.stringContaining(`№${id} өтінім: Мәліметтер сұралды.`),
  ]);
});
