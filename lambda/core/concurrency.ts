/** Maps `items` through `fn` with at most `limit` calls in flight; results keep input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * Runs `fn` over `items`, `limit` at once. Unlike mapLimit, after the first failure no new item
 * starts: it waits for the ones in flight (nothing is left running past the call) and then throws
 * that failure.
 */
export async function eachLimitUntilFailure<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let failure: { error: unknown } | undefined;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (!failure && next < items.length) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw failure.error;
}

/** Splits `items` into consecutive batches of at most `size` (APIs that take N ids per call). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * mapLimit that also spaces the calls' starts at least `minIntervalMs` apart (start to start):
 * at most `limit` in flight and at most 1000 / minIntervalMs started a second, whatever the
 * latency. For APIs with no bulk form whose quota the account's own applications share.
 */
export async function mapPaced<T, R>(
  items: readonly T[],
  limit: number,
  minIntervalMs: number,
  fn: (item: T, index: number) => Promise<R>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<R[]> {
  let nextStart = 0;
  // Each caller takes the next start slot before it waits, so slots are handed out in order.
  const slot = async (): Promise<void> => {
    const now = Date.now();
    const start = Math.max(now, nextStart);
    nextStart = start + minIntervalMs;
    if (start > now) await sleep(start - now);
  };
  return mapLimit(items, limit, async (item, index) => {
    await slot();
    return fn(item, index);
  });
}
