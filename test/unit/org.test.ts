import { isAuditId } from '../../lambda/core/audit-id';
import { REPORT_SCHEMA_VERSION, type AuditSettings } from '../../lambda/core/model';
import {
  accountAuditId,
  accountStatus,
  assembleAccountReport,
  failedRegionsOf,
  NO_RESULT,
  orgKeys,
  planOrg,
  REGION_NOT_ENABLED,
  summarizeOrg,
  type OrgAccountResult,
  type RegionItemResult,
} from '../../lambda/core/org';
import { candidate, regionReport } from '../helpers/audit-report';

const ORG_AUDIT = '2026-12-01T02-00-00Z-abc123';
const A = '111111111111';
const B = '222222222222';
const SETTINGS: AuditSettings = { regions: 'all', skipSources: [], protectTags: [{ key: 'DoNotDelete', value: 'true' }], productionTags: [{ key: 'Environment', value: 'Production' }], protectNamePatterns: [], minAgeDays: 7 };
const denied = { code: 'AccessDenied', message: 'cannot assume arn:aws:iam::222222222222:role/sg-auditor-member: AccessDenied: no' };

function itemResult(accountId: string, region: string, report = regionReport(region, [candidate(`sg-${region}`, region)])): RegionItemResult {
  return { accountId, region, startedAt: '2026-12-01T02:00:05.000Z', finishedAt: '2026-12-01T02:00:09.000Z', report, apiCallsBySource: { inventory: 3, 'network-interfaces': 1 } };
}

function accountResult(accountId: string, overrides: Partial<OrgAccountResult> = {}): OrgAccountResult {
  return {
    accountId,
    auditId: accountAuditId(ORG_AUDIT, accountId),
    status: 'audited',
    regions: 2,
    totals: { groups: 4, inUse: 1, candidates: 2, protected: 1, unknown: 0 },
    failedRegions: [],
    apiCalls: 100,
    keys: { report: 'r', log: 'l', backup: 'b' },
    reportSha256: 'x',
    ...overrides,
  };
}

describe('planOrg', () => {
  it('crosses every reachable account with its enabled regions, one item per (account, region)', () => {
    // Act
    const plan = planOrg([{ accountId: A, enabled: ['us-east-1', 'eu-west-1'] }], 'all', 'us-east-1', ORG_AUDIT);

    // Assess
    expect(plan.items).toEqual([
      { accountId: A, region: 'eu-west-1' },
      { accountId: A, region: 'us-east-1' },
    ]);
    expect(plan.accounts).toEqual([{ accountId: A, auditId: accountAuditId(ORG_AUDIT, A), regions: ['eu-west-1', 'us-east-1'] }]);
  });

  it('keeps an unreachable account as an item carrying its error, in the home region when all regions were asked for', () => {
    // Act
    const plan = planOrg([{ accountId: B, error: denied }], 'all', 'eu-west-1', ORG_AUDIT);

    // Assess
    expect(plan.items).toEqual([{ accountId: B, region: 'eu-west-1', error: denied }]);
  });

  it('turns a configured region the account has not enabled into an item failing with RegionNotEnabled', () => {
    // Act
    const plan = planOrg([{ accountId: A, enabled: ['us-east-1'] }], ['us-east-1', 'af-south-1'], 'us-east-1', ORG_AUDIT);

    // Assess
    expect(plan.items[0]).toEqual({ accountId: A, region: 'us-east-1' });
    expect(plan.items[1]).toMatchObject({ accountId: A, region: 'af-south-1', error: { code: REGION_NOT_ENABLED } });
  });

  it('plans an account listed twice once', () => {
    // Act
    const plan = planOrg([{ accountId: A, enabled: ['us-east-1'] }, { accountId: A, enabled: ['us-east-1'] }], 'all', 'us-east-1', ORG_AUDIT);

    // Assess
    expect(plan.accounts).toHaveLength(1);
    expect(plan.items).toHaveLength(1);
  });
});

describe('accountAuditId', () => {
  it('is a valid audit id with the org audit time, different per account and the same on every call', () => {
    // Act
    const a = accountAuditId(ORG_AUDIT, A);
    const b = accountAuditId(ORG_AUDIT, B);

    // Assess
    expect(isAuditId(a)).toBe(true);
    expect(a.startsWith('2026-12-01T02-00-00Z-')).toBe(true);
    expect(a).not.toBe(b);
    expect(accountAuditId(ORG_AUDIT, A)).toBe(a);
  });
});

describe('assembleAccountReport', () => {
  const account = { accountId: A, auditId: accountAuditId(ORG_AUDIT, A), regions: ['eu-west-1', 'us-east-1'] };

  it('builds the single-account report shape from the region results, summing totals and API calls', () => {
    // Prepare
    const results = new Map([
      ['eu-west-1', itemResult(A, 'eu-west-1')],
      ['us-east-1', itemResult(A, 'us-east-1')],
    ]);

    // Act
    const report = assembleAccountReport(account, { startedAt: '2026-12-01T02:00:00.000Z', settings: SETTINGS }, results, new Date('2026-12-01T02:10:00Z'));

    // Assess
    expect(report).toMatchObject({ auditId: account.auditId, accountId: A, schemaVersion: REPORT_SCHEMA_VERSION, finishedAt: '2026-12-01T02:00:09.000Z' });
    expect(report.regions.map((r) => r.region)).toEqual(['eu-west-1', 'us-east-1']);
    expect(report.totals.candidates).toBe(2);
    expect(report.apiCalls).toEqual({ total: 8, bySource: { inventory: 6, 'network-interfaces': 2 } });
    expect(accountStatus(report)).toBe('audited');
  });

  it('carries the coverage figure it is given, as the single-account report does', () => {
    // Prepare
    const coverage = { scanned: 102, interfaces: 0, notScanned: 72, listUrl: 'docs/coverage.md#places-not-scanned' };

    // Act
    const report = assembleAccountReport(account, { startedAt: '2026-12-01T02:00:00.000Z', settings: SETTINGS }, new Map(), new Date(), coverage);

    // Assess
    expect(report.coverage).toEqual(coverage);
  });

  it('reports a planned region without a result as failed with NoResult, so nothing there is a candidate', () => {
    // Prepare
    const results = new Map([['eu-west-1', itemResult(A, 'eu-west-1')]]);

    // Act
    const report = assembleAccountReport(account, { startedAt: '2026-12-01T02:00:00.000Z', settings: SETTINGS }, results, new Date());

    // Assess
    expect(report.regions[1]).toMatchObject({ region: 'us-east-1', status: 'failed', error: { code: NO_RESULT }, groups: [] });
    expect(report.totals.candidates).toBe(1);
    expect(accountStatus(report)).toBe('partial');
    expect(failedRegionsOf(report)).toEqual([expect.objectContaining({ region: 'us-east-1', code: NO_RESULT })]);
  });

  it('ignores a result stored for another account', () => {
    // Prepare
    const results = new Map([
      ['eu-west-1', itemResult(B, 'eu-west-1')],
      ['us-east-1', itemResult(A, 'us-east-1')],
    ]);

    // Act
    const report = assembleAccountReport(account, { startedAt: '2026-12-01T02:00:00.000Z', settings: SETTINGS }, results, new Date());

    // Assess
    expect(report.regions[0]).toMatchObject({ status: 'failed', error: { code: NO_RESULT } });
  });

  it('marks an account whose every region failed as failed', () => {
    // Prepare
    const failed = itemResult(A, 'eu-west-1', { region: 'eu-west-1', status: 'failed', error: denied, scans: [], groups: [], totals: { groups: 0, inUse: 0, candidates: 0, protected: 0, unknown: 0 }, apiCalls: 0 });

    // Act
    const report = assembleAccountReport({ ...account, regions: ['eu-west-1'] }, { startedAt: '2026-12-01T02:00:00.000Z', settings: SETTINGS }, new Map([['eu-west-1', failed]]), new Date());

    // Assess
    expect(accountStatus(report)).toBe('failed');
  });
});

describe('summarizeOrg', () => {
  it('counts accounts by status and sums groups, candidates and API calls', () => {
    // Act
    const summary = summarizeOrg(ORG_AUDIT, 's', 'f', [
      accountResult(B, { status: 'failed', totals: { groups: 0, inUse: 0, candidates: 0, protected: 0, unknown: 0 }, apiCalls: 0, failedRegions: [{ region: 'us-east-1', ...denied }] }),
      accountResult(A),
    ], 5);

    // Assess
    expect(summary.accounts).toEqual({ total: 2, audited: 1, partial: 0, failed: 1 });
    expect(summary.totals).toMatchObject({ groups: 4, candidates: 2 });
    expect(summary.apiCalls).toBe(105);
    expect(summary.results.map((r) => r.accountId)).toEqual([A, B]);
  });
});

describe('orgKeys', () => {
  it('keeps the org summary under audits/_org/<auditId>/ and each item per account and region', () => {
    // Act
    const keys = orgKeys(ORG_AUDIT);

    // Assess
    expect(keys.summary).toBe(`audits/_org/${ORG_AUDIT}/summary.json`);
    expect(keys.region(A, 'eu-west-1')).toBe(`audits/_org/${ORG_AUDIT}/regions/${A}/eu-west-1.json`);
  });
});
