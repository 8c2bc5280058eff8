/**
 * The approval function's bundle as NodejsFunction builds it (esbuild, CJS, node24, minified,
 * SDK bundled), its size, and its cold page time: a fresh node process that requires the bundle
 * and serves one GET of a valid link against moto (KMS VerifyMac, S3 lock check and report read).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';

export const PROJECT_ROOT = resolve(__dirname, '..');

/** Bundles one handler like infra/auditor-function.ts does; returns the file and its size. */
export function bundleEntry(entry: string): { file: string; bytes: number } {
  const dir = mkdtempSync(join(tmpdir(), 'sg-bundle-'));
  const file = join(dir, 'index.js');
  buildSync({
    entryPoints: [join(PROJECT_ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    sourcemap: false,
    outfile: file,
    logLevel: 'silent',
  });
  return { file, bytes: statSync(file).size };
}

export interface ColdPage {
  requireMs: number;
  firstGetMs: number;
  status: number;
  pageBytes: number;
}

const CHILD = `
const t0 = performance.now();
const mod = require(process.env.BUNDLE);
const t1 = performance.now();
const event = JSON.parse(process.env.EVENT);
const context = { awsRequestId: 'bench', getRemainingTimeInMillis: () => 300000 };
Promise.resolve(mod.handler(event, context)).then((out) => {
  const t2 = performance.now();
  process.stdout.write('COLD ' + JSON.stringify({ requireMs: t1 - t0, firstGetMs: t2 - t1, status: out.statusCode, pageBytes: Buffer.byteLength(out.body) }) + '\\n');
});
`;

/** Requires the bundle in a fresh node and times it and its first GET (median of `runs`). */
export function coldPage(bundle: string, env: Record<string, string>, query: string, runs = 5): ColdPage {
  const dir = mkdtempSync(join(tmpdir(), 'sg-cold-'));
  const script = join(dir, 'cold.js');
  writeFileSync(script, CHILD);
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: query,
    headers: { 'user-agent': 'bench' },
    requestContext: { http: { method: 'GET', path: '/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' }, requestId: 'bench' },
    isBase64Encoded: false,
  };
  const samples: ColdPage[] = [];
  for (let i = 0; i < runs; i += 1) {
    const child = spawnSync(process.execPath, [script], {
      encoding: 'utf8',
      env: { ...process.env, ...env, BUNDLE: bundle, EVENT: JSON.stringify(event), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      timeout: 60_000,
    });
    const line = child.stdout.split('\n').find((l) => l.startsWith('COLD '));
    if (!line) throw new Error(`cold page run failed: ${child.stderr}${child.stdout}`);
    samples.push(JSON.parse(line.slice(5)) as ColdPage);
  }
  const median = (pick: (c: ColdPage) => number) => samples.map(pick).sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? 0;
  const first = samples[0] as ColdPage;
  return { requireMs: median((c) => c.requireMs), firstGetMs: median((c) => c.firstGetMs), status: first.status, pageBytes: first.pageBytes };
}
