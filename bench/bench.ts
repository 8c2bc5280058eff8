/**
 * `npm run bench`: audits synthetic accounts of 1k, 10k and 50k security groups (mocked SDK,
 * realistic pagination) with every registered scanner, each size in a fresh process, and checks
 * the targets: calls grow only by listing pages; 10k groups in < 5 s and < 512 MB.
 *
 * Options: `--sizes 1000,10000` (default 1000,10000,50000); `--size N` runs one size and prints
 * its measurement as JSON (used internally); `--org` predicts an organization audit instead
 * (bench/org-model.ts: 1,000 accounts x 17 regions, its model printed with the result).
 */
import { spawnSync } from 'node:child_process';
import { formatReport, type SizeRun } from './format';
import type { Measurement } from './measure';

const DEFAULT_SIZES = [1_000, 10_000, 50_000];
const RESULT_PREFIX = 'BENCH_RESULT ';

function argValue(name: string): string | undefined {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** Child mode: load the audit (timed, as a cold start would), run one size, print JSON. */
async function runOne(groups: number): Promise<void> {
  const started = performance.now();
  const { measureAudit } = await import('./measure');
  const loadMs = performance.now() - started;
  const measurement = await measureAudit(groups);
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ loadMs, measurement })}\n`);
}

/** Runs one size in a fresh node with the same flags, so each size's memory is its own. */
function runChild(groups: number): SizeRun {
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--size', String(groups)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 10 * 60 * 1000,
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (child.status !== 0 || !line) {
    throw new Error(`bench for ${groups} groups failed (exit ${child.status ?? child.signal}):\n${child.stderr}${child.stdout}`);
  }
  const parsed = JSON.parse(line.slice(RESULT_PREFIX.length)) as { loadMs: number; measurement: Measurement };
  return { groups, loadMs: parsed.loadMs, m: parsed.measurement };
}

/** `--org`: measure one region item's calls with the real audit, then predict the org run. */
async function runOrg(): Promise<void> {
  const { measureAudit } = await import('./measure');
  const { DEFAULT_ORG_MODEL, formatOrgPrediction, predictOrgRun } = await import('./org-model');
  // A typical member region: a few dozen groups (most regions of an organization hold little).
  const measured = await measureAudit(50);
  if (measured.failures.length > 0) throw new Error(`the measured audit had failures: ${measured.failures.join(', ')}`);
  const main = predictOrgRun(measured.bySource, DEFAULT_ORG_MODEL);
  const alternatives = [
    { itemsPerBatch: 1, mapConcurrency: 1000 },
    { itemsPerBatch: 1, mapConcurrency: 100 },
    { itemsPerBatch: 17, mapConcurrency: 20 },
    { itemsPerBatch: 17, mapConcurrency: 100 },
    { itemsPerBatch: 34, mapConcurrency: 100 },
  ].map((alt) => predictOrgRun(measured.bySource, { ...DEFAULT_ORG_MODEL, ...alt }));
  const { text, ok } = formatOrgPrediction(main, alternatives);
  process.stdout.write(text);
  if (!ok) process.exitCode = 1;
}

async function main(): Promise<void> {
  if (process.argv.includes('--org')) {
    await runOrg();
    return;
  }
  const one = argValue('--size');
  if (one !== undefined) {
    await runOne(Number(one));
    return;
  }
  const sizes = (argValue('--sizes')?.split(',').map(Number) ?? DEFAULT_SIZES).filter((n) => Number.isInteger(n) && n > 0);
  const runs: SizeRun[] = [];
  for (const groups of sizes) {
    process.stderr.write(`bench: ${groups} groups...\n`);
    runs.push(runChild(groups));
  }
  const { text, ok } = formatReport(runs);
  process.stdout.write(text);
  if (!ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
