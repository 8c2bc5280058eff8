/**
 * `npm run bench`: audits synthetic accounts of 1k, 10k and 50k security groups (mocked SDK,
 * realistic pagination) with every registered scanner, each size in a fresh process, and checks
 * the targets: calls grow only by listing pages; 10k groups in < 5 s and < 512 MB. Then times
 * the CLI's start-up: `--help` < 0.3 s, and `audit` on one region sending its first API call
 * within 1 s, for the bundle users run and, for comparison, the sources through tsx.
 *
 * Then the approval at scale (bench/approval.ts, bench/front.ts): review page and post bytes for
 * 10k candidates, checkpointed deletion batches for 10k groups with EC2's mutating rate
 * modelled, and the approval front's bundle size and cold page time next to the pre-workflow one.
 *
 * Options: `--sizes 1000,10000` (default 1000,10000,50000); `--cli-only` skips the audits;
 * `--approval-only` runs only the approval section; `--size N` runs one size and prints its
 * measurement as JSON (used internally); `--model` predicts real audits instead (latency and
 * throttle model on a virtual clock, bench/predict-report.ts); `--org` predicts an organization
 * audit (bench/org-model.ts: 1,000 accounts x 17 regions, its model printed with the result).
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ensureCliBundle } from '../scripts/build-cli';
import { formatCliStartup, measureCliStartup } from './cli-startup';
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

const MB = 1024 * 1024;
const fmtBytes = (n: number) => `${(n / MB).toFixed(2)} MB`;

/** The approval at scale: page and post bytes, checkpointed deletion batches, the front's cold start. */
async function approvalSection(): Promise<{ text: string; ok: boolean }> {
  const { measurePage, measureDeletion, FUNCTION_URL_LIMIT_BYTES } = await import('./approval');
  const { measureFronts, BEFORE_WORKFLOW } = await import('./front');
  process.stderr.write('bench: approval page, deletion batches, front cold start...\n');
  const page = measurePage(10_000);
  const deletion = await measureDeletion(10_000);
  const [front] = await measureFronts(['lambda/approve/handler.ts']);
  const lines = [
    '',
    'Approval at scale (10,000 candidates in one region)',
    `  review page: ${fmtBytes(page.pageBytes)} of the function URL's ${fmtBytes(FUNCTION_URL_LIMIT_BYTES)} response limit`,
    `  form post (base64 in the event): ${page.postBytesKeepNone} bytes keeping none, ${fmtBytes(page.postBytesKeepAll)} keeping all; limit ${fmtBytes(FUNCTION_URL_LIMIT_BYTES)}`,
    `  deletion of ${deletion.groups} groups at ${deletion.callsPerSecond} mutating calls/s (EC2 bucket: burst 50, refill 5/s): ${deletion.batches} batches of <= 10 min, ${deletion.virtualMinutes.toFixed(1)} min modelled, ${deletion.deleted} deleted, ${deletion.throttled} throttled, ${deletion.deletesSentTwice} deleted twice`,
    `  checkpoints: ${deletion.checkpointWrites} writes, largest ${fmtBytes(deletion.maxCheckpointBytes)}`,
    'Approval front (bundled as NodejsFunction does; cold = fresh node: require + first GET of a valid link on moto; median of 5)',
    `  before the workflow (${BEFORE_WORKFLOW.entry}): ${fmtBytes(BEFORE_WORKFLOW.bundleBytes)}, require ${BEFORE_WORKFLOW.requireMs.toFixed(0)} ms, first GET ${BEFORE_WORKFLOW.firstGetMs.toFixed(0)} ms`,
    front
      ? `  now (${front.entry}): ${fmtBytes(front.bundleBytes)}, require ${front.requireMs.toFixed(0)} ms, first GET ${front.firstGetMs.toFixed(0)} ms (status ${front.status})`
      : '  now: not measured',
  ];
  const ok =
    page.pageBytes < FUNCTION_URL_LIMIT_BYTES &&
    page.postBytesKeepAll < FUNCTION_URL_LIMIT_BYTES &&
    deletion.deleted === deletion.groups &&
    deletion.deletesSentTwice === 0 &&
    front?.status === 200;
  return { text: `${lines.join('\n')}\n`, ok };
}

async function main(): Promise<void> {
  if (process.argv.includes('--model')) {
    const { runModelSection } = await import('./predict-report');
    const { text, ok } = runModelSection();
    process.stdout.write(text);
    if (!ok) process.exitCode = 1;
    return;
  }
  if (process.argv.includes('--activity')) {
    const { runActivitySection } = await import('./predict-report');
    const { text, ok } = runActivitySection();
    process.stdout.write(text);
    if (!ok) process.exitCode = 1;
    return;
  }
  if (process.argv.includes('--org')) {
    await runOrg();
    return;
  }
  const one = argValue('--size');
  if (one !== undefined) {
    await runOne(Number(one));
    return;
  }
  if (process.argv.includes('--approval-only')) {
    const approval = await approvalSection();
    process.stdout.write(approval.text);
    if (!approval.ok) process.exitCode = 1;
    return;
  }
  let ok = true;
  if (!process.argv.includes('--cli-only')) {
    const sizes = (argValue('--sizes')?.split(',').map(Number) ?? DEFAULT_SIZES).filter((n) => Number.isInteger(n) && n > 0);
    const runs: SizeRun[] = [];
    for (const groups of sizes) {
      process.stderr.write(`bench: ${groups} groups...\n`);
      runs.push(runChild(groups));
    }
    const report = formatReport(runs);
    process.stdout.write(`${report.text}\n`);
    ok &&= report.ok;
  }
  const cli = await benchCliStartup();
  process.stdout.write(cli.text);
  ok &&= cli.ok;
  if (!process.argv.includes('--cli-only')) {
    const approval = await approvalSection();
    process.stdout.write(approval.text);
    ok &&= approval.ok;
  }
  if (!ok) process.exitCode = 1;
}

async function benchCliStartup(): Promise<{ text: string; ok: boolean }> {
  const root = join(__dirname, '..');
  await ensureCliBundle({ log: (line) => process.stderr.write(`${line}\n`) });
  process.stderr.write('bench: CLI start-up (bundle)...\n');
  const bundle = await measureCliStartup([process.execPath, join(root, 'bin', 'sg-audit.js')], { runs: 5 });
  process.stderr.write('bench: CLI start-up (sources through tsx)...\n');
  const source = await measureCliStartup([process.execPath, '--import', 'tsx', join(root, 'bench', 'cli-from-source.ts')], { runs: 3 });
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  return formatCliStartup(
    [
      { label: 'bin/sg-audit.js (the esbuild bundle in dist/cli)', times: bundle },
      { label: 'the sources through tsx, as bin/ ran before the bundle', times: source },
    ],
    `Load average during the runs: ${load} (on ${cpus().length} cores); start-up times scale with it.`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
