import FakeTimers from '@sinonjs/fake-timers';

/** The real scheduler, taken before any fake is installed. */
const realSetImmediate = globalThis.setImmediate;
const realYield = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

/** Real I/O in flight (the SDK reading ~/.aws/config once per loader): time must not move meanwhile. */
function realIoPending(): boolean {
  return process.getActiveResourcesInfo().some((kind) => /^(FSReq|FileHandle|GetAddrInfo|TCPConnect|TCPWRAP|Write)/.test(kind));
}

/** Node's rule for a timer's delay: anything not in [1, 2^31 - 1] ms is 1 ms. */
function atLeastOneMs(delay: number | undefined): number {
  const ms = Number(delay);
  return ms >= 1 && ms <= 2 ** 31 - 1 ? ms : 1;
}

export interface VirtualRun<T> {
  value: T;
  /** Virtual time the run took (ms). */
  virtualMs: number;
  /** Timers fired to get there. */
  events: number;
  /** Real time and CPU the simulation took (ms). */
  realMs: number;
  cpuMs: number;
  /** Highest RSS seen, sampled every 64 events (bytes). */
  peakRss: number;
}

/**
 * A discrete-event clock: while `run` runs, setTimeout, setImmediate, setInterval, Date and
 * performance.now are fake (@sinonjs/fake-timers) and Math.random is `random`. Whenever the
 * program has nothing left to do but wait (no microtask, no real I/O), the clock jumps to the
 * next timer and fires it. The code under test runs unchanged; only waiting costs nothing.
 */
export async function runVirtual<T>(fn: () => Promise<T>, options: { startMs: number; random: () => number }): Promise<VirtualRun<T>> {
  const clock = FakeTimers.withGlobal(globalThis).install({
    now: options.startMs,
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'setImmediate', 'clearImmediate', 'Date', 'performance'],
  });
  // Node runs a timer of less than 1 ms after 1 ms; fake-timers would run it at once, and a loop
  // that waits for time to pass (the SDK's adaptive rate limiter) would never see it pass.
  const fakeSetTimeout = globalThis.setTimeout;
  globalThis.setTimeout = Object.assign(
    (callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) => fakeSetTimeout(callback, atLeastOneMs(delay), ...args),
    fakeSetTimeout,
  ) as typeof setTimeout;
  const mathRandom = Math.random;
  Math.random = options.random;
  const realStart = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  let peakRss = process.memoryUsage.rss();
  let events = 0;
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  try {
    fn().then(
      (value) => (outcome = { ok: true, value }),
      (error: unknown) => (outcome = { ok: false, error }),
    );
    for (;;) {
      await realYield();
      if (outcome) break;
      if (realIoPending()) continue;
      if (clock.countTimers() === 0) {
        // A promise chain may still be settling through real callbacks: give it one more turn.
        await realYield();
        if (outcome || realIoPending() || clock.countTimers() > 0) continue;
        throw new Error('virtual clock: the run waits on nothing (a promise that never settles)');
      }
      clock.next();
      events += 1;
      if (events % 64 === 0) peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }
    const virtualMs = clock.now - options.startMs;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const cpu = process.cpuUsage(cpuStart);
    if (!outcome.ok) throw outcome.error;
    return {
      value: outcome.value,
      virtualMs,
      events,
      realMs: Number(process.hrtime.bigint() - realStart) / 1e6,
      cpuMs: (cpu.user + cpu.system) / 1000,
      peakRss,
    };
  } finally {
    Math.random = mathRandom;
    clock.uninstall();
  }
}
