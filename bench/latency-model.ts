/**
 * The model `npm run bench` predicts a real audit with: how long an AWS call takes, and how fast
 * each service lets one account call it in one region. Every number here is printed with the
 * prediction and copied into the README's "Latency and throttle model"; documented values name
 * their source, the rest say "assumed".
 */

/** One call's latency: log-normal around p50/p99, plus the page's size and the region's distance. */
export interface LatencyModel {
  /** Median round trip of a small same-region request (ms). */
  p50Ms: number;
  /** 99th percentile of the same (ms). */
  p99Ms: number;
  /** Server time per item a populated listing returns (1,000-item EC2 pages ~ 1 s). */
  perItemMs: number;
  /** Extra round trip from the audit Lambda's region to each audited region (ms); absent = 0. */
  regionRttMs: Readonly<Record<string, number>>;
}

/** The Lambda's region. */
export const HOME_REGION = 'us-east-1';

/** The 17 regions enabled by default in a commercial account (opt-in regions excluded). */
export const DEFAULT_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'sa-east-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
] as const;

/**
 * Assumed: rounded public inter-region round trips from us-east-1 (not measured here). Calls to a
 * far region pay this on top of the same-region latency; connections are reused, so once a call.
 */
export const RTT_FROM_US_EAST_1_MS: Readonly<Record<string, number>> = {
  'us-east-2': 12,
  'ca-central-1': 15,
  'us-west-1': 62,
  'us-west-2': 67,
  'eu-west-1': 68,
  'eu-west-2': 76,
  'eu-west-3': 80,
  'eu-central-1': 90,
  'eu-north-1': 105,
  'sa-east-1': 115,
  'ap-northeast-1': 145,
  'ap-northeast-3': 150,
  'ap-northeast-2': 175,
  'ap-south-1': 190,
  'ap-southeast-2': 200,
  'ap-southeast-1': 215,
};

export const DEFAULT_LATENCY: LatencyModel = {
  p50Ms: 60,
  p99Ms: 400,
  perItemMs: 1,
  regionRttMs: RTT_FROM_US_EAST_1_MS,
};

/** One token bucket of a service, per account and region. */
export interface ThrottleRule {
  /** SDK client class name (the handler context's clientName): "EC2Client". */
  client: string;
  /** Command names ("LookupEvents") this rule covers; absent = every command of the client. */
  apis?: readonly string[];
  /** "api": one bucket per API (EC2); "shared": one bucket for every API the rule covers. */
  scope: 'api' | 'shared';
  burst: number;
  refillPerSecond: number;
  /** What the service answers over the limit (the SDK classifies each as throttling). */
  errorName: string;
  httpStatus: number;
  /** "documented: <where>" or "assumed". */
  source: string;
}

/**
 * The rate limits applied, first match wins. EC2 counts each API in its own bucket (current EC2
 * docs, "request rate limiting ... on a per-API basis"); the audit passes MaxResults, so its
 * Describe calls are "paginated" (100 / 20 per s), not the 50 / 10 of unpaginated ones.
 */
export const THROTTLE_RULES: readonly ThrottleRule[] = [
  { client: 'EC2Client', scope: 'api', burst: 100, refillPerSecond: 20, errorName: 'RequestLimitExceeded', httpStatus: 503, source: 'documented: EC2 API throttling, non-mutating, per API' },
  { client: 'CloudTrailClient', apis: ['LookupEvents'], scope: 'shared', burst: 2, refillPerSecond: 2, errorName: 'ThrottlingException', httpStatus: 400, source: 'documented: LookupEvents, 2 per second per account and region' },
  { client: 'ElasticLoadBalancingV2Client', scope: 'shared', burst: 40, refillPerSecond: 10, errorName: 'Throttling', httpStatus: 400, source: 'documented: ELB API throttling, non-mutating, bucket per API version' },
  { client: 'ElasticLoadBalancingClient', scope: 'shared', burst: 40, refillPerSecond: 10, errorName: 'Throttling', httpStatus: 400, source: 'documented: ELB API throttling, non-mutating, bucket per API version' },
  { client: 'SSMClient', apis: ['GetParameter', 'GetParameters', 'GetParametersByPath'], scope: 'shared', burst: 40, refillPerSecond: 40, errorName: 'ThrottlingException', httpStatus: 400, source: 'documented: Parameter Store default throughput 40 TPS, shared (burst assumed = rate)' },
  { client: 'LambdaClient', apis: ['GetFunction'], scope: 'shared', burst: 100, refillPerSecond: 100, errorName: 'TooManyRequestsException', httpStatus: 429, source: 'documented: Lambda GetFunction 100 per second (burst assumed = rate)' },
  { client: 'LambdaClient', scope: 'shared', burst: 15, refillPerSecond: 15, errorName: 'TooManyRequestsException', httpStatus: 429, source: 'documented: Lambda control plane 15 per second (burst assumed = rate)' },
  { client: 'ECSClient', scope: 'api', burst: 50, refillPerSecond: 20, errorName: 'ThrottlingException', httpStatus: 400, source: 'documented: ECS cluster read actions burst 50; sustained 20 assumed for every read' },
  { client: 'STSClient', scope: 'shared', burst: 100, refillPerSecond: 100, errorName: 'Throttling', httpStatus: 400, source: 'assumed' },
  { client: '*', scope: 'shared', burst: 20, refillPerSecond: 10, errorName: 'ThrottlingException', httpStatus: 400, source: 'assumed: every other service (RDS, Auto Scaling, ...) 20 burst, 10 per second' },
];

/** The rule for one command of one client. */
export function throttleRule(client: string, api: string, rules: readonly ThrottleRule[] = THROTTLE_RULES): ThrottleRule {
  const rule = rules.find((r) => (r.client === client || r.client === '*') && (!r.apis || r.apis.includes(api)));
  if (!rule) throw new Error(`no throttle rule for ${client} ${api} (the table needs a "*" rule)`);
  return rule;
}

/** A token bucket refilled continuously; `take` is false when the request would be throttled. */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    readonly burst: number,
    readonly refillPerSecond: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.at = nowMs;
  }

  take(nowMs: number): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((nowMs - this.at) / 1000) * this.refillPerSecond);
    this.at = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Every bucket of one run: per region, per rule, and per API where the rule says so. */
export class ThrottleBuckets {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(private readonly rules: readonly ThrottleRule[] = THROTTLE_RULES) {}

  /** The rule and the bucket a call of `api` on `client` in `region` draws from. */
  bucketFor(region: string, client: string, api: string, nowMs: number): { rule: ThrottleRule; bucket: TokenBucket } {
    const rule = throttleRule(client, api, this.rules);
    const key = `${region} ${client} ${rule.apis?.join(',') ?? '*'} ${rule.scope === 'api' ? api : ''}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(rule.burst, rule.refillPerSecond, nowMs);
      this.buckets.set(key, bucket);
    }
    return { rule, bucket };
  }
}

/** mulberry32: a small seeded PRNG, so a run is reproducible from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a: a 32-bit hash of a string, to seed one request's own random stream. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Latencies keyed by request: the n-th attempt of the same request (region, service, API, input)
 * draws from a stream seeded by the run's seed, the request and n, so what a call waits does
 * not depend on the order in which concurrent calls happen to be sent.
 */
export function keyedLogNormal(p50Ms: number, p99Ms: number, seed: number): (request: string) => number {
  const attempts = new Map<string, number>();
  return (request) => {
    const n = attempts.get(request) ?? 0;
    attempts.set(request, n + 1);
    return logNormal(p50Ms, p99Ms, seededRandom(seed ^ hash32(`${request}#${n}`)))();
  };
}

/** z of the 99th percentile of the standard normal. */
const Z99 = 2.3263478740408408;

/** A log-normal sampler with the given median and 99th percentile (ms). */
export function logNormal(p50Ms: number, p99Ms: number, random: () => number): () => number {
  const mu = Math.log(p50Ms);
  const sigma = (Math.log(p99Ms) - mu) / Z99;
  return () => {
    // Box-Muller; 1 - u keeps the logarithm finite.
    const u = 1 - random();
    const v = random();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.exp(mu + sigma * z);
  };
}

/** Lambda prices used for the cost of a run (us-east-1, arm64, list prices, free tier ignored). */
export const LAMBDA_PRICES = {
  region: 'us-east-1',
  architecture: 'arm64',
  perGbSecond: 0.0000133334,
  perRequest: 0.2 / 1_000_000,
} as const;

/** Lambda gives a function one full vCPU at 1,769 MB, and CPU in proportion to memory. */
export const MB_PER_VCPU = 1769;
