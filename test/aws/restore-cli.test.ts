import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { auditArtifacts, toJsonBytes } from '../../lambda/core/backup';
import type { AuditReport } from '../../lambda/core/model';
import { BackupRejectedError, createRestoreCommand } from '../../lambda/cli/restore-command';
import { UsageError, type CliIo } from '../../lambda/cli/io';
import { auditReport, candidate, regionReport } from '../helpers/audit-report';
import { awsError } from '../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);
const sts = mockClient(STSClient);
const command = createRestoreCommand({ factory: () => new ClientFactory({ maxAttempts: 1 }) });

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), prompt: async () => '', env: {}, now: () => new Date() };
  return { io: value, out, err };
}

/** An audit of eu-west-3 with candidate sg-0a1d (a rule to the gone sg-0d0e) and in-use sg-0b0b. */
function audit(): AuditReport {
  const app = candidate('sg-0a1d', 'eu-west-3', {
    groupName: 'app',
    ingress: [{ ruleId: 'sgr-1', isEgress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22, referencedGroup: { groupId: 'sg-0d0e' } }],
    egress: [{ ruleId: 'sgr-2', isEgress: true, ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' }],
  });
  const web = candidate('sg-0b0b', 'eu-west-3', { groupName: 'web', verdict: 'in-use', reasons: ['used'] });
  return auditReport([regionReport('eu-west-3', [app, web])]);
}

/** Writes backup.json and report.json of `report` into a new directory; returns the backup's path. */
async function auditDir(report: AuditReport = audit(), change?: (backup: Buffer) => Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sg-restore-'));
  const artifacts = auditArtifacts(report);
  await writeFile(join(dir, 'report.json'), artifacts.reportBytes);
  await writeFile(join(dir, 'backup.json'), change ? change(artifacts.backupBytes) : artifacts.backupBytes);
  return join(dir, 'backup.json');
}

beforeEach(() => {
  ec2.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: audit().accountId });
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [{ GroupId: 'sg-0b0b', GroupName: 'web' }] });
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
  ec2.on(CreateSecurityGroupCommand).resolves({ GroupId: 'sg-0ee1' });
});

describe('sg-audit restore', () => {
  it('prints the new id and the rule it could not restore', async () => {
    // Prepare
    ec2.on(AuthorizeSecurityGroupIngressCommand).rejects(awsError('InvalidGroup.NotFound', 'gone'));
    const t = io();

    // Act
    const code = await command(['--backup', await auditDir(), '--group', 'sg-0a1d'], t.io);

    // Assess
    expect(code).toBe(1);
    const text = t.out.join('');
    expect(text).toContain('recreated as a NEW group sg-0ee1');
    expect(text).toContain('sg-0a1d -> sg-0ee1');
    expect(text).toContain('rule not restored: tcp 22 from sg-0d0e: InvalidGroup.NotFound: gone');
  });

  it('restores with --all only the candidates of the report, not the groups kept for a reason', async () => {
    // Prepare
    const t = io();

    // Act
    const code = await command(['--backup', await auditDir(), '--all'], t.io);

    // Assess
    expect(code).toBe(0);
    expect(ec2).toHaveReceivedCommandTimes(CreateSecurityGroupCommand, 1);
    expect(ec2).toHaveReceivedCommandWith(CreateSecurityGroupCommand, { GroupName: 'app' });
  });

  it('refuses a backup with one byte changed, before any AWS call', async () => {
    // Prepare
    const flip = (bytes: Buffer) => {
      const changed = Buffer.from(bytes);
      const at = changed.indexOf('"tcp"') + 1;
      changed[at] = 'u'.charCodeAt(0); // "tcp" -> "ucp"
      return changed;
    };
    const backup = await auditDir(audit(), flip);

    // Act
    const run = command(['--backup', backup, '--all', '--allow-unverified-backup'], io().io);

    // Assess
    await expect(run).rejects.toThrow(BackupRejectedError);
    await expect(command(['--backup', backup, '--all'], io().io)).rejects.toThrow(/SHA-256 is [0-9a-f]{64}, but the report of audit .* says/);
    expect(ec2.calls()).toHaveLength(0);
    expect(sts.calls()).toHaveLength(0);
  });

  it('refuses a backup when no report is next to it, naming --report and the override', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'sg-restore-'));
    await writeFile(join(dir, 'backup.json'), auditArtifacts(audit()).backupBytes);

    // Act
    const run = command(['--backup', join(dir, 'backup.json'), '--group', 'sg-0a1d'], io().io);

    // Assess
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow(/--report FILE, or --allow-unverified-backup/);
    expect(ec2.calls()).toHaveLength(0);
  });

  it('restores from a backup of a report written before backupSha256 only with the override, and says so', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'sg-restore-'));
    const old = audit();
    await writeFile(join(dir, 'report.json'), toJsonBytes(old));
    await writeFile(join(dir, 'backup.json'), auditArtifacts(old).backupBytes);
    const backup = join(dir, 'backup.json');
    const t = io();

    // Act
    const refused = await command(['--backup', backup, '--all'], io().io).catch((error: Error) => error);
    const code = await command(['--backup', backup, '--all', '--allow-unverified-backup'], t.io);

    // Assess
    expect(refused).toBeInstanceOf(UsageError);
    expect((refused as Error).message).toMatch(/predates backupSha256/);
    expect(code).toBe(0);
    expect(t.err.join('')).toContain('WARNING: restoring from an UNVERIFIED backup');
    expect(t.out.join('')).toContain('(UNVERIFIED)');
  });

  it('takes the report from --report when it is elsewhere', async () => {
    // Prepare
    const backup = await auditDir();
    const elsewhere = join(await mkdtemp(join(tmpdir(), 'sg-report-')), 'r.json');
    await writeFile(elsewhere, auditArtifacts(audit()).reportBytes);
    await writeFile(join(backup, '..', 'report.json'), '{}');
    const t = io();

    // Act
    await command(['--backup', backup, '--group', 'sg-0a1d', '--report', elsewhere], t.io);

    // Assess
    expect(t.out.join('')).toContain('(matches its report)');
  });

  it('refuses credentials for another account than the backup', async () => {
    // Prepare
    sts.on(GetCallerIdentityCommand).resolves({ Account: '999999999999' });

    // Act
    const run = command(['--backup', await auditDir(), '--all'], io().io);

    // Assess
    await expect(run).rejects.toThrow(/account 123456789012, but these credentials are for 999999999999/);
    expect(ec2).not.toHaveReceivedCommand(CreateSecurityGroupCommand);
  });

  it('rejects a file that is not a backup before any call', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'sg-restore-'));
    await writeFile(join(dir, 'backup.json'), JSON.stringify({ hello: 1 }));

    // Act
    const run = command(['--backup', join(dir, 'backup.json'), '--group', 'sg-0a1d'], io().io);

    // Assess
    await expect(run).rejects.toThrow(UsageError);
    expect(ec2.calls()).toHaveLength(0);
  });

  it('rejects a group id that is not in the backup', async () => {
    // Act
    const run = command(['--backup', await auditDir(), '--group', 'sg-0ff'], io().io);

    // Assess
    await expect(run).rejects.toThrow(/not in this backup/);
  });

  it('asks for exactly one of --all and --group', async () => {
    // Act
    const run = command(['--backup', await auditDir(), '--all', '--group', 'sg-0a1d'], io().io);

    // Assess
    await expect(run).rejects.toThrow(/either --all or --group/);
  });
});
