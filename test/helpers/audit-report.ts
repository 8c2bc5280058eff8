import { addToTotals, emptyTotals, REPORT_SCHEMA_VERSION, sumTotals, type AuditReport, type ClassifiedGroup, type RegionReport } from '../../lambda/core/model';

export const REPORT_ACCOUNT = '123456789012';
export const REPORT_AUDIT_ID = '2026-12-01T02-00-00Z-k3x9q2';

/** A classified candidate group with one ingress and one egress rule. */
export function candidate(groupId: string, region = 'us-east-1', overrides: Partial<ClassifiedGroup> = {}): ClassifiedGroup {
  return {
    region,
    groupId,
    groupName: `old-${groupId}`,
    description: `left over ${groupId}`,
    vpcId: 'vpc-0a1b2c3d',
    ownerId: REPORT_ACCOUNT,
    tags: {},
    ingress: [{ ruleId: `sgr-i-${groupId}`, isEgress: false, ipProtocol: 'tcp', fromPort: 443, toPort: 443, cidrIpv4: '10.0.0.0/8' }],
    egress: [{ ruleId: `sgr-e-${groupId}`, isEgress: true, ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' }],
    verdict: 'candidate',
    reasons: [`no usage found by 46 sources checked in ${region}`],
    usages: [],
    ...overrides,
  };
}

/** A region report whose totals match its groups. */
export function regionReport(region: string, groups: ClassifiedGroup[], extra: Partial<RegionReport> = {}): RegionReport {
  const totals = emptyTotals();
  for (const g of groups) addToTotals(totals, g.verdict);
  return { region, status: 'ok', scans: [{ source: 'network-interfaces', status: 'ok', apiCalls: 1, usageCount: 0 }], groups, totals, apiCalls: 3, ...extra };
}

/** A report over the given regions, totals summed as the audit does. */
export function auditReport(regions: RegionReport[], extra: Partial<AuditReport> = {}): AuditReport {
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    auditId: REPORT_AUDIT_ID,
    accountId: REPORT_ACCOUNT,
    startedAt: '2026-12-01T02:00:00.000Z',
    finishedAt: '2026-12-01T02:03:10.000Z',
    settings: {
      regions: regions.map((r) => r.region),
      skipSources: [],
      protectTags: [{ key: 'DoNotDelete', value: 'true' }],
      productionTags: [{ key: 'Environment', value: 'Production' }],
      protectNamePatterns: ['prod-*'],
      minAgeDays: 7,
    },
    skippedSources: [],
    regions,
    totals: sumTotals(regions.map((r) => r.totals)),
    apiCalls: { total: regions.reduce((n, r) => n + r.apiCalls, 0), bySource: {} },
    ...extra,
  };
}

/** `n` candidates spread over us-east-1, eu-west-1 and ap-southeast-2. */
export function reportWithCandidates(n: number): AuditReport {
  const names = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
  const byRegion = names.map(() => [] as ClassifiedGroup[]);
  for (let i = 0; i < n; i += 1) {
    const r = i % names.length;
    byRegion[r]?.push(candidate(`sg-${i.toString(16).padStart(17, '0')}`, names[r]));
  }
  return auditReport(names.map((region, r) => regionReport(region, byRegion[r] ?? [])));
}
