import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// `make bench` only: timings in the browser against a server holding 10,000 synthetic
// programmes. Not part of `make test`.
export default defineConfig({
  ...base,
  testDir: './bench',
  globalSetup: undefined,
  timeout: 300_000,
  expect: { timeout: 60_000 },
  reporter: [['list']],
  projects: [base.projects![0]],
});
