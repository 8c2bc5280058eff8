import { callsBeyondPages } from '../../bench/format';
import { measureAudit, type Measurement } from '../../bench/measure';
import { ENI_GROUP_CHUNK } from '../../lambda/aws/scanners/shared-listings';

/** Full pages every label's populated listings needed. */
function fullPages(m: Measurement): number {
  return Object.values(m.pages).reduce((sum, p) => sum + p.fullPages, 0);
}

describe('bench smoke: the audit over a synthetic account', () => {
  let small: Measurement;
  let large: Measurement;

  beforeAll(async () => {
    small = await measureAudit(200, { sampleEveryMs: 50 });
    large = await measureAudit(400, { sampleEveryMs: 50 });
  });

  it('does the real work: every scan succeeds and every group gets a verdict', () => {
    // Prepare / Act: done in beforeAll.
    // Assess
    expect(small.failures).toEqual([]);
    expect(large.failures).toEqual([]);
    expect(large.totals.groups).toBe(400);
    expect(large.totals.inUse).toBeGreaterThan(0);
    expect(large.totals.candidates).toBeGreaterThan(0);
  });

  it('makes at most the extra listing pages more calls for twice the groups', () => {
    // Prepare / Act: done in beforeAll.
    // Assess
    expect(large.apiCalls - small.apiCalls).toBeLessThanOrEqual(fullPages(large) - fullPages(small));
  });

  it('makes the same number of calls beyond full pages in every source at both sizes', () => {
    // Prepare
    const labels = [...new Set([...Object.keys(small.bySource), ...Object.keys(large.bySource)])];

    // Act
    const growing = labels.filter((label) => callsBeyondPages(large, label) !== callsBeyondPages(small, label));

    // Assess
    expect(growing).toEqual([]);
  });

  it('sends no request twice in the region: each listing several sources read is fetched once', () => {
    // Prepare / Act: done in beforeAll.
    // Assess
    expect(large.repeated).toEqual([]);
    // One query per ENI_GROUP_CHUNK groups (group-id filter), each a single page here.
    expect(large.pages['shared:ec2:network-interfaces']?.commands).toEqual({ DescribeNetworkInterfaces: Math.ceil(400 / ENI_GROUP_CHUNK) });
    expect(large.pages.efs?.commands).not.toHaveProperty('DescribeNetworkInterfaces');
  });

  it('spends no SSM request on a region whose every service answers', () => {
    // Prepare / Act: done in beforeAll.
    // Assess
    expect(large.ssmCalls).toBe(0);
  });

  it('asks every populated listing for its largest page and never for single resources', () => {
    // Prepare / Act: done in beforeAll.
    // Assess
    const misuse = Object.entries(large.pages).flatMap(([label, p]) => [...p.smallPages, ...p.perResource].map((note) => `${label}: ${note}`));
    expect(misuse).toEqual([]);
  });
});
