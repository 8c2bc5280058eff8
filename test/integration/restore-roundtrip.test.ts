import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupEgressCommand,
} from '@aws-sdk/client-ec2';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../lambda/cli/io';
import { createRestoreCommand } from '../../lambda/cli/restore-command';
import { motoEnv } from '../../scripts/moto-server';
import { MOTO_MISSING_SOURCES } from '../../scripts/seed-account';
import { runCliOnMoto } from '../helpers/cli';

/**
 * Restore round trip (issue 20 part 3): groups with IPv4 and IPv6 rules, references between them
 * and to a group that is kept, deleted by `sg-audit delete`, restored from its pre-delete backup
 * (checked against the trail), then restored again: every rule exact, the second run a no-op.
 * Region of this file (test/integration/README.md): eu-west-3, shared with
 * ../workflows/refused-approval.test.ts (the deletion names its two groups, nothing else).
 */
const REGION = 'eu-west-3';
const cli = (args: string[]) => runCliOnMoto(REGION, args);

function inProcessIo() {
  const out: string[] = [];
  const io: CliIo = { out: (text) => void out.push(text), err: () => undefined, prompt: async () => '', env: process.env, now: () => new Date() };
  return { io, out };
}

/** Every group's rules by group name, with references by name: comparable across new ids. */
async function rulesByName(ec2: EC2Client, names: readonly string[]): Promise<Record<string, string[]>> {
  const groups = (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? [];
  const nameOf = new Map(groups.map((g) => [g.GroupId as string, g.GroupName as string]));
  const result: Record<string, string[]> = {};
  for (const name of names) {
    const matching = groups.filter((g) => g.GroupName === name);
    if (matching.length !== 1) throw new Error(`expected one group named ${name}, found ${matching.length}`);
    const id = matching[0]?.GroupId as string;
    const rules = (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [id] }] }))).SecurityGroupRules ?? [];
    result[name] = rules
      .map((r) =>
        [
          r.IsEgress ? 'egress' : 'ingress',
          r.IpProtocol,
          r.FromPort,
          r.ToPort,
          r.CidrIpv4 ?? '',
          r.CidrIpv6 ?? '',
          r.ReferencedGroupInfo?.GroupId ? `group:${nameOf.get(r.ReferencedGroupInfo.GroupId) ?? r.ReferencedGroupInfo.GroupId}` : '',
          r.Description ?? '',
        ].join(' '),
      )
      .sort();
  }
  return result;
}

describe('restore round trip from the pre-delete backup (moto)', () => {
  const ec2 = new EC2Client({ region: REGION });
  const names = ['rt-a', 'rt-b'];
  let outDir: string;
  let before: Record<string, string[]>;

  beforeAll(async () => {
    Object.assign(process.env, motoEnv(process.env.MOTO_ENDPOINT ?? '', REGION));
    const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.50.0.0/16' }))).Vpc?.VpcId as string;
    const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.50.1.0/24' }));
    const make = async (name: string) =>
      (await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: `${name} group`, VpcId: vpcId }))).GroupId as string;
    const kept = await make('rt-kept');
    await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet.Subnet?.SubnetId as string, Groups: [kept] }));
    const a = await make('rt-a');
    const b = await make('rt-b');
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: a,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'https v4' }] },
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32', Description: 'https v6' }] },
          { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: b }] },
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: kept }] },
        ],
      }),
    );
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: b, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: a }] }] }));
    // rt-a: no allow-all egress, an IPv6 one on 443 instead; rt-b keeps the default.
    const egress = await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [a] }] }));
    const allowAll = egress.SecurityGroupRules?.filter((r) => r.IsEgress).map((r) => r.SecurityGroupRuleId as string) ?? [];
    if (allowAll.length > 0) await ec2.send(new RevokeSecurityGroupEgressCommand({ GroupId: a, SecurityGroupRuleIds: allowAll }));
    await ec2.send(new AuthorizeSecurityGroupEgressCommand({ GroupId: a, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }] }));
    before = await rulesByName(ec2, [...names, 'rt-kept']);

    outDir = await mkdtemp(join(tmpdir(), 'sg-audit-roundtrip-'));
    const skip = ['--skip-sources', MOTO_MISSING_SOURCES.join(',')];
    expect((await cli(['audit', '--regions', REGION, '--out', outDir, '--quiet', '--min-age-days', '0', ...skip])).code).toBe(0);
    const deleted = await cli(['delete', '--report', join(outDir, 'report.json'), '--groups', `${a},${b}`, '--yes', '--min-age-days', '0', ...skip]);
    expect(deleted).toMatchObject({ code: 0 });
  }, 180_000);

  it('deleted the two groups and kept the one in use', async () => {
    // Act
    const left = ((await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? []).map((g) => g.GroupName);

    // Assess
    expect(left).toContain('rt-kept');
    expect(left.filter((n) => names.includes(n as string))).toEqual([]);
  });

  it('restores every rule exactly from the pre-delete backup, IPv4 and IPv6, references between them and to the kept group', async () => {
    // Prepare
    const t = inProcessIo();

    // Act
    const code = await createRestoreCommand()(['--backup', join(outDir, 'pre-delete-backup.json'), '--all'], t.io);

    // Assess
    expect(code).toBe(0);
    expect(t.out.join('')).toContain('(matches the SHA-256 in its trail)');
    expect(await rulesByName(ec2, [...names, 'rt-kept'])).toEqual(before);
  }, 120_000);

  it('changes nothing when run a second time', async () => {
    // Prepare
    const t = inProcessIo();

    // Act
    const code = await createRestoreCommand()(['--backup', join(outDir, 'pre-delete-backup.json'), '--all'], t.io);

    // Assess
    expect(code).toBe(0);
    expect(t.out.join('')).toContain('0 created, 2 already restored');
    expect(t.out.join('')).toContain('0 rules added');
    expect(await rulesByName(ec2, [...names, 'rt-kept'])).toEqual(before);
  }, 120_000);
});
