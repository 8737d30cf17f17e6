// Playwright runs Atrium's specs in Debian's Chromium against the server `cargo xtask test` starts
// (BASE_URL). No browser is downloaded: executablePath points at /usr/bin/chromium. The `tti`
// project is a benchmark (end2end/bench), run once as a smoke run with the specs.
import { defineConfig } from '@playwright/test';

/** The specs run in the second worker beside the others. */
const BESIDE = /first-run\.spec\.ts$/;

export default defineConfig({
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // Two cores: the specs run one at a time (each project's `workers` below); what mostly waits and
  // shares no data with them (a first run's own server and PostgreSQL and its minute of live
  // data, the throttled time-to-interactive loads) runs beside them in the second worker. Not the
  // alerts journey, though it mostly waits too: beside the accessibility matrix, the pages it
  // fills (metrics, signed channels, deliveries) were checked or not depending on timing.
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: process.env.CI ? [['list'], ['json', { outputFile: '../target/playwright.json' }]] : [['list']],
  use: {
    baseURL: process.env.BASE_URL ?? 'http://127.0.0.1:3000',
    // A failed test keeps its trace (DOM snapshots, network, console) and a screenshot of the
    // end; the trace's filmstrip of screenshots is left out: recording it cost about 8% of the
    // specs' time and a fifth of the accessibility matrix's on two cores.
    trace: { mode: 'retain-on-failure', screenshots: false },
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [
    { name: 'chromium', testDir: './tests', testIgnore: BESIDE, workers: 1 },
    // Starts its own server on its own PostgreSQL, so it shares no data with the specs beside it.
    { name: 'beside', testDir: './tests', testMatch: BESIDE, workers: 1 },
    // The time-to-interactive benchmark (bench/README.md); one run per case in the test command.
    { name: 'tti', testDir: './bench', workers: 1 },
  ],
});
