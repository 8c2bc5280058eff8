import { DeleteSecurityGroupCommand, DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, EC2Client, DescribeNetworkInterfacesCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { ClientFactory } from '../../lambda/aws/client-factory';
import type { Scanner } from '../../lambda/aws/scanners/types';
import { toJsonBytes } from '../../lambda/core/backup';
import { createDeleteCommand } from '../../lambda/cli/delete-command';
import { askLine, UsageError, type CliIo } from '../../lambda/cli/io';
import { auditReport, candidate, regionReport } from '../helpers/audit-report';

const ec2 = mockClient(EC2Client);
const ssm = mockClient(SSMClient);
const sts = mockClient(STSClient);

function io(answer = '') {
  const out: string[] = [];
  const err: string[] = [];
  const value: CliIo = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    prompt: jest.fn(async () => answer),
    interactive: true,
    env: { USER: 'alice' },
    now: () => new Date('2026-12-02T10:00:00Z'),
  };
  return { io: value, out, err };
}

async function reportFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sg-delete-'));
  const report = auditReport([regionReport('us-east-1', [candidate('sg-0a'), candidate('sg-0b')])], {
    settings: { regions: ['us-east-1'], skipSources: [], protectTags: [{ key: 'DoNotDelete', value: 'true' }], productionTags: [{ key: 'Environment', value: 'Production' }], protectNamePatterns: [], minAgeDays: 0 },
  });
  const path = join(dir, 'report.json');
  await writeFile(path, toJsonBytes(report));
  return path;
}

const failing: Scanner = {
  source: 'rds',
  actions: [],
  scan: async () => {
    throw Object.assign(new Error('denied'), { name: 'AccessDenied' });
  },
};
const deps = { factory: () => new ClientFactory({ maxAttempts: 1 }), deleter: { sleep: async () => undefined, backoffMs: () => 0 } };
const command = createDeleteCommand({ ...deps, scanners: [] });

beforeEach(() => {
  ec2.reset();
  // The batch's re-check right before deleting: nothing attached unless a test says so.
  ec2.on(DescribeNetworkInterfacesCommand).resolves({});
  ec2.on(DescribeInstancesCommand).resolves({});
  ec2.on(DescribeSecurityGroupsCommand).resolves({});
  ssm.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
  ssm.on(GetParametersByPathCommand).resolves({ Parameters: [] });
  ec2.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: ['sg-0a', 'sg-0b'].map((id) => ({ GroupId: id, GroupName: `old-${id}`, Description: 'x', VpcId: 'vpc-1', OwnerId: '123456789012' })),
  });
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({ SecurityGroupRules: [] });
  ec2.on(DeleteSecurityGroupCommand).resolves({});
});

describe('sg-audit delete', () => {
  it('deletes nothing when the typed number does not match', async () => {
    // Prepare
    const path = await reportFile();
    const t = io('yes');

    // Act
    const code = await command(['--report', path], t.io);

    // Assess
    expect(code).toBe(1);
    expect(t.io.prompt).toHaveBeenCalledWith(expect.stringContaining('Type 2'));
    expect(ec2).not.toHaveReceivedCommand(DeleteSecurityGroupCommand);
  });

  it('deletes the chosen groups after confirmation and writes the trail next to the report', async () => {
    // Prepare
    const path = await reportFile();
    const t = io('1');

    // Act
    const code = await command(['--report', path, '--groups', 'sg-0b'], t.io);

    // Assess
    expect(code).toBe(0);
    expect(ec2).toHaveReceivedCommandTimes(DeleteSecurityGroupCommand, 1);
    expect(ec2).toHaveReceivedCommandWith(DeleteSecurityGroupCommand, { GroupId: 'sg-0b' });
    const log = await readFile(join(path, '..', 'deletion_log.txt'), 'utf8');
    expect(log).toContain('DELETED sg-0b');
    expect(log).toContain('KEPT BY REVIEWER sg-0a');
    const result = JSON.parse(await readFile(join(path, '..', 'result.json'), 'utf8'));
    expect(result.requester).toEqual({ via: 'cli', user: 'alice' });
  });

  it('writes the pre-delete backup from the re-audit next to the report before deleting, and names it in the result', async () => {
    // Prepare
    const path = await reportFile();
    const t = io('1');
    ec2.on(DescribeSecurityGroupRulesCommand).resolves({
      SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-0b', IsEgress: false, IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIpv4: '10.0.0.0/8', Description: 'added after the audit' }],
    });

    // Act
    const code = await command(['--report', path, '--groups', 'sg-0b'], t.io);

    // Assess
    expect(code).toBe(0);
    const backupPath = join(path, '..', 'pre-delete-backup.json');
    const backup = JSON.parse(await readFile(backupPath, 'utf8'));
    expect(backup.groups.map((g: { groupId: string }) => g.groupId).sort()).toEqual(['sg-0a', 'sg-0b']);
    expect(JSON.stringify(backup.groups.find((g: { groupId: string }) => g.groupId === 'sg-0b'))).toContain('added after the audit');
    const result = JSON.parse(await readFile(join(path, '..', 'result.json'), 'utf8'));
    expect(result.preDeleteBackups).toEqual({ 'us-east-1': backupPath });
  });

  it('deletes nothing when the pre-delete backup cannot be written', async () => {
    // Prepare
    const path = await reportFile();
    const t = io('1');
    await mkdir(join(path, '..', 'pre-delete-backup.json'));
    await mkdir(join(path, '..', 'pre-delete-backup-2026-12-02T10-00-00-000Z.json'));

    // Act
    const run = command(['--report', path, '--groups', 'sg-0b'], t.io);

    // Assess
    await expect(run).rejects.toThrow();
    expect(ec2).not.toHaveReceivedCommand(DeleteSecurityGroupCommand);
  });

  it('refuses in one line, exit 1, without a terminal and without --yes, before calling AWS', async () => {
    // Prepare
    const path = await reportFile();
    const t = io('2');
    t.io.interactive = false;

    // Act
    const code = await command(['--report', path], t.io);

    // Assess
    expect(code).toBe(1);
    expect(t.err).toEqual(['sg-audit delete: no terminal to confirm on: pass --yes to delete without asking, or run it in a terminal\n']);
    expect(t.io.prompt).not.toHaveBeenCalled();
    expect(sts).not.toHaveReceivedCommand(GetCallerIdentityCommand);
  });

  it('treats end of input at the prompt as not confirmed: exit 1, nothing deleted', async () => {
    // Prepare: the real prompt, on an input that ends without a line.
    const path = await reportFile();
    const t = io();
    const input = new PassThrough();
    const output = new PassThrough();
    t.io.prompt = (question) => askLine(question, input, output);
    input.end();

    // Act
    const code = await command(['--report', path], t.io);

    // Assess
    expect(code).toBe(1);
    expect(t.err).toContain('Not confirmed: nothing was deleted.\n');
    expect(ec2).not.toHaveReceivedCommand(DeleteSecurityGroupCommand);
  });

  it('does not ask with --yes', async () => {
    // Prepare
    const path = await reportFile();
    const t = io();

    // Act
    const code = await command(['--report', path, '--yes'], t.io);

    // Assess
    expect(code).toBe(0);
    expect(t.io.prompt).not.toHaveBeenCalled();
    expect(ec2).toHaveReceivedCommandTimes(DeleteSecurityGroupCommand, 2);
  });

  it('rejects a group that is not a candidate of the report', async () => {
    // Prepare
    const path = await reportFile();

    // Act
    const run = command(['--report', path, '--groups', 'sg-0a,sg-0ff', '--yes'], io().io);

    // Assess
    await expect(run).rejects.toThrow(new UsageError('--groups: not candidates in this report: sg-0ff'));
  });

  it('rejects an unknown flag as a usage error', async () => {
    // Act
    const run = command(['--report', 'x', '--force'], io().io);

    // Assess
    await expect(run).rejects.toThrow(UsageError);
  });

  it('refuses credentials for another account', async () => {
    // Prepare
    const path = await reportFile();
    sts.on(GetCallerIdentityCommand).resolves({ Account: '999999999999' });

    // Act
    const run = command(['--report', path, '--yes'], io().io);

    // Assess
    await expect(run).rejects.toThrow(/account 999999999999/);
    expect(ec2).not.toHaveReceivedCommand(DeleteSecurityGroupCommand);
  });
});

describe('sg-audit delete when a source fails', () => {
  it('skips every group, failing closed, when the re-audit cannot check a source', async () => {
    // Prepare
    const path = await reportFile();
    const t = io();

    // Act
    const code = await createDeleteCommand({ ...deps, scanners: [failing] })(['--report', path, '--yes'], t.io);

    // Assess
    expect(code).toBe(0);
    expect(ec2).not.toHaveReceivedCommand(DeleteSecurityGroupCommand);
    expect(t.out.join('')).toContain('SKIPPED sg-0a (old-sg-0a) us-east-1: now unknown');
  });
});

describe('sg-audit delete with candidates cleared while sources were excluded', () => {
  const usedByEcs: Scanner = {
    source: 'ecs-services',
    actions: [],
    async scan(_clients, _region, ctx) {
      ctx.found(['sg-0a'], { resourceType: 'ECS service', resourceId: 'arn:aws:ecs:us-east-1:123456789012:service/apps/reports' });
    },
  };

  /** A report whose audit skipped ecs-services: both candidates say they are unverified by it. */
  async function skippedEcsReport(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'sg-delete-'));
    const unverified = (id: string) => candidate(id, 'us-east-1', { unverifiedBy: ['ecs-services'] });
    const report = auditReport([regionReport('us-east-1', [unverified('sg-0a'), unverified('sg-0b')])], {
      settings: {
        regions: ['us-east-1'],
        skipSources: ['ecs-services'],
        protectTags: [{ key: 'DoNotDelete', value: 'true' }],
        productionTags: [{ key: 'Environment', value: 'Production' }],
        protectNamePatterns: [],
        minAgeDays: 0,
      },
      skippedSources: ['ecs-services'],
    });
    const path = join(dir, 'report.json');
    await writeFile(path, toJsonBytes(report));
    return path;
  }

  it('names the excluded sources in the confirmation prompt', async () => {
    // Prepare
    const path = await skippedEcsReport();
    const t = io('no');

    // Act
    await command(['--report', path], t.io);

    // Assess
    expect(t.io.prompt).toHaveBeenCalledWith('Each group is checked again before deletion. Type 2 to delete them (2 UNVERIFIED by: ecs-services): ');
  });

  it('marks each unverified group and says the re-audit checks the excluded source now', async () => {
    // Prepare
    const path = await skippedEcsReport();
    const t = io('no');

    // Act
    await command(['--report', path], t.io);

    // Assess
    const out = t.out.join('');
    expect(out).toContain('  sg-0a  us-east-1  old-sg-0a  UNVERIFIED by: ecs-services\n');
    expect(out).toContain('WARNING: 2 of these groups are UNVERIFIED by: ecs-services.');
    expect(out).toContain('The re-audit before deleting checks ecs-services now.');
  });

  it('says when the re-audit still skips the source because --skip-sources names it too', async () => {
    // Prepare
    const path = await skippedEcsReport();
    const t = io('no');

    // Act
    await command(['--report', path, '--skip-sources', 'ecs-services'], t.io);

    // Assess
    expect(t.out.join('')).toContain('The re-audit still skips ecs-services (skipped here too): check those services yourself first.');
  });

  it('re-audits the source the report skipped unless --skip-sources skips it too', async () => {
    // Prepare
    const path = await skippedEcsReport();
    const t = io();

    // Act
    await createDeleteCommand({ ...deps, scanners: [usedByEcs] })(['--report', path, '--yes', '--min-age-days', '0'], t.io);

    // Assess
    expect(ec2).not.toHaveReceivedCommandWith(DeleteSecurityGroupCommand, { GroupId: 'sg-0a' });
    expect(ec2).toHaveReceivedCommandWith(DeleteSecurityGroupCommand, { GroupId: 'sg-0b' });
    expect(t.out.join('')).toContain('SKIPPED sg-0a (old-sg-0a) us-east-1: now in-use');
  });

  it('refuses --skip-sources naming a ground-truth source, before any call', async () => {
    // Prepare
    const path = await skippedEcsReport();

    // Act
    const run = command(['--report', path, '--skip-sources', 'ec2-instances', '--yes'], io().io);

    // Assess
    await expect(run).rejects.toThrow(UsageError);
    await expect(run).rejects.toThrow('--skip-sources: "ec2-instances" cannot be skipped');
    expect(sts.calls()).toHaveLength(0);
  });
});

describe('sg-audit delete with a report of schema version 1', () => {
  it('reads it, keeps its protection tag in the re-audit and says so', async () => {
    // Prepare: a report written before protection tags became a list.
    const dir = await mkdtemp(join(tmpdir(), 'sg-delete-'));
    const current = auditReport([regionReport('us-east-1', [candidate('sg-0a'), candidate('sg-0b')])]);
    const { regions, skipSources, protectNamePatterns } = current.settings;
    const path = join(dir, 'report.json');
    const v1Settings = { regions, skipSources, protectNamePatterns, minAgeDays: 0, protectTag: { key: 'Keep', value: 'yes' } };
    await writeFile(path, JSON.stringify({ ...current, schemaVersion: 1, settings: v1Settings }));
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: ['sg-0a', 'sg-0b'].map((id) => ({
        GroupId: id,
        GroupName: `old-${id}`,
        Description: 'x',
        VpcId: 'vpc-1',
        OwnerId: '123456789012',
        Tags: id === 'sg-0a' ? [{ Key: 'Keep', Value: 'yes' }] : [],
      })),
    });
    const t = io();

    // Act
    const code = await command(['--report', path, '--yes', '--min-age-days', '0'], t.io);

    // Assess
    expect(code).toBe(0);
    expect(t.err.join('')).toContain('is a schema version 1 report');
    expect(ec2).not.toHaveReceivedCommandWith(DeleteSecurityGroupCommand, { GroupId: 'sg-0a' });
    expect(ec2).toHaveReceivedCommandWith(DeleteSecurityGroupCommand, { GroupId: 'sg-0b' });
  });

  it('refuses a report of an unknown schema version, naming the supported ones', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'sg-delete-'));
    const path = join(dir, 'report.json');
    await writeFile(path, JSON.stringify({ ...auditReport([]), schemaVersion: 9 }));

    // Act
    const run = command(['--report', path, '--yes'], io().io);

    // Assess
    await expect(run).rejects.toThrow(/schemaVersion 9; supported: 1, 2/);
  });
});
