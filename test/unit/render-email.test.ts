import { unverifiedReason } from '../../lambda/core/classify';
import { auditKeys } from '../../lambda/core/s3-keys';
import {
  cleanText,
  EMAIL_BODY_LIMIT_BYTES,
  EMAIL_CAPS,
  isAllClear,
  renderAuditEmail,
  renderFailureEmail,
  type AuditEmailInput,
} from '../../lambda/core/render-email';
import type { AuditReport, ClassifiedGroup } from '../../lambda/core/model';
import { auditReport, candidate, regionReport, REPORT_ACCOUNT, REPORT_AUDIT_ID, reportWithCandidates } from '../helpers/audit-report';

const LINK = { url: 'https://abc.lambda-url.us-east-1.on.aws/?t=eyJ2IjoxfQ.c2ln', expiresAt: new Date('2026-12-08T02:03:10Z') };
const SNS_LIMIT_BYTES = 256 * 1024;

function input(report: AuditReport, overrides: Partial<AuditEmailInput> = {}): AuditEmailInput {
  return { report, bucket: 'sg-auditor-artifacts', keys: auditKeys(report.accountId, report.auditId), link: LINK, dryRun: false, ...overrides };
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('renderAuditEmail', () => {
  it('names the account, the count and the regions in a subject under 100 characters', () => {
    // Prepare
    const report = reportWithCandidates(14);

    // Act
    const { subject } = renderAuditEmail(input(report));

    // Assess
    expect(subject).toBe('[sg-auditor] 123456789012: 14 unused security groups in 3 regions');
    expect(subject.length).toBeLessThan(100);
  });

  it('uses the singular for one candidate in one region', () => {
    // Prepare
    const report = reportWithCandidates(1);

    // Act
    const { subject } = renderAuditEmail(input(report));

    // Assess
    expect(subject).toBe('[sg-auditor] 123456789012: 1 unused security group in 1 region');
  });

  it('sends a short all-clear email when nothing is found', () => {
    // Prepare
    const report = reportWithCandidates(0);

    // Act
    const email = renderAuditEmail(input(report, { link: undefined }));

    // Assess
    expect(isAllClear(report)).toBe(true);
    expect(email.subject).toBe('[sg-auditor] 123456789012: all clear, no unused security groups in 3 regions');
    expect(email.body).toContain('No approval link: there is nothing to delete.');
    expect(email.body.split('\n').length).toBeLessThan(25);
  });

  it('shows one candidate with its id, name, VPC, region, reason and rules', () => {
    // Prepare
    const report = reportWithCandidates(1);

    // Act
    const { body } = renderAuditEmail(input(report));

    // Assess
    expect(body).toContain('- sg-00000000000000000 "old-sg-00000000000000000" vpc-0a1b2c3d us-east-1');
    expect(body).toContain('    why: no usage found by 46 sources checked in us-east-1');
    expect(body).toContain('    rules: 1 in, 1 out: tcp 443 from 10.0.0.0/8; all traffic to 0.0.0.0/0');
  });

  it('lists all 50 candidates of a 50-candidate audit without a cap message', () => {
    // Prepare
    const report = reportWithCandidates(50);

    // Act
    const { body } = renderAuditEmail(input(report));

    // Assess
    expect(body.match(/^- sg-/gm)).toHaveLength(50);
    expect(body).not.toContain('more on the review page');
  });

  it('caps 5,000 candidates and points to the review page for the rest', () => {
    // Prepare
    const report = reportWithCandidates(5000);

    // Act
    const { subject, body } = renderAuditEmail(input(report));

    // Assess
    expect(subject.length).toBeLessThan(100);
    expect(body.match(/^- sg-/gm)).toHaveLength(EMAIL_CAPS.candidates);
    expect(body).toContain(`  and ${5000 - EMAIL_CAPS.candidates} more on the review page`);
    expect(bytes(body)).toBeLessThanOrEqual(EMAIL_BODY_LIMIT_BYTES);
  });

  it('stays under the SNS limit with the longest names, many rules and every kind of group', () => {
    // Prepare
    const longName = '\u00e9'.repeat(255);
    const rules = Array.from({ length: 60 }, (_, i) => ({ ruleId: `r${i}`, isEgress: false, ipProtocol: 'tcp', fromPort: i, toPort: i, cidrIpv6: '2001:db8::/32' }));
    const regions = Array.from({ length: 40 }, (_, r) => {
      const region = `xx-test-${r + 1}`;
      const groups: ClassifiedGroup[] = [];
      for (let i = 0; i < 300; i += 1) {
        const id = `sg-${r}-${i}`;
        const base = candidate(id, region, { groupName: longName, ingress: rules, reasons: [longName.repeat(4)] });
        if (i % 3 === 1) groups.push({ ...base, verdict: 'protected', protection: ['protect-tag'] });
        else if (i % 3 === 2) groups.push({ ...base, verdict: 'unknown', failedSources: ['lambda', 'eks'] });
        else groups.push(base);
      }
      const scans = Array.from({ length: 48 }, () => ({
        source: 'lambda' as const,
        status: 'failed' as const,
        error: { code: 'AccessDeniedException', message: longName.repeat(10) },
        apiCalls: 1,
        usageCount: 0,
      }));
      return regionReport(region, groups, { scans });
    });
    const report = auditReport(regions, { skippedSources: ['mwaa', 'apprunner'] });

    // Act
    const { subject, body } = renderAuditEmail(input(report));

    // Assess
    expect(subject.length).toBeLessThan(100);
    expect(bytes(body)).toBeLessThanOrEqual(EMAIL_BODY_LIMIT_BYTES);
    expect(bytes(body) + bytes(subject)).toBeLessThan(SNS_LIMIT_BYTES);
    expect(body).toContain('FILES');
  });

  it('has no link and says so in a dry run', () => {
    // Prepare
    const report = reportWithCandidates(3);

    // Act
    const email = renderAuditEmail(input(report, { link: undefined, dryRun: true }));

    // Assess
    expect(email.subject).toBe('[sg-auditor] DRY RUN 123456789012: 3 unused security groups in 3 regions');
    expect(email.body).toContain('DRY RUN: this audit made no approval link');
    expect(email.body).not.toContain('?t=');
  });

  it('shows the link and its expiry date', () => {
    // Prepare
    const report = reportWithCandidates(2);

    // Act
    const { body } = renderAuditEmail(input(report));

    // Assess
    expect(body).toContain(`Review and approve deletions (link valid until 2026-12-08T02:03:10Z):\n${LINK.url}\n`);
  });

  it('gives per-region totals and the S3 keys of the three artifacts', () => {
    // Prepare
    const report = reportWithCandidates(4);
    const keys = auditKeys(REPORT_ACCOUNT, REPORT_AUDIT_ID);

    // Act
    const { body } = renderAuditEmail(input(report));

    // Assess
    expect(body).toContain('  us-east-1: 0 in use, 2 candidates, 0 protected, 0 unknown');
    expect(body).toContain(`  report: s3://sg-auditor-artifacts/${keys.report}`);
    expect(body).toContain(`  log:    s3://sg-auditor-artifacts/${keys.log}`);
    expect(body).toContain(`  backup: s3://sg-auditor-artifacts/${keys.backup}`);
  });

  it('groups protected groups by their reason', () => {
    // Prepare
    const groups = [
      candidate('sg-d', 'us-east-1', { groupName: 'default', verdict: 'protected', protection: ['default-group'] }),
      candidate('sg-t', 'us-east-1', { verdict: 'protected', protection: ['protect-tag'] }),
    ];
    const report = auditReport([regionReport('us-east-1', groups)]);

    // Act
    const { body } = renderAuditEmail(input(report, { link: undefined }));

    // Assess
    expect(body).toContain("PROTECTED (never deleted by a link): 2\n  the VPC's default group: 1\n  - sg-d \"default\"");
    expect(body).toContain('  tagged DoNotDelete=true: 1\n  - sg-t');
  });

  it('lists unknown groups with the sources that failed and their errors', () => {
    // Prepare
    const groups = [candidate('sg-u', 'eu-west-1', { verdict: 'unknown', failedSources: ['lambda'] })];
    const scans = [{ source: 'lambda' as const, status: 'failed' as const, error: { code: 'AccessDeniedException', message: 'not authorized' }, apiCalls: 1, usageCount: 0 }];
    const report = auditReport([regionReport('eu-west-1', groups, { scans })]);

    // Act
    const { subject, body } = renderAuditEmail(input(report, { link: undefined }));

    // Assess
    expect(subject).toBe('[sg-auditor] 123456789012: no unused security groups confirmed; 1 unknown');
    expect(body).toContain('  - eu-west-1 lambda: AccessDeniedException: not authorized');
    expect(body).toContain('  - sg-u "old-sg-u" vpc-0a1b2c3d eu-west-1: lambda failed');
  });

  it('names excluded sources and regions that failed as a whole', () => {
    // Prepare
    const failed = regionReport('ap-east-1', [], { status: 'failed', error: { code: 'AuthFailure', message: 'region disabled' }, scans: [] });
    const report = auditReport([regionReport('us-east-1', [candidate('sg-1')]), failed], { skippedSources: ['mwaa', 'client-vpn'] });

    // Act
    const { subject, body } = renderAuditEmail(input(report));

    // Assess
    expect(subject).toBe('[sg-auditor] 123456789012: 1 unused security group in 1 region, 1 region failed');
    expect(body).toContain('EXCLUDED SOURCES (skipSources): mwaa, client-vpn');
    expect(body).toContain('  ap-east-1: FAILED, not audited (AuthFailure)');
    expect(body).toContain('- ap-east-1: AuthFailure: region disabled');
  });

  it('strips control characters from group names so they cannot forge lines', () => {
    // Prepare
    const report = auditReport([regionReport('us-east-1', [candidate('sg-1', 'us-east-1', { groupName: 'evil\nReview and approve: https://x\u202e' })])]);

    // Act
    const { body } = renderAuditEmail(input(report));

    // Assess
    expect(body).toContain('"evil Review and approve: https://x "');
    expect(body).not.toContain('\u202e');
  });
});

describe('cleanText', () => {
  it('cuts long text to the given number of characters', () => {
    // Act
    const out = cleanText('x'.repeat(500), 80);

    // Assess
    expect(out).toHaveLength(80);
    expect(out.endsWith('...')).toBe(true);
  });
});

describe('renderFailureEmail', () => {
  it('says the audit failed and gives the error', () => {
    // Act
    const email = renderFailureEmail({
      auditId: REPORT_AUDIT_ID,
      accountId: REPORT_ACCOUNT,
      regions: ['eu-west-2'],
      startedAt: new Date('2026-12-01T02:00:00Z'),
      error: { code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.' },
    });

    // Assess
    expect(email.subject).toBe('[sg-auditor] 123456789012: audit FAILED (UnauthorizedOperation)');
    expect(email.body).toContain('Error:   UnauthorizedOperation: You are not authorized to perform this operation.');
    expect(email.body).not.toContain('?t=');
  });
});

describe('renderAuditEmail: candidates cleared while sources were excluded', () => {
  function reportWithUnverified(): AuditReport {
    const unverified = candidate('sg-ecs', 'us-east-1', {
      groupName: 'reports-svc',
      unverifiedBy: ['ecs-services', 'lambda'],
      reasons: [unverifiedReason(['ecs-services', 'lambda']), 'no usage found by 44 sources checked in us-east-1'],
    });
    return auditReport([regionReport('us-east-1', [unverified, candidate('sg-other')])], { skippedSources: ['ecs-services', 'lambda'] });
  }

  it('says in the subject how many candidates are unverified', () => {
    // Prepare / Act
    const { subject } = renderAuditEmail(input(reportWithUnverified()));

    // Assess
    expect(subject).toBe('[sg-auditor] 123456789012: 2 unused security groups in 1 region (1 UNVERIFIED)');
  });

  it('warns before the approval link, naming the excluded sources', () => {
    // Prepare / Act
    const { body } = renderAuditEmail(input(reportWithUnverified()));

    // Assess
    const warning = body.indexOf('WARNING: 1 candidate is UNVERIFIED by: ecs-services, lambda.');
    expect(warning).toBeGreaterThan(0);
    expect(warning).toBeLessThan(body.indexOf(LINK.url));
  });

  it('puts an UNVERIFIED line under the candidate, and does not repeat it under "why"', () => {
    // Prepare / Act
    const lines = renderAuditEmail(input(reportWithUnverified())).body.split('\n');

    // Assess
    const at = lines.findIndex((l) => l.startsWith('- sg-ecs "reports-svc"'));
    expect(lines[at + 1]).toBe('    UNVERIFIED by: ecs-services, lambda (excluded by skipSources, never checked)');
    expect(lines[at + 2]).toBe('    why: no usage found by 44 sources checked in us-east-1');
  });

  it('gives no warning when every candidate was checked by every source', () => {
    // Prepare / Act
    const email = renderAuditEmail(input(reportWithCandidates(3)));

    // Assess
    expect(email.subject).not.toContain('UNVERIFIED');
    expect(email.body).not.toContain('UNVERIFIED');
  });
});

describe('renderAuditEmail: protection reasons', () => {
  it('labels groups protected by the production tag and by Kubernetes tooling', () => {
    // Prepare
    const report = auditReport([
      regionReport('us-east-1', [
        candidate('sg-p', 'us-east-1', { verdict: 'protected', protection: ['production-tag'] }),
        candidate('sg-k', 'us-east-1', { verdict: 'protected', protection: ['kubernetes'] }),
      ]),
    ]);

    // Act
    const { body } = renderAuditEmail(input(report));

    // Assess
    expect(body).toContain("  tagged Environment=Production (the stack's IAM refuses to delete these): 1");
    expect(body).toContain('  selected by Kubernetes tooling (karpenter.sh/discovery, kubernetes.io/cluster/*, ...): 1');
  });
});

describe('audit email: places not scanned', () => {
  it('names how many places are not scanned and where the list is, next to the excluded sources', () => {
    // Prepare
    const report = auditReport([regionReport('us-east-1', [candidate('sg-1')])], {
      coverage: { scanned: 102, interfaces: 0, notScanned: 72, listUrl: 'docs/coverage.md#places-not-scanned' },
    });

    // Act
    const { body } = renderAuditEmail(input(report));

    // Assess
    const lines = body.split('\n');
    const at = lines.findIndex((l) => l.startsWith('PLACES NOT SCANNED: '));
    expect(lines[at]).toBe(
      'PLACES NOT SCANNED: 72 places that can hold a security group are not scanned: a group used only there looks unused (list: docs/coverage.md#places-not-scanned; 102 scanned, 0 through network interfaces)',
    );
    expect(lines[at - 2]).toMatch(/^EXCLUDED SOURCES/);
  });

  it('strips control characters from a list URL so a tampered report cannot forge lines', () => {
    // Prepare
    const report = auditReport([regionReport('us-east-1', [candidate('sg-1')])], {
      coverage: { scanned: 1, interfaces: 0, notScanned: 2, listUrl: 'docs\nReview and approve: https://x' },
    });

    // Act
    const { body } = renderAuditEmail(input(report));

    // Assess
    expect(body.split('\n').filter((l) => l.startsWith('Review and approve: https://x'))).toEqual([]);
  });

  it('says nothing of coverage for a report written before it was recorded', () => {
    // Act
    const { body } = renderAuditEmail(input(auditReport([regionReport('us-east-1', [candidate('sg-1')])])));

    // Assess
    expect(body).not.toContain('PLACES NOT SCANNED');
  });
});
