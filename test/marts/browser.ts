import fs from 'node:fs';
import type { Browser, BrowserType } from 'playwright-core';

/** Debian's chromium (the `chromium` package); CHROMIUM_PATH overrides. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Headless Chromium through playwright-core, or why it cannot run. Outside CI a missing browser
 * or package skips the page test with a visible message; with CI=true it is a failure.
 */
export async function launchChromium(): Promise<{ browser: Browser } | { missing: string }> {
  let chromium: BrowserType;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    return { missing: 'playwright-core is not installed (npm install --save-dev playwright-core)' };
  }
  if (!fs.existsSync(CHROMIUM))
    return { missing: `no Chromium at ${CHROMIUM} (apt-get install -y chromium)` };
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  return { browser };
}
