import { createHash } from 'node:crypto';
import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { motoEnv } from '../../scripts/moto-server';
import type { CliIo } from '../../lambda/cli/io';
import { createRestoreCommand } from '../../lambda/cli/restore-command';
import { runCliOnMoto } from '../helpers/cli';
import { MOTO_MISSING_SOURCES } from '../../scripts/seed-account';

const REGION = 'ap-southeast-2';

const cli = (args: string[]) => runCliOnMoto(REGION, args);

describe('sg-audit delete and restore against moto', () => {
  let ec2: EC2Client;
  let outDir: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    Object.assign(process.env, motoEnv(process.env.MOTO_ENDPOINT ?? '', REGION));
    ec2 = new EC2Client({ region: REGION });
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.40.0.0/16' }))).Vpc?.VpcId ?? '';
    const make = async (name: string) => {
      const out = await ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: name,
          Description: `${name} group`,
          VpcId: vpcId,
          TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'team', Value: 'shop' }] }],
        }),
      );
      ids[name] = out.GroupId ?? '';
      return ids[name] as string;
    };
    const web = await make('web');
    await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, SecurityGroupIds: [web] }));
    const old = await make('old-api');
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: old,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'internal https' }] },
          { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: web }] },
        ],
      }),
    );
    // A restricted egress instead of the default allow-all.
    const egress = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [old] }] }));
    const allowAll = egress.SecurityGroupRules?.find((r) => r.IsEgress)?.SecurityGroupRuleId;
    if (allowAll) await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: old, SecurityGroupRuleIds: [allowAll] }));
    await ec2.send(
      new AuthorizeSecurityGroupEgressCommand({ GroupId: old, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.1.0.0/16' }] }] }),
    );
    await make('tmp-test');
    // An unused pair whose rules reference each other, with descriptions and rule tags.
    const a = await make('pair-a');
    const b = await make('pair-b');
    const ruleTags = (purpose: string) => [{ ResourceType: 'security-group-rule' as const, Tags: [{ Key: 'purpose', Value: purpose }] }];
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: a,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: b, Description: 'db from b' }] }],
        TagSpecifications: ruleTags('db'),
      }),
    );
    // moto keeps no description on a group reference (AWS does; the unit tests send it): a CIDR rule's shows it here.
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: a,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.9.0.0/16', Description: 'db from vpn' }] }],
        TagSpecifications: ruleTags('vpn'),
      }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupEgressCommand({
        GroupId: b,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: a, Description: 'db to a' }] }],
        TagSpecifications: ruleTags('db-client'),
      }),
    );

    outDir = await mkdtemp(join(tmpdir(), 'sg-audit-delete-'));
    const audit = await cli(['audit', '--regions', REGION, '--out', outDir, '--quiet', '--min-age-days', '0', '--skip-sources', MOTO_MISSING_SOURCES.join(',')]);
    expect(audit.code).toBe(0);
  }, 120_000);

  it('deletes exactly the candidates of the report with --yes and writes the trail next to it', async () => {
    // The re-audit is at least as strict as these flags: repeat the audit's exclusions and age.
    const result = await cli(['delete', '--report', join(outDir, 'report.json'), '--yes', '--min-age-days', '0', '--skip-sources', MOTO_MISSING_SOURCES.join(',')]);

    expect(result.code).toBe(0);
    const left = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [ids.web ?? ''] }))).SecurityGroups ?? [];
    expect(left.map((g) => g.GroupName)).toEqual(['web']);
    for (const gone of [ids['old-api'], ids['tmp-test'], ids['pair-a'], ids['pair-b']]) {
      await expect(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [gone ?? ''] }))).rejects.toThrow();
    }
    const log = await readFile(join(outDir, 'deletion_log.txt'), 'utf8');
    expect(log).toContain(`DELETED ${ids['old-api']} (old-api)`);
    expect(log).toContain('via cli');
  }, 120_000);

  it('restores a deleted group from backup.json with its tags, rules and restricted egress, under a new id', async () => {
    const result = await cli(['restore', '--backup', join(outDir, 'backup.json'), '--group', ids['old-api'] ?? '']);

    expect(result.code).toBe(0);
    const newId = result.stdout.match(/sg-[0-9a-f]+/g)?.find((id) => id !== ids['old-api']);
    expect(newId).toBeDefined();
    const [group] = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [newId ?? ''] }))).SecurityGroups ?? [];
    expect(group?.GroupName).toBe('old-api');
    expect(group?.Tags).toEqual(expect.arrayContaining([{ Key: 'team', Value: 'shop' }, { Key: 'sg-auditor:restored-from', Value: ids['old-api'] }]));
    const rules = (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [newId ?? ''] }] }))).SecurityGroupRules ?? [];
    const summary = rules.map((r) => `${r.IsEgress ? 'out' : 'in'} ${r.IpProtocol} ${r.FromPort} ${r.CidrIpv4 ?? r.ReferencedGroupInfo?.GroupId}`).sort();
    expect(summary).toEqual([`in tcp 443 10.0.0.0/8`, `in tcp 8080 ${ids.web}`, 'out tcp 5432 10.1.0.0/16']);
  }, 120_000);
  function inProcessIo() {
    const out: string[] = [];
    const io: CliIo = { out: (text) => out.push(text), err: () => undefined, prompt: async () => '', env: process.env, now: () => new Date() };
    return { io, out };
  }

  /** The groups named `name` now, with their rules (tags and descriptions included). */
  async function groupsNamed(name: string) {
    const groups = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [name] }] }))).SecurityGroups ?? [];
    return Promise.all(
      groups.map(async (g) => ({
        group: g,
        rules: (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [g.GroupId ?? ''] }] }))).SecurityGroupRules ?? [],
      })),
    );
  }

  it('restores --all the deleted pair together: their mutual rules point at the new ids, with descriptions and rule tags', async () => {
    // Act
    const result = await cli(['restore', '--backup', join(outDir, 'backup.json'), '--all']);

    // Assess
    expect(result.stderr).not.toContain('WARNING');
    expect(result.code).toBe(0);
    const [a] = await groupsNamed('pair-a');
    const [b] = await groupsNamed('pair-b');
    const newA = a?.group.GroupId ?? '';
    const newB = b?.group.GroupId ?? '';
    expect(result.stdout).toContain(`${ids['pair-a']} -> ${newA}`);
    expect(result.stdout).toContain(`${ids['pair-b']} -> ${newB}`);
    const fromB = a?.rules.find((r) => !r.IsEgress && r.ReferencedGroupInfo);
    expect(fromB).toMatchObject({ ReferencedGroupInfo: { GroupId: newB }, Tags: [{ Key: 'purpose', Value: 'db' }] });
    const fromVpn = a?.rules.find((r) => !r.IsEgress && r.CidrIpv4);
    expect(fromVpn).toMatchObject({ CidrIpv4: '10.9.0.0/16', Description: 'db from vpn', Tags: [{ Key: 'purpose', Value: 'vpn' }] });
    const toA = b?.rules.find((r) => r.IsEgress && r.ReferencedGroupInfo);
    expect(toA).toMatchObject({ ReferencedGroupInfo: { GroupId: newA }, Tags: [{ Key: 'purpose', Value: 'db-client' }] });
  }, 120_000);

  // The next two run the restore command in this process (same code as the binary, without a
  // second Node start-up each): the environment already points the SDK at moto.
  it('restores nothing twice when run again: every group is found by its restored-from tag', async () => {
    // Prepare
    const t = inProcessIo();

    // Act
    const code = await createRestoreCommand()(['--backup', join(outDir, 'backup.json'), '--all'], t.io);

    // Assess
    expect(code).toBe(0);
    expect(t.out.join('')).toContain('0 created, 4 already restored');
    for (const name of ['old-api', 'tmp-test', 'pair-a', 'pair-b']) expect(await groupsNamed(name)).toHaveLength(1);
    const [a] = await groupsNamed('pair-a');
    expect(a?.rules.filter((r) => !r.IsEgress)).toHaveLength(2);
  }, 120_000);

  it('refuses a backup with one byte changed and restores nothing from it', async () => {
    // Prepare
    const bytes = await readFile(join(outDir, 'backup.json'));
    const at = bytes.indexOf('"pair-a"') + 1;
    bytes[at] = 'q'.charCodeAt(0); // pair-a -> qair-a
    const tamperedDir = await mkdtemp(join(tmpdir(), 'sg-audit-tampered-'));
    await writeFile(join(tamperedDir, 'backup.json'), bytes);

    // Act
    const run = createRestoreCommand()(['--backup', join(tamperedDir, 'backup.json'), '--report', join(outDir, 'report.json'), '--all'], inProcessIo().io);

    // Assess
    await expect(run).rejects.toThrow(/refusing the backup, nothing was restored: the backup's SHA-256 is [0-9a-f]{64}, but the report of audit \S+ says [0-9a-f]{64}/);
    expect(await groupsNamed('qair-a')).toHaveLength(0);
  }, 120_000);
  it('records the pre-delete backup SHA-256 in the trail, and restores from the pre-delete backup only after checking it against the trail', async () => {
    // Prepare
    const trail = JSON.parse(await readFile(join(outDir, 'result.json'), 'utf8')) as { preDeleteBackupSha256?: Record<string, string> };
    const bytes = await readFile(join(outDir, 'pre-delete-backup.json'));
    const t = inProcessIo();

    // Act
    const code = await createRestoreCommand()(['--backup', join(outDir, 'pre-delete-backup.json'), '--all'], t.io);

    // Assess
    expect(trail.preDeleteBackupSha256?.[REGION]).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(await readFile(join(outDir, 'deletion_log.txt'), 'utf8')).toContain(`(SHA-256 ${trail.preDeleteBackupSha256?.[REGION] ?? '?'})`);
    expect(code).toBe(0);
    expect(t.out.join('')).toContain('Restore from pre-delete backup of audit');
    expect(t.out.join('')).toContain('(matches the SHA-256 in its trail)');
    expect(t.out.join('')).toContain('0 created, 4 already restored');
  }, 120_000);

  it('refuses a pre-delete backup with one byte changed, saying the trail recorded another SHA-256, and restores nothing', async () => {
    // Prepare
    const bytes = await readFile(join(outDir, 'pre-delete-backup.json'));
    const at = bytes.indexOf('"pair-a"') + 1;
    bytes[at] = 'q'.charCodeAt(0);
    const tamperedDir = await mkdtemp(join(tmpdir(), 'sg-audit-tampered-pre-'));
    await writeFile(join(tamperedDir, 'pre-delete-backup.json'), bytes);

    // Act
    const run = createRestoreCommand()(['--backup', join(tamperedDir, 'pre-delete-backup.json'), '--trail', join(outDir, 'result.json'), '--all'], inProcessIo().io);

    // Assess
    await expect(run).rejects.toThrow(/refusing the pre-delete backup, nothing was restored: its SHA-256 is [0-9a-f]{64}, but the trail \S+ recorded [0-9a-f]{64} when it was written/);
    expect(await groupsNamed('qair-a')).toHaveLength(0);
  }, 120_000);
});
