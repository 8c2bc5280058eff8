/**
 * Predicts the wall time of a real audit: the real runAudit (every registered scanner, the real
 * region and scanner concurrency, the SDK's middleware and retry strategy) over the synthetic
 * account, with a simulated network (bench/latency-model.ts) on a virtual clock. Nothing waits
 * for real: the 7 minutes of a 17 regions x 10k groups audit cost only the audit's own CPU.
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_REGION_CONCURRENCY, DEFAULT_SCANNER_CONCURRENCY, runAudit, type ProgressEvent } from '../lambda/aws/audit';
import { ClientFactory } from '../lambda/aws/client-factory';
import { SCANNERS } from '../lambda/aws/scanners/registry';
import type { Scanner } from '../lambda/aws/scanners/types';
import { DEFAULT_MIN_AGE_DAYS } from '../lambda/core/config';
import { buildBackup, sha256Hex, toJsonBytes } from '../lambda/core/backup';
import type { Totals } from '../lambda/core/model';
import { renderLog } from '../lambda/core/render-log';
import { DEFAULT_LATENCY, seededRandom, THROTTLE_RULES, type LatencyModel, type ThrottleRule } from './latency-model';
import { BENCH_SETTINGS } from './measure';
import { PageLedger } from './paged';
import { installSimulatedNetwork, type ExtraFixture } from './simulated-network';
import { BENCH_ACCOUNT, BENCH_REGION, mockSyntheticAccount } from './synthetic-account';
import { runVirtual } from './virtual-clock';

/** Assumed: groups created in the last week, as a share of all (CloudTrail pages the age check reads). */
export const CREATED_PER_WEEK = 0.02;
/** Virtual time starts here, so a run does not depend on the day it runs. */
const EPOCH_MS = Date.parse('2026-01-05T00:00:00Z');

export interface PredictOptions {
  groups: number;
  regions: readonly string[];
  regionConcurrency: number;
  scannerConcurrency: number;
  seed: number;
  latency?: LatencyModel;
  rules?: readonly ThrottleRule[];
  scanners?: readonly Scanner[];
  minAgeDays?: number;
  /** recent-activity's window (default 0: off, as before it existed). */
  idleDays?: number;
  /** Management events a day in each region (all kinds: the activity queries match a share of them). */
  eventsPerDay?: number;
}

export interface Prediction {
  groups: number;
  regions: number;
  regionConcurrency: number;
  scannerConcurrency: number;
  seed: number;
  /** Predicted wall time of runAudit (virtual ms). */
  wallMs: number;
  /** Each region's audit, start to done, and start to its inventory loaded (virtual ms). */
  regionMs: Record<string, number>;
  inventoryMs: Record<string, number>;
  /** Per region, each source's scan from the region's start to its result (virtual ms). */
  scanDoneMs: Record<string, Record<string, number>>;
  /** Calls as the audit counts them (one per send), and HTTP attempts (retries included). */
  apiCalls: number;
  attempts: number;
  /** Attempts throttled, and answered, by "<client> <api>". */
  throttled: Record<string, number>;
  answered: Record<string, number>;
  /** Per region: the audit's own count of calls, HTTP attempts, SSM attempts, requests answered twice. */
  perRegion: Record<string, { apiCalls: number; attempts: number; ssm: number; repeated: string[] }>;
  /** Calls of the shared listings (`shared:<key>` in apiCalls.bySource), all regions. */
  sharedCalls: Record<string, number>;
  /** "us-east-1 rds: Throttling": scans or regions that failed (throttled out, or a simulation fault). */
  failures: string[];
  totals: Totals;
  /** The simulation itself: real time, CPU, RSS before the audit and at its peak, timers fired. */
  realMs: number;
  baseRss: number;
  cpuMs: number;
  peakRss: number;
  /** Peak RSS while the report, log and backup are rendered as the audit Lambda does, and their bytes. */
  artifactsPeakRss: number;
  artifactBytes: number;
  events: number;
  /** recent-activity per region: how far back it read, and LookupEvents calls (the shared listing's). */
  activity: Record<string, { complete: boolean; reached: string }>;
  /** LookupEvents calls per region (the shared CloudTrail listing's, every region alike). */
  lookupCallsPerRegion: number;
}

const hex = (n: number): string => n.toString(16).padStart(17, '0');

/** CreateSecurityGroup events of the last `days`: CREATED_PER_WEEK of the groups, 50 a page. */
/**
 * Assumed share of all management events that are each activity query's event name (the rest are
 * reads and other writes, which no query returns): 5% launch or configure something with a group.
 */
export const ACTIVITY_SHARE: Readonly<Record<string, number>> = {
  RunInstances: 0.015,
  CreateNetworkInterface: 0.012,
  ModifyNetworkInterfaceAttribute: 0.005,
  RunTask: 0.008,
  UpdateFunctionConfiguration20150331v2: 0.003,
  CreateFunction20150331: 0.002,
  RunJobFlow: 0.002,
  CreateLaunchTemplateVersion: 0.001,
  UpdateService: 0.002,
  AuthorizeSecurityGroupIngress: 0.004,
  RevokeSecurityGroupIngress: 0.002,
};

/** LookupEvents by EventName: CreateSecurityGroup as before, the activity names at their share of `eventsPerDay`. */
function cloudTrailFixture(groups: number, eventsPerDay: number): ExtraFixture {
  const creates = cloudTrailEvents(groups, 90);
  return (input) => {
    const attrs = input.LookupAttributes as Array<{ AttributeValue?: string }> | undefined;
    const name = attrs?.[0]?.AttributeValue ?? '';
    if (name === 'CreateSecurityGroup') return creates(input);
    const perDay = eventsPerDay * (ACTIVITY_SHARE[name] ?? 0);
    const now = Date.now();
    const startTime = input.StartTime instanceof Date ? input.StartTime.getTime() : now - 90 * 86_400_000;
    const total = Math.floor(((now - startTime) / 86_400_000) * perDay);
    const step = 86_400_000 / Math.max(perDay, 1e-9);
    const start = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;
    const end = Math.min(total, start + 50);
    const Events = [];
    for (let k = start; k < end; k++) {
      const eventTime = new Date(now - (k + 0.5) * step);
      // Launches reuse a few groups (a CI job's, a DAG's): 20 of them, plus a rare one every 1,000 events.
      const groupId = `sg-${hex(k % 1000 === 999 ? (k * 7919) % groups : (k % 20) * 37)}`;
      Events.push({
        EventId: `ev-${name}-${k}`,
        EventName: name,
        EventSource: 'ec2.amazonaws.com',
        EventTime: eventTime,
        Resources: [],
        CloudTrailEvent: JSON.stringify({
          eventTime: eventTime.toISOString(),
          eventName: name,
          readOnly: false,
          userIdentity: { arn: 'arn:aws:sts::123456789012:assumed-role/ci/job' },
          requestParameters: { groupSet: { items: [{ groupId }] }, groupId },
          responseElements: null,
        }),
      });
    }
    return end < total ? { Events, NextToken: String(end) } : { Events };
  };
}

function cloudTrailEvents(groups: number, days: number): ExtraFixture {
  const total = Math.round((groups * CREATED_PER_WEEK * days) / 7);
  // Spread at the weekly rate (the age check's 7 days hold CREATED_PER_WEEK of the groups), at least a minute apart.
  const spacingMs = Math.max(60_000, (7 * 86_400_000) / Math.max(1, groups * CREATED_PER_WEEK));
  return (input) => {
    const start = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;
    const end = Math.min(total, start + 50);
    const now = Date.now();
    const Events = [];
    const since = input.StartTime instanceof Date ? input.StartTime.getTime() : 0;
    for (let k = start; k < end; k++) {
      const groupId = `sg-${hex((k * 37) % groups)}`;
      const eventTime = new Date(now - (k + 1) * spacingMs);
      if (eventTime.getTime() < since) break;
      Events.push({
        EventId: `ev-${k}`,
        EventName: 'CreateSecurityGroup',
        EventSource: 'ec2.amazonaws.com',
        EventTime: eventTime,
        CloudTrailEvent: JSON.stringify({ eventTime: eventTime.toISOString(), responseElements: { groupId } }),
      });
    }
    return end < total ? { Events, NextToken: String(end) } : { Events };
  };
}

/** Production-like environment, isolated from AWS and from ~/.aws (the SDK's defaults, 5 adaptive attempts). */
function isolateFromAws(): () => void {
  const keys = ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'AWS_MAX_ATTEMPTS', 'AWS_RETRY_MODE', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'];
  const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  for (const key of keys) delete process.env[key];
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: BENCH_REGION,
    AWS_CONFIG_FILE: join(tmpdir(), 'sg-auditor-bench-no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(tmpdir(), 'sg-auditor-bench-no-credentials'),
  });
  return () => {
    for (const key of keys) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  };
}

/** Runs the real audit of `regions` synthetic regions of `groups` groups each under the model. */
export async function predictAudit(options: PredictOptions): Promise<Prediction> {
  const scanners = options.scanners ?? SCANNERS;
  const minAgeDays = options.minAgeDays ?? DEFAULT_MIN_AGE_DAYS;
  const restoreEnv = isolateFromAws();
  const account = mockSyntheticAccount(options.groups, new PageLedger());
  const network = installSimulatedNetwork({
    latency: options.latency ?? DEFAULT_LATENCY,
    rules: options.rules ?? THROTTLE_RULES,
    seed: options.seed,
    extra: {
      'CloudTrailClient LookupEvents': options.idleDays ? cloudTrailFixture(options.groups, options.eventsPerDay ?? 100) : cloudTrailEvents(options.groups, minAgeDays),
    },
  });
  const factory = new ClientFactory();
  const started = new Map<string, number>();
  const regionMs: Record<string, number> = {};
  const inventoryMs: Record<string, number> = {};
  const scanDoneMs: Record<string, Record<string, number>> = {};
  const onProgress = (event: ProgressEvent): void => {
    if (event.kind === 'region-start') started.set(event.region, Date.now());
    if (event.kind === 'inventory') inventoryMs[event.region] = Date.now() - (started.get(event.region) ?? Date.now());
    if (event.kind === 'scan') (scanDoneMs[event.region] ??= {})[event.source] = Date.now() - (started.get(event.region) ?? Date.now());
    if (event.kind === 'region-done') regionMs[event.region] = Date.now() - (started.get(event.region) ?? Date.now());
  };
  try {
    (globalThis as { gc?: () => void }).gc?.();
    const baseRss = process.memoryUsage.rss();
    const run = await runVirtual(
      () =>
        runAudit(
          { ...BENCH_SETTINGS, regions: [...options.regions], minAgeDays, idleDays: options.idleDays ?? 0 },
          { factory, accountId: BENCH_ACCOUNT, scanners, regionConcurrency: options.regionConcurrency, scannerConcurrency: options.scannerConcurrency, onProgress },
        ),
      // The SDK's backoff jitter (Math.random) gets its own seeded stream.
      { startMs: EPOCH_MS, random: seededRandom(options.seed ^ 0x5eed) },
    );
    const report = run.value;
    // What the audit Lambda does next (publishReport in lambda/aws/publish-audit.ts): the backup,
    // the sealed report and the log, each rendered, written and let go before the next.
    let artifactsPeakRss = run.peakRss;
    let artifactBytes = 0;
    const render = (bytes: () => Buffer): string => {
      const rendered = bytes();
      artifactsPeakRss = Math.max(artifactsPeakRss, process.memoryUsage.rss());
      artifactBytes += rendered.length;
      return sha256Hex(rendered);
    };
    const sealed = { ...report, backupSha256: render(() => toJsonBytes(buildBackup(report))) };
    render(() => toJsonBytes(sealed));
    render(() => Buffer.from(renderLog(sealed), 'utf8'));
    const failures = [
      ...report.regions.filter((r) => r.status === 'failed').map((r) => `${r.region}: ${r.error?.code ?? 'failed'}`),
      ...report.regions.flatMap((r) => r.scans.filter((s) => s.status === 'failed').map((s) => `${r.region} ${s.source}: ${s.error?.code ?? 'failed'}`)),
    ];
    return {
      groups: options.groups,
      regions: options.regions.length,
      regionConcurrency: options.regionConcurrency,
      scannerConcurrency: options.scannerConcurrency,
      seed: options.seed,
      wallMs: run.virtualMs,
      regionMs,
      inventoryMs,
      scanDoneMs,
      apiCalls: report.apiCalls.total,
      attempts: network.stats.attempts,
      throttled: network.stats.throttled,
      answered: network.stats.answered,
      perRegion: Object.fromEntries(
        report.regions.map((r) => {
          const net = network.stats.regions[r.region];
          return [r.region, { apiCalls: r.apiCalls, attempts: net?.attempts ?? 0, ssm: net?.ssm ?? 0, repeated: net?.repeated ?? [] }];
        }),
      ),
      sharedCalls: Object.fromEntries(Object.entries(report.apiCalls.bySource).filter(([label]) => label.startsWith('shared:'))),
      failures,
      totals: report.totals,
      realMs: run.realMs,
      baseRss,
      cpuMs: run.cpuMs,
      peakRss: run.peakRss,
      artifactsPeakRss,
      artifactBytes,
      events: run.events,
      activity: Object.fromEntries(
        report.regions.flatMap((r) => {
          const scan = r.scans.find((s) => s.source === 'recent-activity');
          if (!scan?.activityWindow) return [];
          return [[r.region, { complete: scan.activityWindow.complete, reached: scan.activityWindow.reached }]];
        }),
      ),
      lookupCallsPerRegion:
        Object.entries(report.apiCalls.bySource)
          .filter(([label]) => label.startsWith('shared:cloudtrail:'))
          .reduce((n, [, calls]) => n + calls, 0) / Math.max(1, options.regions.length),
    };
  } finally {
    network.uninstall();
    account.restore();
    factory.destroy();
    restoreEnv();
  }
}

/** Today's defaults of lambda/aws/audit.ts. */
export const CURRENT_CONCURRENCY = { regionConcurrency: DEFAULT_REGION_CONCURRENCY, scannerConcurrency: DEFAULT_SCANNER_CONCURRENCY } as const;

const RESULT_PREFIX = 'PREDICT_RESULT ';

/** Child mode (`tsx bench/predict.ts --predict '<PredictOptions JSON>'`): one prediction in a fresh process, as JSON. */
async function childMain(): Promise<void> {
  const index = process.argv.indexOf('--predict');
  const options = JSON.parse(process.argv[index + 1] ?? '{}') as PredictOptions;
  const prediction = await predictAudit(options);
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(prediction)}\n`);
}

/** Runs one prediction in a fresh node (same flags), so its peak RSS is its own. */
export function predictInChild(options: PredictOptions): Prediction {
  const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--predict', JSON.stringify(options)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 15 * 60 * 1000,
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (child.status !== 0 || !line) {
    throw new Error(`prediction ${JSON.stringify(options)} failed (exit ${child.status ?? child.signal}):\n${child.stderr}${child.stdout}`);
  }
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as Prediction;
}

if (require.main === module) {
  childMain().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
