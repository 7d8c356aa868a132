/**
 * Screenshots of a report as a reader sees it: the first screen at 1400×1000 and at a laptop's 1280×800, and the
 * whole page at 1400 px. Usage: npx tsx scripts/screenshot-report.ts <report.html> <output prefix>
 * (Chromium from Debian's package, or MQBENCH_CHROMIUM).
 */
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [report, prefix] = process.argv.slice(2);
if (!report || !prefix) {
  process.stderr.write('usage: npx tsx scripts/screenshot-report.ts <report.html> <output prefix>\n');
  process.exit(2);
}
const browser = await chromium.launch({ executablePath: process.env.MQBENCH_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  for (const [width, height] of [
    [1400, 1000],
    [1280, 800],
  ] as const) {
    const page = await browser.newPage({ viewport: { width, height } });
    await page.goto(pathToFileURL(report).href);
    await page.waitForFunction(() => typeof (window as unknown as { mqbenchCharts?: number }).mqbenchCharts === 'number');
    await page.screenshot({ path: `${prefix}-${width}x${height}.png` });
    if (width === 1400) await page.screenshot({ path: `${prefix}-${width}-full.png`, fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    const compact = await page.evaluate(() => [...document.querySelectorAll('table.compact')].map((table) => table.parentElement!.scrollWidth - table.parentElement!.clientWidth));
    const tables = compact.map((pixels) => (pixels > 0 ? `scrolls ${pixels}px` : 'fits')).join(', ');
    process.stdout.write(`${prefix}-${width}x${height}.png (page ${overflow > 0 ? `${overflow}px wider than the window` : 'fits the window'}; compact tables: ${tables || 'none'})\n`);
    await page.close();
  }
} finally {
  await browser.close();
}
