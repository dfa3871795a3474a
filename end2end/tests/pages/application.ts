import { APIRequestContext, Locator, Page, expect, request } from '@playwright/test';
import { SignUpPage } from './account_pages';

export const PROGRAM = 'auyl-amanaty-microcredit';

/** A phone number nobody has used yet on this server. */
export function freshPhone(): string {
  const n = Math.floor(Math.random() * 9_000_000) + 1_000_000;
  return `+7707${n}`;
}

/** An e-mail address nobody has used yet on this server. */
export function freshEmail(): string {
  const n = Math.floor(Math.random() * 9_000_000) + 1_000_000;
  return `applicant${n}@example.kz`;
}

/**
 * A new entrepreneur who has just opened an application to {@link PROGRAM}. Signed up with an
 * e-mail address: a phone account must first prove its number with the code sent by SMS
 * before it submits (that path has its own spec, with an SMS stub).
 */
export async function applicant(page: Page): Promise<ApplicationPage> {
  const signUp = new SignUpPage(page);
  await signUp.goto();
  await signUp.signUp('Айжан Нұрланова', freshEmail(), 'бал-ара-2026-сот');
  await expect(page).toHaveURL(/\/account/);
  await page.goto(`/programs/${PROGRAM}`);
  await page.getByTestId('apply').click();
  await expect(page).toHaveURL(/\/applications\/\d+$/);
  return new ApplicationPage(page);
}

/** One application, `/applications/{id}`. */
export class ApplicationPage {
  readonly state: Locator;
  readonly todo: Locator;
  readonly estimate: Locator;
  readonly timeline: Locator;
  readonly events: Locator;
  readonly autosave: Locator;
  readonly amount: Locator;
  readonly term: Locator;
  readonly purpose: Locator;
  readonly activity: Locator;
  readonly costs: Locator;
  readonly revenue: Locator;
  readonly jobs: Locator;
  readonly collateral: Locator;
  readonly submit: Locator;
  readonly save: Locator;
  readonly infoRequest: Locator;
  readonly answer: Locator;
  readonly answerFiles: Locator;
  readonly sendAnswer: Locator;

  constructor(readonly page: Page) {
    this.state = page.getByTestId('state');
    this.todo = page.getByTestId('todo');
    this.estimate = page.getByTestId('estimate');
    this.timeline = page.getByTestId('timeline');
    this.events = page.getByTestId('event');
    this.autosave = page.getByTestId('autosave');
    this.amount = page.locator('#amount');
    this.term = page.locator('#term');
    this.purpose = page.locator('#purpose');
    this.activity = page.locator('#plan_activity');
    this.costs = page.locator('#plan_costs');
    this.revenue = page.locator('#plan_revenue');
    this.jobs = page.locator('#plan_jobs');
    this.collateral = page.locator('#collateral');
    this.submit = page.getByTestId('submit');
    this.save = page.getByTestId('save');
    this.infoRequest = page.getByTestId('info-request');
    this.answer = page.locator('#answer');
    this.answerFiles = page.locator('#document');
    this.sendAnswer = page.getByTestId('answer');
  }

  /** The file input of the programme's `slot`-th required document. */
  document(slot: number): Locator {
    return this.page.locator(`#document_${slot}`);
  }

  /** The application's id, from the address. */
  id(): number {
    const m = /\/applications\/(\d+)/.exec(this.page.url());
    if (!m) throw new Error(`not an application page: ${this.page.url()}`);
    return Number(m[1]);
  }

  /** Fills in a complete loan application and submits it. */
  async submitComplete(): Promise<void> {
    await this.amount.fill('1 000 000');
    await this.term.fill('24');
    await this.purpose.fill('Покупка бычков');
    await this.activity.fill('Откорм');
    await this.costs.fill('1 200 000');
    await this.revenue.fill('1 800 000');
    await this.jobs.fill('1');
    await this.submit.click();
    await expect(this.state).toHaveText('Подана');
  }

  /** Waits until the autosave island is live (JavaScript on). */
  async hydrated(): Promise<void> {
    await this.page.locator('[data-testid="autosave"][data-hydrated="1"]').waitFor();
  }
}

/** A small valid PDF, as a file for an input. */
export function pdf(name: string) {
  return {
    name,
    mimeType: 'application/pdf',
    buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
  };
}

/** The operator of Agrarian Credit, acting through the API (their screens come later). */
export class Operator {
  private constructor(private readonly api: APIRequestContext) {}

  static async signIn(baseURL: string): Promise<Operator> {
    const api = await request.newContext({ baseURL, extraHTTPHeaders: { Origin: baseURL } });
    const r = await api.post('/api/sign_in', {
      form: { login: 'operator@agrocredit.demo', password: 'demo-parol-2026' },
    });
    if (!r.ok()) throw new Error(`operator sign-in: ${r.status()} ${await r.text()}`);
    return new Operator(api);
  }

  async step(id: number, step: string, extra: Record<string, unknown> = {}): Promise<void> {
    const view = await (await this.api.get(`/api/v1/applications/${id}`)).json();
    const r = await this.api.post(`/api/v1/applications/${id}/steps`, {
      data: { version: view.summary.version, step, ...extra },
    });
    if (!r.ok()) throw new Error(`${step}: ${r.status()} ${await r.text()}`);
  }

  async dispose(): Promise<void> {
    await this.api.dispose();
  }
}
