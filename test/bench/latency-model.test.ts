import { DEFAULT_LATENCY, logNormal, seededRandom, THROTTLE_RULES, TokenBucket, type LatencyModel, type ThrottleRule } from '../../bench/latency-model';
import { predictAudit, type Prediction, type PredictOptions } from '../../bench/predict';
import { SCANNERS } from '../../lambda/aws/scanners/registry';

describe('latency model: token bucket', () => {
  it('lets the burst through at once, then refills at its rate', () => {
    // Prepare
    const bucket = new TokenBucket(3, 2, 0);

    // Act
    const burst = [0, 0, 0, 0].map(() => bucket.take(0));
    const afterHalfSecond = bucket.take(500);
    const rightAfter = bucket.take(500);

    // Assess
    expect(burst).toEqual([true, true, true, false]);
    expect(afterHalfSecond).toBe(true);
    expect(rightAfter).toBe(false);
  });
});

describe('latency model: log-normal latency', () => {
  it('has the stated median and 99th percentile', () => {
    // Prepare
    const sample = logNormal(60, 400, seededRandom(7));

    // Act
    const drawn = Array.from({ length: 50_000 }, sample).sort((a, b) => a - b);

    // Assess
    expect(drawn[25_000]).toBeGreaterThan(57);
    expect(drawn[25_000]).toBeLessThan(63);
    expect(drawn[49_500]).toBeGreaterThan(360);
    expect(drawn[49_500]).toBeLessThan(440);
  });
});

/**
 * A tiny account in two regions, latency only from the distribution (no per-item, no distance,
 * no age check). Without ecs-task-definitions: it paces its describes (10 a second), so its
 * ~12 s would be the tiny region's time whatever the latency, and these tests are about latency.
 */
const FLAT: LatencyModel = { ...DEFAULT_LATENCY, perItemMs: 0, regionRttMs: {} };
const UNPACED = SCANNERS.filter((s) => s.source !== 'ecs-task-definitions');
const TINY: PredictOptions = { groups: 40, regions: ['us-east-1', 'eu-west-1'], regionConcurrency: 2, scannerConcurrency: 8, seed: 1, latency: FLAT, minAgeDays: 0, scanners: UNPACED };
/** EC2 as one small bucket per region: 5 at once, then 4 a second. */
const TIGHT_EC2: readonly ThrottleRule[] = [{ ...THROTTLE_RULES[0]!, scope: 'shared', burst: 5, refillPerSecond: 4 }, ...THROTTLE_RULES.slice(1)];

/** EC2 attempts that got an answer, all regions. */
const ec2Answers = (p: Prediction): number =>
  Object.entries(p.answered)
    .filter(([key]) => key.startsWith('EC2Client '))
    .reduce((n, [, c]) => n + c, 0);

describe('latency model: predictions from the real audit on a virtual clock', () => {
  let base: Prediction;
  let again: Prediction;
  let otherSeed: Prediction;
  let oneAtATime: Prediction;
  let doubled: Prediction;
  let throttled: Prediction;

  beforeAll(async () => {
    base = await predictAudit(TINY);
    again = await predictAudit(TINY);
    otherSeed = await predictAudit({ ...TINY, seed: 2 });
    oneAtATime = await predictAudit({ ...TINY, regionConcurrency: 1 });
    doubled = await predictAudit({ ...TINY, latency: { ...FLAT, p50Ms: FLAT.p50Ms * 2, p99Ms: FLAT.p99Ms * 2 } });
    throttled = await predictAudit({ ...TINY, rules: TIGHT_EC2 });
  }, 120_000);

  it('predicts an audit in which every scan succeeds and no call is throttled at the documented rates', () => {
    // Prepare / Act: done in beforeAll.
    // Assess
    expect(base.failures).toEqual([]);
    expect(base.totals.groups).toBe(80);
    expect(base.throttled).toEqual({});
    expect(base.attempts).toBe(base.apiCalls);
    expect(base.wallMs).toBeGreaterThan(0);
  });

  it('counts each region\'s requests: no SSM request when every service answers, and no request answered twice', () => {
    // Prepare / Act: done in beforeAll.
    // Assess
    expect(Object.keys(base.perRegion).sort()).toEqual(['eu-west-1', 'us-east-1']);
    for (const region of Object.values(base.perRegion)) {
      expect(region.ssm).toBe(0);
      expect(region.repeated).toEqual([]);
      expect(region.attempts).toBe(region.apiCalls);
    }
    expect(base.sharedCalls['shared:ec2:network-interfaces']).toBe(2);
  });

  it('gives the same prediction for the same seed, and another for another seed', () => {
    // Prepare / Act: done in beforeAll.
    // Assess
    expect(again.wallMs).toBe(base.wallMs);
    expect(again.regionMs).toEqual(base.regionMs);
    expect(again.attempts).toBe(base.attempts);
    expect(otherSeed.wallMs).not.toBe(base.wallMs);
  });

  it('takes the sum of the regions one at a time, and the slowest region when all run at once', () => {
    // Prepare
    const sum = (p: Prediction): number => Object.values(p.regionMs).reduce((a, b) => a + b, 0);
    const slowest = (p: Prediction): number => Math.max(...Object.values(p.regionMs));

    // Act / Assess
    expect(oneAtATime.wallMs).toBe(sum(oneAtATime));
    expect(base.wallMs).toBe(slowest(base));
    expect(oneAtATime.wallMs).toBeGreaterThan(base.wallMs);
  });

  it('doubles the predicted time when every latency doubles', () => {
    // Prepare / Act: done in beforeAll.
    // Assess: waits are whole milliseconds, so calls that end together may swap order and draw
    // each other's latencies; the total still scales with the latency.
    expect(doubled.wallMs / base.wallMs).toBeGreaterThan(1.9);
    expect(doubled.wallMs / base.wallMs).toBeLessThan(2.1);
  });

  it('makes a throttled bucket cost the time its refill rate needs, with the SDK retrying until every scan succeeds', () => {
    // Prepare
    // Each region's bucket: n answers need (n - burst) / refill seconds at least.
    const perRegion = ec2Answers(throttled) / throttled.regions;
    const refillBound = ((perRegion - 5) / 4) * 1000;

    // Act / Assess
    expect(Object.keys(throttled.throttled).every((key) => key.startsWith('EC2Client '))).toBe(true);
    expect(throttled.attempts).toBeGreaterThan(throttled.apiCalls);
    expect(throttled.failures).toEqual([]);
    expect(throttled.apiCalls).toBe(base.apiCalls);
    expect(throttled.wallMs).toBeGreaterThanOrEqual(refillBound);
    expect(throttled.wallMs).toBeGreaterThan(base.wallMs);
  });
});
