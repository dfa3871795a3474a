import { Page } from '@playwright/test';

/**
 * Makes `page` come from an address of its own (the end-to-end server trusts
 * `X-Forwarded-For`), so that the suite's many sign-ups do not meet the per-address limit
 * that protects the real site from one client creating accounts in bulk.
 */
export async function ownAddress(page: Page): Promise<void> {
  const n = () => Math.floor(Math.random() * 250) + 1;
  await page.setExtraHTTPHeaders({ 'X-Forwarded-For': `10.${n()}.${n()}.${n()}` });
}
