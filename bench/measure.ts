import { runAudit } from '../lambda/aws/audit';
import { ClientFactory } from '../lambda/aws/client-factory';
import { ecsTaskDefinitionsScannerPaced } from '../lambda/aws/scanners/ecs-task-definitions';
import { SCANNERS } from '../lambda/aws/scanners/registry';
import type { Scanner } from '../lambda/aws/scanners/types';
import type { AuditSettings, Totals } from '../lambda/core/model';
import { PageLedger, type LabelPages } from './paged';
import { BENCH_ACCOUNT, BENCH_REGION, mockSyntheticAccount, type AccountShape } from './synthetic-account';

export const BENCH_SETTINGS: AuditSettings = {
  regions: [BENCH_REGION],
  skipSources: [],
  protectTags: [{ key: 'DoNotDelete', value: 'true' }],
  productionTags: [{ key: 'Environment', value: 'Production' }],
  protectNamePatterns: ['prod-*'],
  minAgeDays: 0,
};

/** One audit of one synthetic account, measured. */
export interface Measurement {
  shape: AccountShape;
  /** API calls, all labels, and per label (source id or "inventory"). */
  apiCalls: number;
  bySource: Record<string, number>;
  /** Per label: the listing pages the populated listings needed at most, and any misuse seen. */
  pages: Record<string, LabelPages>;
  /** Scanners that made at least one call or read a shared listing: a call-per-group design makes groups x this many. */
  callingScanners: number;
  wallMs: number;
  /** CPU time of the process during the audit (user + system): steadier than wall time on a busy machine. */
  cpuMs: number;
  /** Of the wall time, the mocks making fixture pages (real runs spend this parsing responses instead). */
  mockMs: number;
  /** Heap and RSS before the audit (after GC when available) and their peaks during it, bytes. */
  baseHeap: number;
  baseRss: number;
  peakHeap: number;
  peakRss: number;
  /** Heap still in use after a GC with the report alive, over the base (0 without --expose-gc). */
  retainedHeap: number;
  gcExposed: boolean;
  totals: Totals;
  /** "lambda: AccessDenied": scans that failed, which would make the numbers meaningless. */
  failures: string[];
  /** Identical requests sent more than once in the region (a listing fetched twice). */
  repeated: string[];
  /** SSM requests (the service list is read only after an endpoint failure). */
  ssmCalls: number;
}

/** Samples heap and RSS on a timer; the mocks let the event loop turn on every call. */
class MemorySampler {
  peakHeap = 0;
  peakRss = 0;
  private timer: NodeJS.Timeout | undefined;

  start(everyMs: number, base: NodeJS.MemoryUsage): void {
    this.peakHeap = base.heapUsed;
    this.peakRss = base.rss;
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  sample(): void {
    const { heapUsed, rss } = process.memoryUsage();
    if (heapUsed > this.peakHeap) this.peakHeap = heapUsed;
    if (rss > this.peakRss) this.peakRss = rss;
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }
}

/** Calls that must never leave the process: unmocked clients fail fast instead of reaching AWS. */
function isolateFromAws(): () => void {
  const saved = { ...process.env };
  process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
  process.env.AWS_ACCESS_KEY_ID = 'bench';
  process.env.AWS_SECRET_ACCESS_KEY = 'bench';
  process.env.AWS_REGION = BENCH_REGION;
  process.env.AWS_MAX_ATTEMPTS = '1';
  return () => {
    for (const key of ['AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION', 'AWS_MAX_ATTEMPTS']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  };
}

/**
 * Builds a synthetic account of `groups` security groups, runs the real audit over it with every
 * registered scanner, and measures calls, time and memory.
 */
export async function measureAudit(groups: number, options: { sampleEveryMs?: number; scanners?: readonly Scanner[] } = {}): Promise<Measurement> {
  const restoreEnv = isolateFromAws();
  const factory = new ClientFactory();
  // The ledger reads the audit's own call labels, so both attribute every call alike.
  const ledger = new PageLedger(() => factory.counter.currentLabel());
  const account = mockSyntheticAccount(groups, ledger);
  // The SDK answers at once and no rate is modelled here, so ecs-task-definitions' pacing (10 a
  // second) would only add idle waiting to the wall time; the latency model runs it paced.
  const scanners = options.scanners ?? SCANNERS.map((s) => (s.source === 'ecs-task-definitions' ? ecsTaskDefinitionsScannerPaced(0) : s));
  const gc = (globalThis as { gc?: () => void }).gc;
  try {
    gc?.();
    const base = process.memoryUsage();
    const sampler = new MemorySampler();
    sampler.start(options.sampleEveryMs ?? 5, base);
    const cpu = process.cpuUsage();
    const started = performance.now();
    const report = await runAudit(BENCH_SETTINGS, { factory, accountId: BENCH_ACCOUNT, scanners });
    const wallMs = performance.now() - started;
    const cpuUsed = process.cpuUsage(cpu);
    sampler.stop();
    account.forgetCalls();
    gc?.();
    const retainedHeap = gc ? process.memoryUsage().heapUsed - base.heapUsed : 0;
    const scans = report.regions.flatMap((region) => region.scans);
    const failures = [
      ...report.regions.filter((region) => region.status === 'failed').map((region) => `${region.region}: ${region.error?.code ?? 'failed'}`),
      ...scans.filter((s) => s.status === 'failed').map((s) => `${s.source}: ${s.error?.code ?? 'failed'}`),
    ];
    return {
      shape: account.shape,
      apiCalls: report.apiCalls.total,
      bySource: report.apiCalls.bySource,
      pages: ledger.snapshot(),
      callingScanners: scans.filter((s) => s.apiCalls > 0 || (s.sharedListings?.length ?? 0) > 0).length,
      wallMs,
      cpuMs: (cpuUsed.user + cpuUsed.system) / 1000,
      mockMs: ledger.mockMs,
      baseHeap: base.heapUsed,
      baseRss: base.rss,
      peakHeap: sampler.peakHeap,
      peakRss: sampler.peakRss,
      retainedHeap,
      gcExposed: gc !== undefined,
      totals: report.totals,
      failures,
      repeated: ledger.repeated(),
      ssmCalls: Object.values(ledger.snapshot()).reduce((n, p) => n + (p.commands.GetParameter ?? 0) + (p.commands.GetParametersByPath ?? 0), 0),
    };
  } finally {
    account.restore();
    factory.destroy();
    restoreEnv();
  }
}
