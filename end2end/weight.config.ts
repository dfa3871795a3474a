import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// `make test`'s weight budget: what a first visit transfers, and the search page on a slow
// connection (weight/weight.spec.ts). Printed as figures; fails when over budget.
export default defineConfig({
  ...base,
  testDir: './weight',
  globalSetup: undefined,
  timeout: 120_000,
  retries: 0,
  reporter: [['list']],
  projects: [base.projects![0]],
});
