import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { AssumeRoleError, MemberCredentials, memberRoleArn } from '../../lambda/aws/member-role';

const sts = mockClient(STSClient);
const ec2 = mockClient(EC2Client);
const MEMBER = '222222222222';
const OTHER = '333333333333';

function credentials(id: string, expiration: Date) {
  return { Credentials: { AccessKeyId: id, SecretAccessKey: 'secret', SessionToken: 'token', Expiration: expiration } };
}

function memberCredentials(now: () => Date = () => new Date('2026-12-01T02:00:00Z')) {
  return new MemberCredentials({ sts: new STSClient({ region: 'us-east-1' }), roleName: 'sg-auditor-member', now });
}

beforeEach(() => {
  sts.reset();
  ec2.reset();
});

describe('MemberCredentials', () => {
  it('assumes the member role with a session name naming sg-auditor', async () => {
    // Prepare
    sts.on(AssumeRoleCommand).resolves(credentials('AKIA1', new Date('2026-12-01T03:00:00Z')));

    // Act
    const creds = await memberCredentials().resolve(MEMBER);

    // Assess
    expect(creds.accessKeyId).toBe('AKIA1');
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: `arn:aws:iam::${MEMBER}:role/sg-auditor-member`,
      RoleSessionName: 'sg-auditor',
    });
  });

  it('shares one AssumeRole call among concurrent callers of one account and calls again for another account', async () => {
    // Prepare
    sts.on(AssumeRoleCommand).resolves(credentials('AKIA1', new Date('2026-12-01T03:00:00Z')));
    const member = memberCredentials();

    // Act
    await Promise.all([member.resolve(MEMBER), member.resolve(MEMBER), member.resolve(MEMBER), member.resolve(OTHER)]);
    await member.resolve(MEMBER);

    // Assess
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('assumes the role again when the cached credentials are about to expire', async () => {
    // Prepare
    let now = new Date('2026-12-01T02:00:00Z');
    sts
      .on(AssumeRoleCommand)
      .resolvesOnce(credentials('AKIA1', new Date('2026-12-01T03:00:00Z')))
      .resolvesOnce(credentials('AKIA2', new Date('2026-12-01T04:00:00Z')));
    const member = memberCredentials(() => now);
    await member.resolve(MEMBER);

    // Act
    now = new Date('2026-12-01T02:57:00Z');
    const refreshed = await member.resolve(MEMBER);

    // Assess
    expect(refreshed.accessKeyId).toBe('AKIA2');
  });

  it('turns a refusal into an AssumeRoleError naming the role and the STS code, and does not cache it', async () => {
    // Prepare
    const denied = Object.assign(new Error('User is not authorized to perform: sts:AssumeRole'), { name: 'AccessDenied' });
    sts.on(AssumeRoleCommand).rejectsOnce(denied).resolves(credentials('AKIA1', new Date('2026-12-01T03:00:00Z')));
    const member = memberCredentials();

    // Act
    const first = await member.resolve(MEMBER).catch((error: unknown) => error);
    const second = await member.resolve(MEMBER);

    // Assess
    expect(first).toBeInstanceOf(AssumeRoleError);
    expect(first).toMatchObject({ code: 'AccessDenied', roleArn: memberRoleArn(MEMBER, 'sg-auditor-member') });
    expect((first as Error).message).toContain(`cannot assume arn:aws:iam::${MEMBER}:role/sg-auditor-member: AccessDenied`);
    expect(second.accessKeyId).toBe('AKIA1');
  });

  it('gives a factory whose clients sign with the member credentials', async () => {
    // Prepare
    sts.on(AssumeRoleCommand).resolves(credentials('AKIAMEMBER', new Date('2026-12-01T03:00:00Z')));
    ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] });
    const factory = memberCredentials().factoryFor(MEMBER, { maxAttempts: 1 });

    // Act
    const client = factory.forRegion('eu-north-1').get(EC2Client);
    const identity = await client.config.credentials();

    // Assess
    expect(identity.accessKeyId).toBe('AKIAMEMBER');
    factory.destroy();
  });

  it('refuses an account id that is not twelve digits', async () => {
    // Act
    const error = await memberCredentials()
      .resolve('12345')
      .catch((e: unknown) => e);

    // Assess
    expect((error as Error).message).toContain('not an AWS account id');
    expect(sts).not.toHaveReceivedCommand(AssumeRoleCommand);
  });
});
