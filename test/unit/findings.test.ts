import type { DeletionResult } from '../../lambda/core/deletion-plan';
import { candidateFinding, findingId, planDeletionFindings, planRegionFindings, productArn, type Finding } from '../../lambda/core/findings';
import { auditReport, candidate, REPORT_ACCOUNT, regionReport } from '../helpers/audit-report';

const NOW = new Date('2026-12-01T02:05:00.000Z');
const REPORT_URL = 's3://bucket/audits/123456789012/a1/report.json';
const REGION = 'eu-west-1';

function activeFinding(groupId: string, account = REPORT_ACCOUNT): Finding {
  const report = auditReport([regionReport(REGION, [candidate(groupId, REGION)])], { accountId: account });
  const group = report.regions[0]?.groups[0];
  if (!group) throw new Error('fixture');
  return candidateFinding(report, group, new Date('2026-11-01T02:05:00.000Z'), REPORT_URL);
}

describe('Security Hub findings (pure)', () => {
  it('makes a candidate an ACTIVE, FAILED, LOW finding on its security group ARN under the account default product', () => {
    // Prepare
    const report = auditReport([regionReport(REGION, [candidate('sg-0aa', REGION)])]);

    // Act
    const plan = planRegionFindings(report, report.regions[0]!, [], NOW, REPORT_URL);

    // Assess
    expect(plan.upsert).toHaveLength(1);
    expect(plan.upsert[0]).toMatchObject({
      Id: findingId(REPORT_ACCOUNT, REGION, 'sg-0aa'),
      ProductArn: `arn:aws:securityhub:${REGION}:${REPORT_ACCOUNT}:product/${REPORT_ACCOUNT}/default`,
      AwsAccountId: REPORT_ACCOUNT,
      RecordState: 'ACTIVE',
      Compliance: { Status: 'FAILED' },
      FindingProviderFields: { Severity: { Label: 'LOW' } },
      Resources: [{ Type: 'AwsEc2SecurityGroup', Id: `arn:aws:ec2:${REGION}:${REPORT_ACCOUNT}:security-group/sg-0aa` }],
    });
  });

  it('puts the evidence in the description and never an approval link', () => {
    // Prepare
    const report = auditReport([regionReport(REGION, [candidate('sg-0aa', REGION, { reasons: ['no usage found by 46 sources'] })])]);

    // Act
    const [finding] = planRegionFindings(report, report.regions[0]!, [], NOW, REPORT_URL).upsert;

    // Assess
    expect(finding?.Description).toContain('no usage found by 46 sources');
    expect(finding?.Description).not.toMatch(/[?&]t=/);
    expect(finding?.Description.length).toBeLessThanOrEqual(1024);
  });

  it('archives the finding of a group that is now in use, with the evidence', () => {
    // Prepare
    const inUse = candidate('sg-0bb', REGION, { verdict: 'in-use', reasons: ['used by Lambda fn billing'] });
    const report = auditReport([regionReport(REGION, [inUse])]);

    // Act
    const plan = planRegionFindings(report, report.regions[0]!, [activeFinding('sg-0bb')], NOW, REPORT_URL);

    // Assess
    expect(plan.archive).toHaveLength(1);
    expect(plan.archive[0]).toMatchObject({ RecordState: 'ARCHIVED', Compliance: { Status: 'PASSED' }, CreatedAt: '2026-11-01T02:05:00.000Z' });
    expect(plan.archive[0]?.Description).toContain('used by Lambda fn billing');
  });

  it('archives the finding of a group that is protected or gone', () => {
    // Prepare
    const report = auditReport([regionReport(REGION, [candidate('sg-0cc', REGION, { verdict: 'protected', reasons: ['tagged DoNotDelete=true'] })])]);

    // Act
    const plan = planRegionFindings(report, report.regions[0]!, [activeFinding('sg-0cc'), activeFinding('sg-0dd')], NOW, REPORT_URL);

    // Assess
    expect(plan.archive.map((f) => [f.Id, f.Description.includes('protected') || f.Description.includes('no longer exists')])).toEqual([
      [findingId(REPORT_ACCOUNT, REGION, 'sg-0cc'), true],
      [findingId(REPORT_ACCOUNT, REGION, 'sg-0dd'), true],
    ]);
  });

  it('leaves the finding of a group that is now unknown as it is', () => {
    // Prepare
    const report = auditReport([regionReport(REGION, [candidate('sg-0ee', REGION, { verdict: 'unknown', reasons: ['lambda failed'] })])]);

    // Act
    const plan = planRegionFindings(report, report.regions[0]!, [activeFinding('sg-0ee')], NOW, REPORT_URL);

    // Assess
    expect(plan).toEqual({ upsert: [], archive: [] });
  });

  it('changes nothing for a region that could not be audited', () => {
    // Prepare
    const report = auditReport([regionReport(REGION, [], { status: 'failed', error: { code: 'AccessDenied', message: 'no' } })]);

    // Act
    const plan = planRegionFindings(report, report.regions[0]!, [activeFinding('sg-0ff')], NOW, REPORT_URL);

    // Assess
    expect(plan).toEqual({ upsert: [], archive: [] });
  });

  it('never archives another account s finding in a shared (organization) hub', () => {
    // Prepare
    const report = auditReport([regionReport(REGION, [])]);

    // Act
    const plan = planRegionFindings(report, report.regions[0]!, [activeFinding('sg-0ab', '210987654321')], NOW, REPORT_URL);

    // Assess
    expect(plan.archive).toEqual([]);
  });

  it('writes an organization member s finding into the auditor account s hub, naming the member in the resource', () => {
    // Prepare
    const report = auditReport([regionReport(REGION, [candidate('sg-0aa', REGION)])], { accountId: '210987654321' });

    // Act
    const [finding] = planRegionFindings(report, report.regions[0]!, [], NOW, REPORT_URL, '111122223333').upsert;

    // Assess
    expect(finding).toMatchObject({
      AwsAccountId: '111122223333',
      ProductArn: productArn(REGION, '111122223333'),
      Id: findingId('210987654321', REGION, 'sg-0aa'),
      Resources: [{ Id: `arn:aws:ec2:${REGION}:210987654321:security-group/sg-0aa` }],
    });
  });

  it('resolves deleted groups and suppresses kept ones with the reviewer s reason', () => {
    // Prepare
    const result = {
      auditId: 'a1',
      accountId: REPORT_ACCOUNT,
      finishedAt: '2026-12-03T10:00:00.000Z',
      requester: { via: 'approval-link', note: 'retired in OPS-1' },
      outcomes: [
        { groupId: 'sg-0aa', region: REGION, groupName: 'a', outcome: 'deleted', reason: 'deleted' },
        { groupId: 'sg-0bb', region: REGION, groupName: 'b', outcome: 'kept-by-reviewer', reason: 'kept until 2027-03-01: month-end batch' },
        { groupId: 'sg-0cc', region: REGION, groupName: 'c', outcome: 'skipped', reason: 'now in use' },
      ],
    } as unknown as DeletionResult;

    // Act
    const plan = planDeletionFindings(result);

    // Assess
    expect(plan.resolved.map((r) => r.Id)).toEqual([findingId(REPORT_ACCOUNT, REGION, 'sg-0aa')]);
    expect(plan.suppressed).toEqual([expect.objectContaining({ Id: findingId(REPORT_ACCOUNT, REGION, 'sg-0bb'), note: expect.stringContaining('month-end batch') })]);
  });

  it('uses the partition of the region in every ARN', () => {
    // Prepare
    const report = auditReport([regionReport('cn-north-1', [candidate('sg-0aa', 'cn-north-1')])]);

    // Act
    const [finding] = planRegionFindings(report, report.regions[0]!, [], NOW, REPORT_URL).upsert;

    // Assess
    expect(finding?.ProductArn.startsWith('arn:aws-cn:securityhub:cn-north-1:')).toBe(true);
    expect(finding?.Resources[0]?.Id.startsWith('arn:aws-cn:ec2:cn-north-1:')).toBe(true);
  });
});
