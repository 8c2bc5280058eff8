import { summarizeOrg, type OrgAccountResult } from '../../lambda/core/org';
import { renderOrgDigest, renderOrgTable } from '../../lambda/core/render-org';
import { EMAIL_BODY_LIMIT_BYTES } from '../../lambda/core/render-email';

const ORG_AUDIT = '2026-12-01T02-00-00Z-abc123';

function result(accountId: string, overrides: Partial<OrgAccountResult> = {}): OrgAccountResult {
  return {
    accountId,
    name: `team ${accountId.slice(0, 3)}`,
    auditId: `2026-12-01T02-00-00Z-${accountId.slice(0, 6)}`,
    status: 'audited',
    regions: 2,
    totals: { groups: 5, inUse: 2, candidates: 2, protected: 1, unknown: 0 },
    failedRegions: [],
    apiCalls: 120,
    keys: { report: `audits/${accountId}/x/report.json`, log: 'l', backup: 'b' },
    reportSha256: 'x',
    link: { sha256: `hash-of-the-link-of-${accountId}`, expiresAt: '2026-12-08T02:00:00.000Z' },
    ...overrides,
  };
}

const failed = result('333333333333', {
  status: 'failed',
  regions: 1,
  totals: { groups: 0, inUse: 0, candidates: 0, protected: 0, unknown: 0 },
  failedRegions: [{ region: 'us-east-1', code: 'AccessDenied', message: 'cannot assume arn:aws:iam::333333333333:role/sg-auditor-member' }],
  apiCalls: 0,
});
delete failed.link;

const summary = summarizeOrg(ORG_AUDIT, '2026-12-01T02:00:00.000Z', '2026-12-01T02:09:00.000Z', [result('111111111111'), result('222222222222'), failed]);

describe('renderOrgTable', () => {
  it('has one row per account with its status and counts, the totals, and every failure with its reason', () => {
    // Act
    const table = renderOrgTable(summary);

    // Assess
    expect(table).toContain('Accounts: 3 (audited 2, partly audited 0, failed 1)');
    expect(table).toMatch(/^111111111111 +team 111 +audited +2 +5 +2 +2 +1 +0 +- +120$/m);
    expect(table).toMatch(/^TOTAL +10 +4 +4 +2 +0 +240$/m);
    expect(table).toContain('333333333333 us-east-1: AccessDenied: cannot assume arn:aws:iam::333333333333:role/sg-auditor-member');
  });

  it('prints an account name with line breaks on one line', () => {
    // Prepare
    const hostile = summarizeOrg(ORG_AUDIT, 's', 'f', [result('111111111111', { name: 'evil\nTOTAL 0 0' })]);

    // Act
    const table = renderOrgTable(hostile);

    // Assess
    expect(table).not.toMatch(/^TOTAL 0 0/m);
  });
});

describe('renderOrgDigest', () => {
  it('lists every account with its counts and its own link, failures with their reason', () => {
    // Act
    const links = new Map(summary.results.filter((r) => r.link).map((r) => [r.accountId, `https://approve.example.test/?t=${r.accountId}`]));
    const email = renderOrgDigest(summary, { bucket: 'b', tableKey: `audits/_org/${ORG_AUDIT}/summary.txt`, dryRun: false, links });

    // Assess
    expect(email.subject).toBe('[sg-auditor] organization: 4 unused security groups in 2 accounts, 1 account failed');
    expect(email.body).toContain('- 111111111111 team 111: audited; 2 candidates');
    expect(email.body).toContain('review (until 2026-12-08T02:00:00Z): https://approve.example.test/?t=111111111111');
    expect(email.body).toContain('https://approve.example.test/?t=222222222222');
    expect(email.body).toContain('failed us-east-1: AccessDenied: cannot assume');
    expect(email.body).toContain(`s3://b/audits/_org/${ORG_AUDIT}/summary.txt`);
  });

  it('names how many places are not scanned and where the list is', () => {
    // Prepare
    const coverage = { scanned: 102, interfaces: 0, notScanned: 72, listUrl: 'docs/coverage.md#places-not-scanned' };

    // Act
    const email = renderOrgDigest(summary, { bucket: 'b', tableKey: 'k', dryRun: false, coverage });

    // Assess
    expect(email.body).toContain(
      'Places not scanned: 72 places that can hold a security group are not scanned: a group used only there looks unused (list: docs/coverage.md#places-not-scanned; 102 scanned, 0 through network interfaces).',
    );
  });

  it('stays under the SNS size limit with thousands of accounts, saying how many were left out', () => {
    // Prepare
    const many = summarizeOrg(ORG_AUDIT, 's', 'f', Array.from({ length: 3000 }, (_, i) => result(String(100000000000 + i))));

    // Act
    const email = renderOrgDigest(many, { bucket: 'b', tableKey: 'k', dryRun: false });

    // Assess
    expect(Buffer.byteLength(email.body, 'utf8')).toBeLessThanOrEqual(EMAIL_BODY_LIMIT_BYTES);
    expect(email.body).toMatch(/and \d+ more accounts in the full table/);
  });
});
