/** Test helper: headless Chromium (Debian's, through playwright-core) opening a self-contained page offline. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const executablePath = process.env.MQBENCH_CHROMIUM ?? '/usr/bin/chromium';

/** Launches Chromium; fails (never skips) when it is missing, naming the fix. */
export async function launchChromium(): Promise<Browser> {
  assert.ok(existsSync(executablePath), `Chromium not found at ${executablePath}: run "npm run setup" (installs Debian's chromium) or set MQBENCH_CHROMIUM`);
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** Opens `file` and collects console errors and warnings, page errors and every request the page makes. */
export async function openOffline(browser: Browser, file: string, viewport = { width: 1400, height: 1000 }): Promise<{ page: Page; problems: string[]; requests: string[] }> {
  const page = await browser.newPage({ viewport });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(pathToFileURL(file).href);
  return { page, problems, requests };
}
