/**
 * What the browser tests share: Debian's chromium through playwright-core (never a downloaded browser),
 * the page built once from src/web, the two screen sizes, and a record of a page's script errors and
 * failed requests.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { repoRoot } from './helpers.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const webRoot = path.join(repoRoot, 'dist/web');
export const artifacts = path.join(repoRoot, 'test-artifacts/web');
export const DESKTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
export const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

/** Why the browser tests skip locally (they never skip in CI, which installs chromium), or false. */
export function browserSkipReason(needs: { path: string; what: string }[]): string | false {
  const missing = needs.find((n) => !fs.existsSync(n.path));
  if (missing) return `needs ${missing.what}`;
  return !fs.existsSync(CHROMIUM) && !process.env.CI ? `needs chromium at ${CHROMIUM} (apt install chromium)` : false;
}

/** Builds the page unless dist/web/index.html is newer than every source of the page. */
export function buildPageIfStale(): void {
  const webDir = path.join(repoRoot, 'src/web');
  const sources = fs.readdirSync(webDir, { recursive: true, encoding: 'utf8' }).filter((f) => !f.endsWith('.test.ts'));
  const newest = Math.max(...sources.map((f) => fs.statSync(path.join(webDir, f)).mtimeMs));
  const built = path.join(webRoot, 'index.html');
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= newest) return;
  execFileSync(process.execPath, [path.join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'src/web/vite.config.ts', '--logLevel', 'warn'], { cwd: repoRoot, stdio: 'inherit' });
}

/**
 * Headless chromium. `webgl`: through ANGLE's SwiftShader (software) backend, since these machines have
 * no GPU; otherwise with the GPU off.
 */
export function launchChromium(options: { webgl?: boolean } = {}): Promise<Browser> {
  fs.mkdirSync(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      ...(options.webgl ? ['--use-angle=swiftshader', '--enable-unsafe-swiftshader'] : ['--disable-gpu']),
      '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

/**
 * Collects the page's script errors, console errors and failed requests (an aborted event stream, which
 * the page closes itself, is not a failure).
 */
export function recordProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('requestfailed', (r) => {
    if (r.url().endsWith('/events') && r.failure()?.errorText === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  return problems;
}
