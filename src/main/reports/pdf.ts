import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { DeskError } from '../../shared/errors';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function chromiumPath(): string {
  const candidates = [process.env.DRDESK_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new DeskError('CHROMIUM_MISSING', 'No Chromium found for PDF export: install the "chromium" package or set DRDESK_CHROMIUM to a Chromium binary.');
  return found;
}

/**
 * HTML → PDF through headless Chromium (playwright-core; the web host and the CLI — the desktop app uses
 * Electron's printToPDF). Offline: the page is given as content, with network requests refused.
 */
export async function htmlToPdf(html: string, opts: { title: string; timeoutMs?: number }): Promise<Buffer> {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, timeout: opts.timeoutMs ?? 30_000 }).catch((err: Error) => {
    throw new DeskError('CHROMIUM_FAILED', `Chromium did not start for the PDF export (${err.message.split('\n')[0]}): check that ${chromiumPath()} runs.`);
  });
  try {
    const page = await browser.newPage();
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    await page.setContent(html, { waitUntil: 'load', timeout: opts.timeoutMs ?? 30_000 });
    const footer = `<div style="font-size:8px;width:100%;padding:0 13mm;color:#444;font-family:sans-serif;display:flex;justify-content:space-between"><span>${opts.title.replace(/[<>&]/g, '')}</span><span>page <span class="pageNumber"></span> / <span class="totalPages"></span></span></div>`;
    return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true, displayHeaderFooter: true, headerTemplate: '<div></div>', footerTemplate: footer });
  } finally {
    await browser.close();
  }
}
