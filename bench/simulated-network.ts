import { AsyncLocalStorage } from 'node:async_hooks';
import { keyedLogNormal, ThrottleBuckets, type LatencyModel, type ThrottleRule } from './latency-model';

/** What the simulated network saw in one run. */
export interface NetworkStats {
  /** HTTP attempts (a call retried by the SDK makes several). */
  attempts: number;
  /** Attempts answered with a throttling error, and answered with data, by "<client> <api>". */
  throttled: Record<string, number>;
  answered: Record<string, number>;
  /** Sum of the latencies drawn (ms): the time calls spent on the wire, all in parallel ones counted. */
  wireMs: number;
  /** Per region: attempts, SSM attempts, and requests answered more than once ("<client> <api> <input>"). */
  regions: Record<string, RegionRequests>;
}

export interface RegionRequests {
  attempts: number;
  ssm: number;
  repeated: string[];
}

/** An answer the synthetic account does not populate: `input` -> output (the command's fields). */
export type ExtraFixture = (input: Record<string, unknown>) => Record<string, unknown>;

export interface NetworkOptions {
  latency: LatencyModel;
  rules: readonly ThrottleRule[];
  /** Seeds the latencies; each request draws its own (keyedLogNormal), whatever the order of sends. */
  seed: number;
  /** "SSMClient GetParametersByPath" -> answer: listings this model adds to the synthetic account. */
  extra?: Readonly<Record<string, ExtraFixture>>;
}

type Send = (this: unknown, command: unknown, ...rest: unknown[]) => Promise<unknown>;
interface StackClient {
  config: { region: () => Promise<string> };
  middlewareStack: { add(middleware: unknown, options: Record<string, unknown>): void };
}
interface HandlerContext {
  clientName?: string;
  commandName?: string;
}
type Next = (args: unknown) => Promise<unknown>;

/** Waits `ms` on whatever clock setTimeout is, rounded to whole milliseconds as timers keep them. */
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.round(ms))));

/** Items in the first array of a response: what a populated listing returned. */
function itemCount(output: Record<string, unknown>): number {
  for (const value of Object.values(output)) if (Array.isArray(value)) return value.length;
  return 0;
}

/** The error the service answers over its limit; the SDK's own classifier decides it is throttling. */
export function throttlingError(rule: ThrottleRule): Error {
  return Object.assign(new Error('Rate exceeded'), {
    name: rule.errorName,
    $fault: 'client',
    $metadata: { httpStatusCode: rule.httpStatus, attempts: 1, totalRetryDelay: 0 },
  });
}

/** Client classes of the loaded @aws-sdk/client-* packages whose `send` aws-sdk-client-mock replaced. */
function mockedClientClasses(): Array<{ prototype: Record<string, unknown> }> {
  const found = new Set<{ prototype: Record<string, unknown> }>();
  for (const path of Object.keys(require.cache)) {
    if (!/[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-cjs[\\/]index\.js$/.test(path)) continue;
    for (const value of Object.values((require.cache[path]?.exports ?? {}) as Record<string, unknown>)) {
      if (typeof value !== 'function') continue;
      const proto = (value as { prototype?: Record<string, unknown> }).prototype;
      if (proto && Object.prototype.hasOwnProperty.call(proto, 'send') && typeof Object.getPrototypeOf(proto)?.send === 'function') {
        found.add(value as { prototype: Record<string, unknown> });
      }
    }
  }
  return [...found];
}

/**
 * Puts the SDK's own middleware stack back between the audit and the synthetic account, with a
 * network in place of HTTP: each attempt draws from its service's token bucket (over the limit it
 * fails with the service's throttling error) and answers after a drawn latency, on whatever clock
 * `setTimeout` is (the bench's virtual one). Retries are the SDK's: its retry middleware (adaptive
 * mode, the factory's maxAttempts) runs above this one, as with real HTTP. Call after the
 * synthetic account is mocked; the returned function undoes it (before the mocks are restored).
 */
export function installSimulatedNetwork(options: NetworkOptions): { stats: NetworkStats; uninstall: () => void } {
  const stats: NetworkStats = { attempts: 0, throttled: {}, answered: {}, wireMs: 0, regions: {} };
  // Answers per request: a second answer to the same request is a listing fetched twice.
  const answers = new Map<string, number>();
  const buckets = new ThrottleBuckets(options.rules);
  const latency = keyedLogNormal(options.latency.p50Ms, options.latency.p99Ms, options.seed);
  const sending = new AsyncLocalStorage<unknown>();
  const wired = new WeakSet<object>();
  const restores: Array<() => void> = [];

  for (const ctor of mockedClientClasses()) {
    const fixture = ctor.prototype.send as Send;
    const realSend = (Object.getPrototypeOf(ctor.prototype) as { send: Send }).send;
    const network = (client: StackClient) => (next: Next, context: HandlerContext) => async (args: unknown) => {
      const command = sending.getStore() as { constructor: { name: string }; input?: Record<string, unknown> } | undefined;
      if (!command) return next(args);
      const clientName = context.clientName ?? 'unknown';
      const api = (context.commandName ?? command.constructor.name).replace(/Command$/, '');
      const region = await client.config.region();
      const { rule, bucket } = buckets.bucketFor(region, clientName, api, Date.now());
      stats.attempts += 1;
      const perRegion = (stats.regions[region] ??= { attempts: 0, ssm: 0, repeated: [] });
      perRegion.attempts += 1;
      // The service list's reads only: ssm-parameters' own calls are a source's listing like any other.
      if (clientName === 'SSMClient' && (api === 'GetParameter' || api === 'GetParametersByPath')) perRegion.ssm += 1;
      const key = `${clientName} ${api}`;
      const request = `${key} ${JSON.stringify(command.input ?? {})}`;
      let wait = latency(`${region} ${request}`) + (options.latency.regionRttMs[region] ?? 0);
      if (!bucket.take(Date.now())) {
        stats.throttled[key] = (stats.throttled[key] ?? 0) + 1;
        stats.wireMs += wait;
        await sleep(wait);
        throw throttlingError(rule);
      }
      const extra = options.extra?.[`${clientName} ${api}`];
      const output = (extra ? extra(command.input ?? {}) : await fixture.call(client, command)) as Record<string, unknown>;
      stats.answered[key] = (stats.answered[key] ?? 0) + 1;
      const answeredBefore = answers.get(`${region} ${request}`) ?? 0;
      answers.set(`${region} ${request}`, answeredBefore + 1);
      if (answeredBefore === 1) perRegion.repeated.push(request);
      wait += itemCount(output) * options.latency.perItemMs;
      stats.wireMs += wait;
      await sleep(wait);
      return { response: { statusCode: 200, headers: {} }, output: { ...output, $metadata: { httpStatusCode: 200 } } };
    };
    ctor.prototype.send = function simulatedSend(this: StackClient, command: unknown, ...rest: unknown[]) {
      if (!wired.has(this)) {
        wired.add(this);
        // Innermost step, so the SDK's retry, signing and serialization all run above it.
        this.middlewareStack.add(network(this), { step: 'deserialize', priority: 'high', name: 'benchSimulatedNetwork' });
      }
      return sending.run(command, () => realSend.call(this, command, ...rest));
    };
    restores.push(() => {
      ctor.prototype.send = fixture;
    });
  }
  return {
    stats,
    uninstall() {
      for (const restore of restores) restore();
    },
  };
}
