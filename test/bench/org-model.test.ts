import { DEFAULT_ORG_MODEL, makespan, predictOrgRun, regionDuration } from '../../bench/org-model';

describe('org bench model', () => {
  it('schedules durations on slots longest first', () => {
    // Act / Assess
    expect(makespan([4, 3, 3, 2], 2)).toBe(6);
    expect(makespan([5], 8)).toBe(5);
  });

  it('never predicts a region faster than EC2 allows for its EC2 calls', () => {
    // Prepare
    const calls = { inventory: 200, 'network-interfaces': 1 };

    // Act
    const region = regionDuration(calls, { ...DEFAULT_ORG_MODEL, callLatencyMs: 1 });

    // Assess
    expect(region.ec2).toBe(201);
    expect(region.ms).toBeCloseTo((201 / 20) * 1000);
  });

  it('counts one transition per child started plus its task, so batching items cuts transitions and cost', () => {
    // Prepare
    const calls = { inventory: 3, lambda: 1, rds: 2 };

    // Act
    const single = predictOrgRun(calls, { ...DEFAULT_ORG_MODEL, itemsPerBatch: 1 });
    const batched = predictOrgRun(calls, { ...DEFAULT_ORG_MODEL, itemsPerBatch: 17 });

    // Assess
    expect(single.stateTransitions).toBe(4 + 17_000 * 2 + 1000 * 2);
    expect(batched.stateTransitions).toBe(4 + 1000 * 2 + 1000 * 2);
    expect(batched.cost.total).toBeLessThan(single.cost.total);
  });

  it('waits longer when the Distributed Map runs fewer children at once', () => {
    // Act
    const wide = predictOrgRun({ inventory: 3 }, { ...DEFAULT_ORG_MODEL, mapConcurrency: 100 });
    const narrow = predictOrgRun({ inventory: 3 }, { ...DEFAULT_ORG_MODEL, mapConcurrency: 10 });

    // Assess
    expect(narrow.phases.itemsMs).toBeGreaterThan(wide.phases.itemsMs * 5);
  });
});
