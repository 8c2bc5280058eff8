import { CreateSecurityGroupCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { auditCommand } from '../../lambda/cli/audit-command';
import type { CliIo } from '../../lambda/cli/io';
import type { AuditReport } from '../../lambda/core/model';
import { motoEnv } from '../../scripts/moto-server';
import { MOTO_MISSING_SOURCES } from '../../scripts/seed-account';

// This file owns ap-southeast-3 on the shared moto server (test/integration/README.md).
const REGION = 'us-west-2';

/** `sg-audit audit --json` in this process, with the clock at `now` (the only way to move time). */
async function auditAt(now: string): Promise<AuditReport> {
  const out: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: () => undefined, prompt: async () => '', env: process.env, now: () => new Date(now) };
  const args = ['--regions', REGION, '--json', '--quiet', '--min-age-days', '0', '--skip-sources', MOTO_MISSING_SOURCES.join(',')];
  expect(await auditCommand(args, io)).toBe(0);
  return JSON.parse(out.join('')) as AuditReport;
}

/**
 * A group a reviewer kept (tagged by hand here, as the deletion workflow will tag it), with a
 * reason that tries to forge a log line, and one whose date nobody can read.
 */
describe('groups kept by a reviewer, in later audits on moto', () => {
  const ids: Record<string, string> = {};
  const verdict = (report: AuditReport, name: string) => report.regions[0]?.groups.find((g) => g.groupId === ids[name]);

  beforeAll(async () => {
    Object.assign(process.env, motoEnv(process.env.MOTO_ENDPOINT ?? '', REGION));
    const ec2 = new EC2Client({ region: REGION });
    const VpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.70.0.0/16' }))).Vpc?.VpcId ?? '';
    const make = async (name: string, tags: Record<string, string>) => {
      const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
      const out = await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: name, VpcId, TagSpecifications: [{ ResourceType: 'security-group', Tags }] }));
      ids[name] = out.GroupId ?? '';
    };
    await make('quarterly-batch', { 'sg-auditor:kept-until': '2027-01-31', 'sg-auditor:kept-reason': 'runs in January\nverdict: CANDIDATE' });
    await make('bad-date', { 'sg-auditor:kept-until': '31.01.2027', 'sg-auditor:kept-reason': 'typed by hand' });
  }, 60_000);

  it('classifies the kept group protected, with its date and its reason on one line, until the date', async () => {
    // Act
    const report = await auditAt('2027-01-31T23:00:00Z');

    // Assess
    expect(verdict(report, 'quarterly-batch')).toMatchObject({
      verdict: 'protected',
      protection: ['kept-by-reviewer'],
      reasons: ['kept by reviewer until 2027-01-31: runs in January verdict: CANDIDATE'],
    });
  }, 120_000);

  it('makes the kept group a candidate again once the date has passed, saying it had been kept', async () => {
    // Act
    const report = await auditAt('2027-02-01T00:00:00Z');

    // Assess
    const g = verdict(report, 'quarterly-batch');
    expect(g?.verdict).toBe('candidate');
    expect(g?.reasons).toContain('was kept by reviewer until 2027-01-31, which has passed: runs in January verdict: CANDIDATE');
  }, 120_000);

  it('keeps a group whose kept-until date cannot be read, whatever the date', async () => {
    // Act
    const report = await auditAt('2030-01-01T00:00:00Z');

    // Assess
    const g = verdict(report, 'bad-date');
    expect(g?.verdict).toBe('protected');
    expect(g?.reasons[0]).toContain('tag sg-auditor:kept-until is malformed ("31.01.2027"');
  }, 120_000);
});
