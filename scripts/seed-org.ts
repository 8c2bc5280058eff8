import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { MemberCredentials } from '../lambda/aws/member-role';

/**
 * A small AWS Organization on moto: the management account (moto's default, 123456789012) and
 * member accounts, each with a VPC and a few security groups per region: one used by an
 * instance, one unused, one protected by name, and one referenced only by the unused one.
 * moto switches account by the assumed role's ARN (it never checks that the role exists).
 */

export interface SeededAccount {
  accountId: string;
  name: string;
  /** region -> group name -> id */
  groups: Record<string, Record<string, string>>;
}

export interface SeededOrganization {
  organizationId: string;
  management: string;
  members: SeededAccount[];
}

async function organization(orgs: OrganizationsClient): Promise<{ id: string; management: string }> {
  try {
    const out = await orgs.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    return { id: out.Organization?.Id ?? '', management: out.Organization?.MasterAccountId ?? '' };
  } catch (error) {
    if ((error as Error).name !== 'AlreadyInOrganizationException') throw error;
    const out = await orgs.send(new DescribeOrganizationCommand({}));
    return { id: out.Organization?.Id ?? '', management: out.Organization?.MasterAccountId ?? '' };
  }
}

async function seedRegion(ec2: EC2Client, index: number): Promise<Record<string, string>> {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: `10.${50 + index}.0.0/16` }));
  const VpcId = vpc.Vpc?.VpcId;
  const subnet = await ec2.send(new CreateSubnetCommand({ VpcId, CidrBlock: `10.${50 + index}.1.0/24` }));
  const group = async (GroupName: string) =>
    (await ec2.send(new CreateSecurityGroupCommand({ VpcId, GroupName, Description: `${GroupName} group` }))).GroupId ?? '';
  const web = await group('web');
  const stale = await group('stale-batch');
  const prod = await group('prod-db');
  const peer = await group('peer-of-stale');
  // stale references peer: both unused, so both are candidates (the reference does not count).
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({ GroupId: stale, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: peer }] }] }),
  );
  await ec2.send(
    new RunInstancesCommand({ ImageId: 'ami-03cf127a', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnet.Subnet?.SubnetId, SecurityGroupIds: [web] }),
  );
  return { web, 'stale-batch': stale, 'prod-db': prod, 'peer-of-stale': peer };
}

/** Creates (or reuses) the organization, adds `names.length` member accounts and seeds each in `regions`. */
export async function seedOrganization(options: { region: string; regions: readonly string[]; names: readonly string[] }): Promise<SeededOrganization> {
  const orgs = new OrganizationsClient({ region: options.region });
  const { id, management } = await organization(orgs);
  const existing = new Map(((await orgs.send(new ListAccountsCommand({}))).Accounts ?? []).map((a) => [a.Name ?? '', a.Id ?? '']));
  const direct = new MemberCredentials({ sts: new STSClient({ region: options.region }), roleName: 'OrganizationAccountAccessRole', sessionName: 'sg-auditor-seed' });
  const members: SeededAccount[] = [];
  for (const name of options.names) {
    let accountId = existing.get(name);
    if (!accountId) {
      const created = await orgs.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
      accountId = created.CreateAccountStatus?.AccountId ?? '';
    }
    const factory = direct.factoryFor(accountId, { maxAttempts: 2 });
    const groups: SeededAccount['groups'] = {};
    try {
      for (const [index, region] of options.regions.entries()) groups[region] = await seedRegion(factory.forRegion(region).get(EC2Client), index);
    } finally {
      factory.destroy();
    }
    members.push({ accountId, name, groups });
  }
  orgs.destroy();
  return { organizationId: id, management, members };
}
