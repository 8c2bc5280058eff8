/**
 * `npm run bench -- --model`: predictions of real audits under the latency and throttle model
 * (bench/latency-model.ts), each from the real audit code in a fresh process (bench/predict.ts):
 * today's and the previous concurrency defaults at 1 and 17 regions of 1k and 10k groups, the
 * sweeps the defaults were tuned from, each region's requests, the Lambda memory that fits, and
 * the cost of a run.
 */
import {
  DEFAULT_LATENCY,
  DEFAULT_REGIONS,
  HOME_REGION,
  LAMBDA_PRICES,
  MB_PER_VCPU,
  THROTTLE_RULES,
  type LatencyModel,
  type ThrottleRule,
} from './latency-model';
import { CREATED_PER_WEEK, CURRENT_CONCURRENCY, predictInChild, type Prediction, type PredictOptions } from './predict';
import { AUDIT_MEMORY_MB } from '../infra/sizing';
import { DEFAULT_ARTIFACT_RETENTION_DAYS } from '../infra/stack-config';

/** The defaults before issue 14 tuned them from this model (lambda/aws/audit.ts). */
export const PREVIOUS_CONCURRENCY = { regionConcurrency: 4, scannerConcurrency: 8 } as const;
export const SEED = 14;
/** The audit Lambda's limit. */
const LAMBDA_TIMEOUT_MS = 15 * 60 * 1000;
/** Assumed: cold start (loading ~55 SDK clients) billed on top of the audit's own time. */
const INIT_MS = 2_000;
/** The peak RSS may use at most this share of the Lambda's memory. */
const RSS_SHARE = 0.85;

interface Scenario {
  label: string;
  options: PredictOptions;
}

const mb = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)} MB`;
const secs = (ms: number): string => (ms >= 120_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`);
const count = (n: number): string => n.toLocaleString('en-US');
/** A price per unit scaled by a power of ten, without binary floating-point tails (0.03, not 0.030000000000000002). */
const price = (n: number): string => String(Number(n.toPrecision(6)));

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function scenario(label: string, groups: number, regions: number, concurrency: { regionConcurrency: number; scannerConcurrency: number }, extra: Partial<PredictOptions> = {}): Scenario {
  const list = regions === 1 ? [HOME_REGION] : DEFAULT_REGIONS.slice(0, regions);
  // More regions at once than regions audited is the same run (one region: before = after).
  const regionConcurrency = Math.min(concurrency.regionConcurrency, list.length);
  return { label, options: { groups, regions: list, ...concurrency, regionConcurrency, seed: SEED, ...extra } };
}

/** The four sizes the issue asks for, at one concurrency setting. */
function sizes(label: string, concurrency: { regionConcurrency: number; scannerConcurrency: number }): Scenario[] {
  return [1, 17].flatMap((regions) => [1_000, 10_000].map((groups) => scenario(label, groups, regions, concurrency)));
}

/** EC2 as one bucket for every Describe call (the older docs' reading), for a sensitivity row. */
const SHARED_EC2_RULES: readonly ThrottleRule[] = THROTTLE_RULES.map((r) => (r.client === 'EC2Client' ? { ...r, scope: 'shared' as const } : r));
const SLOW_LATENCY: LatencyModel = { ...DEFAULT_LATENCY, p50Ms: 120, p99Ms: 1_000, perItemMs: 2 };

function scenarios(): Scenario[] {
  const current = CURRENT_CONCURRENCY;
  const list = [...sizes('before', PREVIOUS_CONCURRENCY), ...sizes('after', current)];
  // Each 17 x 10k run costs minutes of CPU: the sweep keeps the points that decide the default.
  for (const regionConcurrency of [6, 17]) list.push(scenario('sweep: regions at once', 10_000, 17, { ...current, regionConcurrency }));
  for (const scannerConcurrency of [4, 16, 32]) list.push(scenario('sweep: scanners at once', 10_000, 1, { ...current, scannerConcurrency }));
  list.push(scenario('sensitivity: EC2 one shared bucket', 10_000, 1, current, { rules: SHARED_EC2_RULES }));
  list.push(scenario('sensitivity: slow network (p50 120, p99 1000 ms, 2 ms/item)', 10_000, 17, current, { latency: SLOW_LATENCY }));
  return list;
}

const keyOf = (o: PredictOptions): string =>
  JSON.stringify([o.groups, o.regions.length, o.regionConcurrency, o.scannerConcurrency, o.rules === undefined, o.latency === undefined]);

function modelText(): string {
  const l = DEFAULT_LATENCY;
  return [
    'Model',
    `  latency per attempt: log-normal, p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms (seed ${SEED}); + ${l.perItemMs} ms per item a populated page returns;`,
    `  + the round trip from ${HOME_REGION} to the region (${Object.entries(l.regionRttMs).map(([r, ms]) => `${r} ${ms}`).join(', ')} ms; assumed)`,
    '  token buckets per account and region (first match; over the limit the attempt fails with the error shown, after its latency):',
    table(
      ['client', 'APIs', 'bucket', 'burst', 'refill/s', 'error', 'source'],
      THROTTLE_RULES.map((r) => [r.client, r.apis?.join(', ') ?? 'every', r.scope === 'api' ? 'one per API' : 'shared', String(r.burst), String(r.refillPerSecond), `${r.errorName} (${r.httpStatus})`, r.source]),
    ),
    '  retries: the SDK\'s own retry middleware and strategy (adaptive mode, 5 attempts, the ClientFactory\'s settings) run above the simulated',
    '  network and back off on the virtual clock; no queueing is modelled beyond that.',
    `  account: bench/synthetic-account.ts per region, plus CloudTrail CreateSecurityGroup events for ${CREATED_PER_WEEK * 100}% of the groups a week;`,
    '  every service answers, so the SSM service list is never read (the engine asks it only after a missing endpoint); settings as deployed (minimum age 7 days)',
    '  not modelled: client CPU (XML parsing, the audit\'s own work) takes no virtual time: see "CPU" below; the client timeouts (no attempt comes near 30 s);',
    '  S3 writes and the email after the audit.',
  ].join('\n');
}

function row(s: Scenario, p: Prediction): string[] {
  const throttled = Object.values(p.throttled).reduce((a, b) => a + b, 0);
  const slowest = Math.max(0, ...Object.values(p.regionMs));
  return [
    s.label,
    `${p.regions} x ${count(p.groups)}`,
    String(p.regionConcurrency),
    String(p.scannerConcurrency),
    secs(p.wallMs),
    `${secs(slowest)} (${secs(Math.max(0, ...Object.values(p.inventoryMs)))})`,
    count(p.apiCalls),
    count(p.attempts),
    count(throttled),
    p.failures.length === 0 ? 'none' : `${p.failures.length}: ${p.failures.slice(0, 3).join(', ')}`,
    `${mb(p.peakRss)} / ${mb(p.artifactsPeakRss)}`,
    `${(p.cpuMs / 1000).toFixed(1)} s`,
    `${(p.realMs / 1000).toFixed(1)} s`,
  ];
}

const peakOf = (p: Prediction): number => Math.max(p.peakRss, p.artifactsPeakRss);

/**
 * Prices of the rest of a run (us-east-1 list prices; the first two of Lambda's are in
 * latency-model.ts). Per run: three artifacts written, one SNS publish to one email address, and
 * a few KMS requests (the encrypted topic's data key, the approval link's MAC).
 */
const OTHER_PRICES = {
  s3PerPut: 0.005 / 1000,
  s3PutRequests: 3,
  s3PerGbMonth: 0.023,
  snsPerPublish: 0.5 / 1_000_000,
  snsPerEmail: 2 / 100_000,
  kmsPerRequest: 0.03 / 10_000,
  kmsRequests: 3,
} as const;

/** Lambda memory sizes considered, MB: up to 3,008, assumed the most a new account's reduced memory quota allows. */
const MEMORY_STEPS = [1024, 1536, 2048, 3008];

/** Runs every scenario and prints the section; `ok` is false when a target is missed. */
export function runModelSection(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): { text: string; ok: boolean } {
  const results = new Map<string, Prediction>();
  const runs: Array<{ s: Scenario; p: Prediction }> = [];
  for (const s of scenarios()) {
    const key = keyOf(s.options);
    let p = results.get(key);
    if (!p) {
      log(`bench model: ${s.label}, ${s.options.regions.length} x ${s.options.groups} groups, ${s.options.regionConcurrency}/${s.options.scannerConcurrency}...`);
      p = predictInChild(s.options);
      results.set(key, p);
    }
    runs.push({ s, p });
  }
  const find = (label: string, regions: number, groups: number): Prediction | undefined =>
    runs.find((r) => r.s.label === label && r.p.regions === regions && r.p.groups === groups)?.p;
  const before = find('before', 17, 10_000);
  const after = find('after', 17, 10_000);
  const worst = after ?? before;

  const checks: Array<{ ok: boolean; text: string }> = [];
  const failing = runs.filter((r) => (r.s.label === 'before' || r.s.label === 'after') && r.p.failures.length > 0);
  checks.push({ ok: failing.length === 0, text: failing.length === 0 ? 'no scan failed or was throttled out at 1 and 17 regions' : `scans failed: ${failing.map((r) => r.p.failures.join(', ')).join('; ')}` });
  if (after) checks.push({ ok: after.wallMs < LAMBDA_TIMEOUT_MS / 3, text: `17 regions x 10k groups predicted ${secs(after.wallMs)} with today's defaults (target: a third of the Lambda's 15 min)` });

  const lines = ['', 'Predicted wall time of real audits (bench/predict.ts: the real audit code over the synthetic account, simulated network, virtual clock)', '', modelText(), ''];
  lines.push(
    table(
      ['scenario', 'regions x groups', 'regions at once', 'scanners at once', 'predicted wall', 'slowest region (inventory)', 'calls', 'attempts', 'throttled', 'failed scans', 'peak RSS audit / +artifacts', 'CPU', 'real time'],
      runs.map(({ s, p }) => row(s, p)),
    ),
  );
  lines.push('(peak RSS, CPU and real time are of the simulating process: the audit, the mocks and the simulation; "+artifacts" also renders the');
  lines.push(' backup, report and log one at a time, as the audit Lambda does after the audit; real time swings with the machine\'s load)');
  if (before && after) {
    lines.push('', `Before -> after (17 regions x 10k groups): ${secs(before.wallMs)} -> ${secs(after.wallMs)}; peak RSS ${mb(peakOf(before))} -> ${mb(peakOf(after))}`);
  }
  const perRegion = runs.filter((r) => r.s.label === 'after');
  if (perRegion.length > 0) {
    lines.push('', 'Requests per region (today\'s defaults; calls = the audit\'s own counter, attempts = what reached the simulated network)');
    const rows = perRegion.map(({ p }) => {
      const regions = Object.values(p.perRegion);
      const range = (f: (r: (typeof regions)[number]) => number): string => {
        const values = regions.map(f);
        const lo = Math.min(...values);
        const hi = Math.max(...values);
        return lo === hi ? count(lo) : `${count(lo)}-${count(hi)}`;
      };
      const shared = Object.entries(p.sharedCalls)
        .map(([label, n]) => `${label.replace(/^shared:/, '')} ${count(n / p.regions)}`)
        .join(', ');
      return [`${p.regions} x ${count(p.groups)}`, range((r) => r.apiCalls), range((r) => r.attempts), range((r) => r.ssm), String(regions.reduce((n, r) => n + r.repeated.length, 0)), shared];
    });
    lines.push(table(['regions x groups', 'calls per region', 'attempts per region', 'SSM per region', 'requests answered twice', 'shared listings, calls per region (shared:<key>)'], rows));
    const ssm = Math.max(0, ...perRegion.flatMap(({ p }) => Object.values(p.perRegion).map((r) => r.ssm)));
    const repeated = perRegion.flatMap(({ p }) => Object.entries(p.perRegion).flatMap(([region, r]) => r.repeated.map((q) => `${region} ${q}`)));
    checks.push({ ok: ssm <= 1, text: `at most ${ssm} SSM request in any region (target: at most 1)` });
    checks.push({ ok: repeated.length === 0, text: repeated.length === 0 ? 'no request answered twice in a region (no listing fetched twice)' : `requests answered twice: ${repeated.slice(0, 3).join('; ')}` });
  }
  const slow = runs.find((r) => r.s.label.startsWith('sensitivity: slow'))?.p;
  if (slow) checks.push({ ok: slow.wallMs < LAMBDA_TIMEOUT_MS / 2, text: `at twice the latency, 17 regions x 10k groups take ${secs(slow.wallMs)} (target: half of 15 min)` });
  if (worst) {
    const needed = peakOf(worst) / RSS_SHARE / 1024 / 1024;
    const memory = MEMORY_STEPS.find((m) => m >= needed);
    // Node runs the audit on one thread: memory beyond one vCPU does not make it faster.
    const cpuFloorMs = worst.cpuMs * Math.max(1, MB_PER_VCPU / AUDIT_MEMORY_MB);
    const billedS = (worst.wallMs + INIT_MS) / 1000;
    const gbSeconds = (AUDIT_MEMORY_MB / 1024) * billedS;
    const lambdaCost = gbSeconds * LAMBDA_PRICES.perGbSecond + LAMBDA_PRICES.perRequest;
    const storedGb = worst.artifactBytes / 1024 ** 3;
    const s3Cost = OTHER_PRICES.s3PutRequests * OTHER_PRICES.s3PerPut + storedGb * OTHER_PRICES.s3PerGbMonth * (DEFAULT_ARTIFACT_RETENTION_DAYS / 30);
    const snsCost = OTHER_PRICES.snsPerPublish + OTHER_PRICES.snsPerEmail;
    const kmsCost = OTHER_PRICES.kmsRequests * OTHER_PRICES.kmsPerRequest;
    const cost = lambdaCost + s3Cost + snsCost + kmsCost;
    lines.push(
      '',
      'Lambda sizing (17 regions x 10k groups, today\'s defaults)',
      `  peak RSS ${mb(peakOf(worst))} with the artifacts (${mb(worst.peakRss)} during the audit, ${mb(worst.baseRss)} before it; artifacts ${mb(worst.artifactBytes)}): at most ${RSS_SHARE * 100}% of memory needs >= ${Math.ceil(needed)} MB -> ${memory ?? 'more than 3008'} MB; the stack has ${AUDIT_MEMORY_MB} MB`,
      `  CPU: the simulation used ${(worst.cpuMs / 1000).toFixed(0)} s of CPU (audit, mocks, SDK middleware; no XML parsing); at ${AUDIT_MEMORY_MB} MB (${(AUDIT_MEMORY_MB / MB_PER_VCPU).toFixed(2)} vCPU, of which one thread uses at most 1) that is ${secs(cpuFloorMs)} of the ${secs(worst.wallMs)} predicted`,
      `  cost of one monthly run, ${LAMBDA_PRICES.region} list prices, free tiers ignored: $${cost.toFixed(4)}`,
      `    Lambda (${LAMBDA_PRICES.architecture}): ${(AUDIT_MEMORY_MB / 1024).toFixed(2)} GB x ${billedS.toFixed(0)} s (audit + ${INIT_MS / 1000} s start) = ${gbSeconds.toFixed(0)} GB-s x $${LAMBDA_PRICES.perGbSecond} + 1 request at $${price(LAMBDA_PRICES.perRequest * 1e6)}/1M = $${lambdaCost.toFixed(4)}`,
      `    S3 Standard: ${OTHER_PRICES.s3PutRequests} PUTs at $${price(OTHER_PRICES.s3PerPut * 1000)}/1,000 + ${mb(worst.artifactBytes)} kept ${DEFAULT_ARTIFACT_RETENTION_DAYS} days at $${OTHER_PRICES.s3PerGbMonth}/GB-month = $${s3Cost.toFixed(4)}`,
      `    SNS: 1 publish at $${price(OTHER_PRICES.snsPerPublish * 1e6)}/1M + 1 email at $${price(OTHER_PRICES.snsPerEmail * 1e5)}/100,000 = $${snsCost.toFixed(6)}; KMS: ${OTHER_PRICES.kmsRequests} requests at $${price(OTHER_PRICES.kmsPerRequest * 1e4)}/10,000 = $${kmsCost.toFixed(6)}`,
      '    (the audit\'s own API calls are free; the KMS keys\' monthly fee is the stack\'s, not the run\'s)',
    );
    checks.push({ ok: memory !== undefined && memory <= AUDIT_MEMORY_MB, text: `peak RSS ${mb(peakOf(worst))} fits the audit Lambda's ${AUDIT_MEMORY_MB} MB with ${100 - RSS_SHARE * 100}% to spare` });
    checks.push({ ok: cpuFloorMs < worst.wallMs, text: `the audit's CPU (${secs(cpuFloorMs)} at ${AUDIT_MEMORY_MB} MB) fits inside its predicted wall time` });
  }
  lines.push('', 'Model targets', ...checks.map((c) => `  ${c.ok ? 'PASS' : 'FAIL'}  ${c.text}`), '');
  return { text: lines.join('\n'), ok: checks.every((c) => c.ok) };
}

/**
 * `npm run bench -- --activity`: recent-activity under the model. One region of 1,000 groups at
 * 100, 10,000 and 100,000 management events a day (LookupEvents calls and the region's predicted
 * time; how far back the 90-day window was read), then 17 regions x 10,000 groups at 100 events a
 * day with today's defaults (target: under 1 minute with the activity source included).
 */
export function runActivitySection(log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): { text: string; ok: boolean } {
  const rows: string[][] = [];
  const rates = [100, 10_000, 100_000];
  const checks: Array<{ ok: boolean; text: string }> = [];
  const base = scenario('activity', 1_000, 1, CURRENT_CONCURRENCY);
  const without = predictInChild({ ...base.options, idleDays: 0 });
  for (const eventsPerDay of rates) {
    log(`bench activity: 1 x 1,000 groups, ${eventsPerDay} events a day...`);
    const p = predictInChild({ ...base.options, idleDays: 90, eventsPerDay });
    const w = Object.values(p.activity)[0];
    rows.push([
      count(eventsPerDay),
      count(p.lookupCallsPerRegion),
      secs(Math.max(0, ...Object.values(p.regionMs))),
      secs(Math.max(0, ...Object.values(without.regionMs))),
      w ? (w.complete ? 'all 90 days' : `back to ${w.reached.slice(0, 10)} (cut by the page budget)`) : 'n/a',
      `${count(p.totals.candidates)} / ${count(p.totals.unknown)}`,
    ]);
  }
  log('bench activity: 17 x 10,000 groups, 100 events a day, today\'s defaults...');
  const big = scenario('activity', 10_000, 17, CURRENT_CONCURRENCY);
  const p17 = predictInChild({ ...big.options, idleDays: 90, eventsPerDay: 100 });
  log('bench activity: 17 x 10,000 groups, 100 events a day, 17 regions at once...');
  const p17all = predictInChild({ ...scenario('activity', 10_000, 17, { ...CURRENT_CONCURRENCY, regionConcurrency: 17 }).options, idleDays: 90, eventsPerDay: 100 });
  log('bench activity: 17 x 10,000 groups, activity off, today\'s defaults...');
  const p17off = predictInChild({ ...big.options, idleDays: 0 });
  const slowest = Math.max(0, ...Object.values(p17.regionMs));
  const inventory = Math.max(0, ...Object.values(p17.inventoryMs));
  checks.push({ ok: p17.wallMs < 60_000, text: `17 regions x 10k groups with recent-activity (100 events a day) predicted ${secs(p17.wallMs)} (target: under 1 minute)` });
  checks.push({ ok: p17.failures.length === 0, text: p17.failures.length === 0 ? 'no scan failed or was throttled out' : `failed: ${p17.failures.slice(0, 3).join(', ')}` });
  const text = [
    '',
    'recent-activity under the model (virtual clock; LookupEvents 2/s per region, 50 events a page; the event mix is bench/predict.ts ACTIVITY_SHARE:',
    `5% of all management events are launches/configurations of the queried names; epoch ${new Date(Date.parse('2026-01-05T00:00:00Z')).toISOString().slice(0, 10)})`,
    '',
    table(['events a day', 'LookupEvents calls per region', 'region, activity on', 'region, activity off', '90-day window read', 'candidates / unknown'], rows),
    '',
    `17 regions x 10,000 groups, 100 events a day, ${CURRENT_CONCURRENCY.regionConcurrency} regions and ${CURRENT_CONCURRENCY.scannerConcurrency} scanners at once: ${secs(p17.wallMs)} predicted; slowest region ${secs(slowest)} (inventory ${secs(inventory)}); ${count(p17.apiCalls)} calls, ${count(p17.lookupCallsPerRegion)} LookupEvents per region; peak RSS ${mb(p17.peakRss)} / ${mb(p17.artifactsPeakRss)} with the artifacts`,
    `  the same, activity off: ${secs(p17off.wallMs)} (slowest region ${secs(Math.max(0, ...Object.values(p17off.regionMs)))}, ${count(p17off.apiCalls)} calls, peak RSS ${mb(p17off.peakRss)})`,
    `  the same, activity on, 17 regions at once: ${secs(p17all.wallMs)} (slowest region ${secs(Math.max(0, ...Object.values(p17all.regionMs)))}; peak RSS ${mb(p17all.peakRss)} / ${mb(p17all.artifactsPeakRss)} with the artifacts)`,
    '',
    'Activity targets',
    ...checks.map((c) => `  ${c.ok ? 'PASS' : 'FAIL'}  ${c.text}`),
    '',
  ].join('\n');
  return { text, ok: checks.every((c) => c.ok) };
}
