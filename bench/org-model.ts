import { SCANNERS } from '../lambda/aws/scanners/registry';
import { ORG_TUNING } from '../lambda/core/org';
import { DEFAULT_MAX_CONCURRENCY } from '../infra/stack-config';

/**
 * `npm run bench -- --org`: predicts one monthly organization audit (1,000 accounts x 17
 * regions) from a stated model. The API calls of one (account, region) item are measured by
 * running the real audit of one synthetic region (every registered scanner, mocked SDK); the
 * rest is arithmetic over the constants below, each one printed with the result.
 */

export interface OrgModel {
  accounts: number;
  regionsPerAccount: number;
  /** One API call's round trip (describe/list calls, same-region endpoints). */
  callLatencyMs: number;
  /** EC2's request-rate limit per account and region (the bucket's refill rate). */
  ec2RequestsPerSecond: number;
  /** Concurrent executions the account lets these Lambdas use (default quota 1,000). */
  lambdaConcurrency: number;
  /** The Distributed Map's MaxConcurrency (child executions at once). */
  mapConcurrency: number;
  itemsPerBatch: number;
  itemConcurrency: number;
  scannerConcurrency: number;
  assembleConcurrency: number;
  /** Cold start of a task Lambda (one bundle with every scanner), billed. */
  coldStartMs: number;
  itemMemoryGb: number;
  otherMemoryGb: number;
}

export const DEFAULT_ORG_MODEL: OrgModel = {
  accounts: 1000,
  regionsPerAccount: 17,
  callLatencyMs: 100,
  ec2RequestsPerSecond: 20,
  lambdaConcurrency: 1000,
  mapConcurrency: DEFAULT_MAX_CONCURRENCY,
  itemsPerBatch: ORG_TUNING.itemsPerBatch,
  itemConcurrency: ORG_TUNING.itemConcurrency,
  scannerConcurrency: 8,
  assembleConcurrency: ORG_TUNING.assembleConcurrency,
  coldStartMs: 1500,
  itemMemoryGb: 1,
  otherMemoryGb: 0.5,
};

/** US East (N. Virginia) list prices used (USD). */
export const PRICES = {
  lambdaGbSecondArm: 0.0000133334,
  lambdaRequest: 0.2 / 1e6,
  stateTransition: 0.025 / 1000,
  s3Put: 0.005 / 1000,
  s3Get: 0.0004 / 1000,
  snsEmail: 2 / 100_000,
  kmsRequest: 0.03 / 10_000,
} as const;

/** Calls of one region item, by label (source id or "inventory"), as the real audit made them. */
export type CallsBySource = Record<string, number>;

export interface OrgPrediction {
  model: OrgModel;
  callsPerRegion: number;
  ec2CallsPerRegion: number;
  regionMs: number;
  batchMs: number;
  items: number;
  batches: number;
  effectiveConcurrency: number;
  phases: { planMs: number; itemsMs: number; assembleMs: number; summaryMs: number };
  wallMs: number;
  lambdaGbSeconds: number;
  lambdaInvocations: number;
  stateTransitions: number;
  cost: { lambda: number; stepFunctions: number; s3: number; sns: number; kms: number; total: number };
}

const EC2_ONLY = new Set(SCANNERS.filter((s) => s.actions.length > 0 && s.actions.every((a) => a.startsWith('ec2:'))).map((s) => s.source as string));
const AFTER_CLASSIFY = new Set(SCANNERS.filter((s) => s.afterClassify).map((s) => s.source as string));

/** Longest-processing-time-first schedule of `durations` on `slots` workers: the makespan. */
export function makespan(durations: readonly number[], slots: number): number {
  const loads = new Array<number>(Math.max(1, slots)).fill(0);
  for (const d of [...durations].sort((a, b) => b - a)) {
    let min = 0;
    for (let i = 1; i < loads.length; i += 1) if ((loads[i] ?? 0) < (loads[min] ?? 0)) min = i;
    loads[min] = (loads[min] ?? 0) + d;
  }
  return Math.max(...loads);
}

/**
 * One region: the inventory's calls in sequence, then the scanners (each scanner's calls in
 * sequence, `scannerConcurrency` scanners at once), then the after-classify scanners; never
 * faster than EC2's rate limit allows for the region's EC2 calls.
 */
export function regionDuration(calls: CallsBySource, m: OrgModel): { ms: number; total: number; ec2: number } {
  const L = m.callLatencyMs;
  const inventory = calls.inventory ?? 0;
  const first = Object.entries(calls).filter(([label]) => label !== 'inventory' && !AFTER_CLASSIFY.has(label));
  const later = Object.entries(calls).filter(([label]) => AFTER_CLASSIFY.has(label));
  const latencyBound =
    inventory * L + makespan(first.map(([, n]) => n * L), m.scannerConcurrency) + makespan(later.map(([, n]) => n * L), m.scannerConcurrency);
  const ec2 = inventory + Object.entries(calls).filter(([label]) => EC2_ONLY.has(label)).reduce((n, [, c]) => n + c, 0);
  const rateBound = (ec2 / m.ec2RequestsPerSecond) * 1000;
  const total = Object.values(calls).reduce((a, b) => a + b, 0);
  return { ms: Math.max(latencyBound, rateBound), total, ec2 };
}

/** The prediction for one run under `m`, from the measured calls of one region. */
export function predictOrgRun(calls: CallsBySource, m: OrgModel = DEFAULT_ORG_MODEL): OrgPrediction {
  const L = m.callLatencyMs;
  const region = regionDuration(calls, m);
  const items = m.accounts * m.regionsPerAccount;
  const batches = Math.ceil(items / m.itemsPerBatch);
  // A batch: cold start, AssumeRole per account in it, its items `itemConcurrency` at once, one S3 PUT each.
  const accountsPerBatch = Math.ceil(m.itemsPerBatch / m.regionsPerAccount) + (m.itemsPerBatch % m.regionsPerAccount === 0 ? 0 : 1);
  const batchMs = m.coldStartMs + accountsPerBatch * L + makespan(new Array<number>(m.itemsPerBatch).fill(region.ms + L), m.itemConcurrency);
  const effectiveConcurrency = Math.min(m.mapConcurrency, m.lambdaConcurrency);
  const itemsMs = Math.ceil(batches / effectiveConcurrency) * batchMs;

  // Plan: ListAccounts (20 a page, in sequence), then per account AssumeRole + DescribeRegions, 20 accounts at once; 3 PUTs.
  const planMs = m.coldStartMs + Math.ceil(m.accounts / 20) * L + Math.ceil(m.accounts / 20) * 2 * L + 3 * L;
  // Assemble: read the account's region results 8 at once, 3 PUTs at once, GenerateMac, Publish, PUT the result.
  const assembleOneMs = m.coldStartMs + Math.ceil(m.regionsPerAccount / 8) * L + L + L + L + L;
  const assembleMs = Math.ceil(m.accounts / Math.min(m.assembleConcurrency, m.lambdaConcurrency)) * assembleOneMs;
  const summaryMs = m.coldStartMs + Math.ceil(m.accounts / 16) * L + 3 * L;
  const wallMs = planMs + itemsMs + assembleMs + summaryMs;

  // Every invocation billed from its cold start (conservative: warm ones are faster).
  const lambdaGbSeconds =
    (batches * batchMs * m.itemMemoryGb + m.accounts * assembleOneMs * m.itemMemoryGb + (planMs + summaryMs) * m.otherMemoryGb) / 1000;
  const lambdaInvocations = batches + m.accounts + 2;
  // Standard: the top-level states entered (4), one transition per child execution started,
  // and the one task state inside each child.
  const stateTransitions = 4 + batches * 2 + m.accounts * 2;
  const s3Puts = items + m.accounts * 4 + 5;
  const s3Gets = batches + items + m.accounts + 2;
  const cost = {
    lambda: lambdaGbSeconds * PRICES.lambdaGbSecondArm + lambdaInvocations * PRICES.lambdaRequest,
    stepFunctions: stateTransitions * PRICES.stateTransition,
    s3: s3Puts * PRICES.s3Put + s3Gets * PRICES.s3Get,
    sns: m.accounts * PRICES.snsEmail,
    kms: m.accounts * PRICES.kmsRequest,
    total: 0,
  };
  cost.total = cost.lambda + cost.stepFunctions + cost.s3 + cost.sns + cost.kms;
  return {
    model: m,
    callsPerRegion: region.total,
    ec2CallsPerRegion: region.ec2,
    regionMs: region.ms,
    batchMs,
    items,
    batches,
    effectiveConcurrency,
    phases: { planMs, itemsMs, assembleMs, summaryMs },
    wallMs,
    lambdaGbSeconds,
    lambdaInvocations,
    stateTransitions,
    cost,
  };
}

export const ORG_TARGETS = { wallMs: 15 * 60 * 1000, costUsd: 2 } as const;

const min = (ms: number) => `${(ms / 60000).toFixed(1)} min`;
const usd = (n: number) => `US$${n.toFixed(3)}`;

/** The prediction as text: the model, the measured input, the result and the verdict against the targets. */
export function formatOrgPrediction(p: OrgPrediction, alternatives: OrgPrediction[] = []): { text: string; ok: boolean } {
  const m = p.model;
  const ok = p.wallMs < ORG_TARGETS.wallMs && p.cost.total < ORG_TARGETS.costUsd;
  const lines = [
    `Organization audit, predicted: ${m.accounts} accounts x ${m.regionsPerAccount} regions = ${p.items} items`,
    '',
    'Model',
    `  per-call latency ${m.callLatencyMs} ms; EC2 ${m.ec2RequestsPerSecond} requests/s per account and region; ${m.scannerConcurrency} scanners at once per region`,
    `  Lambda concurrency available ${m.lambdaConcurrency}; Distributed Map MaxConcurrency ${m.mapConcurrency} (effective ${p.effectiveConcurrency})`,
    `  ${m.itemsPerBatch} items per Lambda invocation (ItemBatcher), ${m.itemConcurrency} of them at once; ${m.assembleConcurrency} accounts assembled at once`,
    `  cold start ${m.coldStartMs} ms billed on every invocation; ${m.itemMemoryGb} GB for items and assembly, ${m.otherMemoryGb} GB for plan and summary`,
    `  Standard child executions: 1 transition per child started + its task state; 4 top-level states`,
    `  prices (us-east-1): Lambda arm64 $${PRICES.lambdaGbSecondArm}/GB-s + $0.20/1M requests; Step Functions $0.025/1,000 transitions;`,
    `  S3 $0.005/1,000 PUT, $0.0004/1,000 GET; SNS email $2/100,000; KMS $0.03/10,000 (free tiers ignored)`,
    '',
    'Measured (the real audit of one synthetic region, every registered scanner, mocked SDK)',
    `  ${p.callsPerRegion} API calls per (account, region), ${p.ec2CallsPerRegion} of them EC2; one region ${(p.regionMs / 1000).toFixed(1)} s under the model`,
    '',
    'Prediction',
    `  ${p.batches} child executions of ${(p.batchMs / 1000).toFixed(1)} s each`,
    `  wall time ${min(p.wallMs)} (plan ${min(p.phases.planMs)}, items ${min(p.phases.itemsMs)}, assemble ${min(p.phases.assembleMs)}, summary ${min(p.phases.summaryMs)})`,
    `  Lambda ${Math.round(p.lambdaGbSeconds)} GB-s in ${p.lambdaInvocations} invocations; ${p.stateTransitions} state transitions`,
    `  cost of one run ${usd(p.cost.total)} (Lambda ${usd(p.cost.lambda)}, Step Functions ${usd(p.cost.stepFunctions)}, S3 ${usd(p.cost.s3)}, SNS ${usd(p.cost.sns)}, KMS ${usd(p.cost.kms)})`,
    `  targets: wall < 15 min ${p.wallMs < ORG_TARGETS.wallMs ? 'MET' : 'MISSED'}; cost < US$2 ${p.cost.total < ORG_TARGETS.costUsd ? 'MET' : 'MISSED'}`,
  ];
  if (alternatives.length > 0) {
    lines.push('', 'Alternatives (same model)', '  items/batch  map concurrency  wall      cost');
    for (const a of alternatives) {
      lines.push(`  ${String(a.model.itemsPerBatch).padEnd(11)}  ${String(a.model.mapConcurrency).padEnd(15)}  ${min(a.wallMs).padEnd(8)}  ${usd(a.cost.total)}`);
    }
  }
  return { text: `${lines.join('\n')}\n`, ok };
}
