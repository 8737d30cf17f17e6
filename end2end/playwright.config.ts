// Playwright runs Atrium's specs in Debian's Chromium against the server `cargo xtask test` starts
// (BASE_URL). No browser is downloaded: executablePath points at /usr/bin/chromium. The `tti`
// project is a benchmark (end2end/bench), run once as a smoke run with the specs.
import { defineConfig } from '@playwright/test';

/** The specs that mostly wait, run in the second worker beside the others. */
const BESIDE = /(first-run|alerts)\.spec\.ts$/;

export default defineConfig({
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // Two cores: the specs run one at a time (each project's `workers` below); what mostly waits (a
  // first run's own server and PostgreSQL starting and its minute of live data, the alerts
  // journey's half minute proving that an acknowledged alert does not escalate, the throttled
  // time-to-interactive loads) runs beside them in the second worker.
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
    // The first run starts its own server on its own PostgreSQL; the alerts journey works in a
    // tenant on rules, keys and channels named for this run only, which no other spec counts.
    { name: 'beside', testDir: './tests', testMatch: BESIDE, workers: 1 },
    // The time-to-interactive benchmark (bench/README.md); one run per case in the test command.
    { name: 'tti', testDir: './bench', workers: 1 },
  ],
});
