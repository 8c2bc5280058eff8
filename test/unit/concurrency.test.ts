import { eachLimitUntilFailure, mapPaced } from '../../lambda/core/concurrency';

describe('mapPaced', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('starts the calls at least the interval apart, in order, whatever their latency', async () => {
    // Prepare: calls that answer at once, so only the pacing spaces them.
    const starts: Array<[number, number]> = [];

    // Act
    const done = mapPaced([0, 1, 2, 3, 4], 4, 100, async (item) => {
      starts.push([item, Date.now()]);
      return item * 2;
    });
    await jest.runAllTimersAsync();

    // Assess
    expect(await done).toEqual([0, 2, 4, 6, 8]);
    expect(starts).toEqual([[0, 0], [1, 100], [2, 200], [3, 300], [4, 400]]);
  });

  it('keeps at most the limit in flight when calls take longer than the interval', async () => {
    // Prepare: each call takes 1 s; 2 at once, 100 ms apart.
    let inFlight = 0;
    let most = 0;
    const starts: number[] = [];

    // Act
    const done = mapPaced([0, 1, 2, 3], 2, 100, async () => {
      starts.push(Date.now());
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      inFlight -= 1;
    });
    await jest.runAllTimersAsync();
    await done;

    // Assess
    expect(most).toBe(2);
    expect(starts).toEqual([0, 100, 1000, 1100]);
  });
});

describe('eachLimitUntilFailure', () => {
  it('starts no item after the first failure, waits for those in flight, then throws that failure', async () => {
    // Prepare: item 1 fails at once; items 0 and 2 are in flight and finish later.
    const started: number[] = [];
    const finished: number[] = [];
    const run = (item: number): Promise<void> => {
      started.push(item);
      if (item === 1) return Promise.reject(new Error('refused'));
      return new Promise((resolve) => setTimeout(() => resolve(void finished.push(item)), 10));
    };

    // Act
    const outcome = await eachLimitUntilFailure([0, 1, 2, 3, 4, 5], 3, run).catch((error: Error) => error.message);

    // Assess
    expect(outcome).toBe('refused');
    expect(started).toEqual([0, 1, 2]);
    expect(finished.sort()).toEqual([0, 2]);
  });
});
