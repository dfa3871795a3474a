import AxeBuilder from '@axe-core/playwright';
import { Page, TestInfo, expect, test } from '@playwright/test';
import { ownAddress } from './client';
import { SignInPage } from './pages/account_pages';
import { applicant } from './pages/application';

// Every page, as each kind of user sees it, checked by axe-core against WCAG 2.1 A and AA, at a
// phone's width (360 px) and a desktop's (1280 px), with a screenshot of each kept in the report.

const PASSWORD = 'demo-parol-2026';
const ENTREPRENEUR = '+77010000001';
const AKIM = '+77010000003';
const OPERATOR = 'operator@agrocredit.demo';

test.beforeEach(async ({ page }, testInfo) => {
  // axe runs its checks as a script inside the page, which a context without JavaScript
  // refuses; the pages without JavaScript are the same server-rendered HTML.
  test.skip(testInfo.project.name === 'chromium-no-js', 'axe-core runs as a script in the page');
  await ownAddress(page);
});

async function signIn(page: Page, login: string): Promise<void> {
  const form = new SignInPage(page);
  await form.goto();
  await form.signIn(login, PASSWORD);
  await expect(page).toHaveURL(/\/account/);
}

/** The serious and critical WCAG 2.1 A/AA violations of the page as it is now, one line each. */
async function violations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}: ` +
        v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | '),
    );
}

/**
 * Checks the page at `url` at both widths: no serious or critical violation, nothing wider
 * than a 360 px phone (no sideways scrolling), and a full-page screenshot of each width.
 */
async function check(page: Page, testInfo: TestInfo, name: string, url: string): Promise<void> {
  for (const [width, height] of [
    [1280, 900],
    [360, 780],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.goto(url);
    await expect(page.locator('main')).toBeVisible();
    expect(await violations(page), `${name} at ${width} px (${url})`).toEqual([]);
    if (width === 360) {
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, `${name}: the page scrolls sideways at 360 px`).toBeLessThanOrEqual(0);
    }
    const path = testInfo.outputPath(`${name}-${width}.png`);
    await page.screenshot({ path, fullPage: true });
    await testInfo.attach(`${name}-${width}`, { path, contentType: 'image/png' });
  }
}

const PUBLIC: [string, string][] = [
  ['home', '/'],
  ['search', '/programs?q=%D0%BA%D1%80%D0%B5%D0%B4%D0%B8%D1%82'],
  ['search-empty', '/programs?q=zzzzqqqq'],
  ['search-bad-input', '/programs?page=-1&sort=nope'],
  ['programme', '/programs/auyl-amanaty-microcredit'],
  ['programme-kk', '/programs/auyl-amanaty-microcredit?lang=kk'],
  ['calculator-error', '/programs/auyl-amanaty-microcredit?amount=999999999999&rate=2.5&term=36#calculator'],
  ['okrugs', '/okrugs'],
  ['okrug-report', '/okrugs/101033000'],
  ['region-report', '/okrugs/100000000'],
  ['country-print', '/okrugs/kz?print=1'],
  ['open-data', '/okrugs/open-data'],
  ['sign-in', '/sign-in'],
  ['sign-up', '/sign-up'],
  ['reset', '/reset'],
  ['not-found', '/programs/no-such-programme'],
];

for (const [name, url] of PUBLIC) {
  test(`public page ${name} passes axe at phone and desktop widths`, async ({ page }, testInfo) => {
    await check(page, testInfo, name, url);
  });
}

test('a refused form passes axe: errors are tied to their fields', async ({ page }) => {
  // Values the browser lets through but the server refuses (the browser's own checks would
  // stop empty ones before they are sent).
  await page.goto('/sign-up');
  await page.getByLabel('Как к вам обращаться').fill('А');
  await page.getByLabel('Телефон или e-mail').fill('не телефон');
  await page.getByLabel('Пароль', { exact: true }).fill('short');
  await page.getByRole('button', { name: 'Зарегистрироваться' }).click();
  const alert = page.locator('main').getByRole('alert');
  await expect(alert).toBeVisible();
  expect(await violations(page)).toEqual([]);
  // Each refused field points at its message, so a screen reader reads it with the field.
  const invalid = page.locator('[aria-invalid="true"]');
  await expect(invalid.first()).toBeVisible();
  for (const field of await invalid.all()) {
    const described = await field.getAttribute('aria-describedby');
    expect(described, await field.evaluate((e) => e.outerHTML)).toBeTruthy();
    await expect(page.locator(`#${described!.split(' ')[0]}`)).not.toBeEmpty();
  }
});

test("an entrepreneur's pages pass axe", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const app = await applicant(page);
  const id = app.id();
  await check(page, testInfo, 'application-draft', `/applications/${id}`);
  await check(page, testInfo, 'account', '/account');
  await check(page, testInfo, 'profile', '/profile');
  await check(page, testInfo, 'matches', '/matches');
  await check(page, testInfo, 'applications', '/applications');
  await check(page, testInfo, 'notifications', '/notifications');
  await check(page, testInfo, 'complaints', '/complaints');

  await signIn(page, ENTREPRENEUR);
  await check(page, testInfo, 'matches-demo', '/matches?age=25');
});

test("an akim's and an operator's pages pass axe", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  // A submitted application, so that the operator's desk has something on it.
  const app = await applicant(page);
  await app.submitComplete();
  const id = app.id();

  await signIn(page, AKIM);
  await check(page, testInfo, 'akimat', '/akimat');
  await check(page, testInfo, 'akimat-assist', '/akimat/assist');
  await check(page, testInfo, 'invitations', '/invitations');

  await signIn(page, OPERATOR);
  await check(page, testInfo, 'operator-queue', '/operator');
  await check(page, testInfo, 'operator-desk', `/applications/${id}`);
  await check(page, testInfo, 'operator-programmes', '/operator/programs');
  await check(page, testInfo, 'operator-editor', '/operator/programs/auyl-amanaty-microcredit');
  await check(page, testInfo, 'operator-new-programme', '/operator/programs/new');
});

test('the search works from the keyboard alone, with the focus always visible', async ({ page }) => {
  await page.goto('/programs');
  // The first Tab reaches the skip link, which takes the focus past the header.
  await page.keyboard.press('Tab');
  const skip = page.locator('.skip-link');
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);

  // Onwards to the search field: type, submit with Enter.
  const field = page.getByLabel('Что вы ищете?');
  for (let i = 0; i < 10 && !(await field.evaluate((e) => e === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
  }
  await expect(field).toBeFocused();
  expect(await focusIsVisible(page)).toBe(true);
  await page.keyboard.type('Auyl amanaty');
  await page.keyboard.press('Enter');
  const first = page.getByTestId('results').getByRole('link').first();
  await expect(first).toContainText('Ауыл');

  // Tab to the first result and open it with Enter.
  for (let i = 0; i < 40 && !(await first.evaluate((e) => e === document.activeElement)); i++) {
    await page.keyboard.press('Tab');
    expect(await focusIsVisible(page), 'every stop shows where the focus is').toBe(true);
  }
  await expect(first).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/programs\/auyl-amanaty/);
});

/**
 * Whether the focused element looks different because it has the focus: its outline, shadow,
 * background and colour are compared with and without focus, then the focus is put back.
 */
async function focusIsVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const e = document.activeElement as HTMLElement | null;
    if (!e || e === document.body) return false;
    const look = () => {
      const s = getComputedStyle(e);
      return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow, s.backgroundColor, s.color].join('|');
    };
    const focused = look();
    e.blur();
    const unfocused = look();
    e.focus();
    return focused !== unfocused;
  });
}
