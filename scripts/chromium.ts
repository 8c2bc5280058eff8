import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';

/**
 * The one place that picks and starts a Chromium (the browser test, and anything else that needs
 * one). A system Chromium wins where there is one; otherwise the browser that the
 * `@sparticuz/chromium` dev dependency ships inside its npm package, so `npm ci` is enough on a
 * fresh machine (no apt, no browser download).
 */

const run = promisify(execFile);

/**
 * Flags for a headless Chromium on a closed network. Without the background-networking ones
 * Chromium keeps dialling Google's services (refused here, many at a time). --no-sandbox: the
 * sandbox cannot start as root or in most containers, and the browser only opens the test's own
 * loopback page.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-domain-reliability',
  '--no-pings',
  '--no-first-run',
  '--no-default-browser-check',
];

export interface ChromiumChoice {
  executablePath: string;
  source: 'system' | 'npm';
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where Debian's package puts it; looked at before PATH. */
export const KNOWN_CHROMIUM_PATHS = ['/usr/bin/chromium'];

/** The first executable of `known`, else the first `chromium` on PATH, else undefined. */
export function systemChromium(env: NodeJS.ProcessEnv = process.env, known = KNOWN_CHROMIUM_PATHS): string | undefined {
  const onPath = (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'chromium'));
  return [...known, ...onPath].find(isExecutable);
}

/** node_modules/@sparticuz/chromium (its exports map hides package.json, so go up from its entry). */
function sparticuzDir(): string {
  let dir = dirname(require.resolve('@sparticuz/chromium'));
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'bin'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('@sparticuz/chromium: package folder not found (run npm ci)');
    dir = up;
  }
  return dir;
}

/**
 * Unpacks the npm package's Chromium once per version into node_modules/.cache, atomically.
 * The package's executablePath() inflates into os.tmpdir() in place and trusts any existing
 * /tmp/chromium, so a run stopped half-way (or another project's version) would leave a broken
 * browser for every later run; here it inflates into a fresh staging folder (a child process
 * with TMPDIR pointing there) that is renamed into place only when complete.
 */
export async function npmChromium(): Promise<string> {
  const pkgDir = sparticuzDir();
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const cacheRoot = join(dirname(dirname(pkgDir)), '.cache', 'sg-auditor');
  const target = join(cacheRoot, `chromium-${version}`);
  const binary = join(target, 'chromium');
  if (isExecutable(binary)) return binary;
  await mkdir(cacheRoot, { recursive: true });
  const staging = await mkdtemp(join(cacheRoot, `.staging-${version}-`));
  try {
    const entry = JSON.stringify(require.resolve('@sparticuz/chromium'));
    const script = `const c = require(${entry}); (c.default ?? c).executablePath().then((p) => process.stdout.write(p))`;
    const { stdout } = await run(process.execPath, ['-e', script], {
      env: { ...process.env, TMPDIR: staging, TMP: staging, TEMP: staging },
    });
    if (stdout !== join(staging, 'chromium')) throw new Error(`@sparticuz/chromium unpacked to ${stdout}, expected ${join(staging, 'chromium')}`);
    await rename(staging, target).catch(async (error: NodeJS.ErrnoException) => {
      // Another process finished first: its copy is complete, use it.
      if (!isExecutable(binary)) throw error;
    });
    return binary;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The Chromium to use: CHROMIUM_PATH if set, a system one, else the npm package's. */
export async function chooseChromium(env: NodeJS.ProcessEnv = process.env, known = KNOWN_CHROMIUM_PATHS): Promise<ChromiumChoice> {
  if (env.CHROMIUM_PATH) return { executablePath: env.CHROMIUM_PATH, source: 'system' };
  const system = systemChromium(env, known);
  if (system) return { executablePath: system, source: 'system' };
  return { executablePath: await npmChromium(), source: 'npm' };
}

/** Starts headless Chromium with the closed-network flags (playwright-core, which downloads nothing). */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const { executablePath } = await chooseChromium();
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS });
}
