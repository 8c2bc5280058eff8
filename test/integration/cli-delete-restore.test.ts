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
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { motoEnv } from '../../scripts/moto-server';
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
    for (const gone of [ids['old-api'], ids['tmp-test']]) {
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
});
