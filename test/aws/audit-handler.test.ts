import '../helpers/powertools-env';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeLaunchConfigurationsCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeFleetsCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSpotFleetRequestsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { handler } from '../../lambda/audit/handler';
import { runScheduledAudit, type ScheduledAuditDeps } from '../../lambda/audit/run-scheduled-audit';
import type { ScheduledAuditConfig } from '../../lambda/aws/publish-audit';
import { s3ArtifactStore } from '../../lambda/aws/artifact-store';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { networkInterfacesScanner } from '../../lambda/aws/scanners/network-interfaces';
import { kmsMac } from '../../lambda/aws/signer';
import { SOURCE_IDS } from '../../lambda/core/model';
import { auditKeys } from '../../lambda/core/s3-keys';
import { awsError } from '../helpers/scanner-harness';

const ACCOUNT = '123456789012';
const BUCKET = 'sg-auditor-artifacts-test';
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:sg-auditor';
// Every source but the ground truth (which cannot be skipped), which these mocks answer, so no
// unmocked client is ever called.
const MOCKED_SOURCES = ['network-interfaces', 'ec2-instances', 'launch-templates', 'launch-configurations', 'sg-rule-references'];
const ENV: Record<string, string> = {
  ARTIFACT_BUCKET: BUCKET,
  TOPIC_ARN: TOPIC,
  MAC_KEY_ID: 'alias/sg-auditor-links',
  APPROVAL_URL: 'https://abc.lambda-url.us-east-1.on.aws/review?lang=en',
  REGIONS: 'us-east-1',
  SKIP_SOURCES: SOURCE_IDS.filter((s) => !MOCKED_SOURCES.includes(s)).join(','),
  MIN_AGE_DAYS: '0',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  // Nothing listens here: an unmocked call fails fast instead of reaching AWS.
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_MAX_ATTEMPTS: '1',
};
const EVENT = { 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} } as ScheduledEvent;

const sts = mockClient(STSClient);
const ec2 = mockClient(EC2Client);
const autoscaling = mockClient(AutoScalingClient);
const ssm = mockClient(SSMClient);
const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const kms = mockClient(KMSClient);

/** One used group (attached to an ENI), one unused group with a rule, and the VPC default. */
function mockAccount(): void {
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
  ssm.on(GetParametersByPathCommand).resolves({ Parameters: [] });
  ec2.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: [
      { GroupId: 'sg-used', GroupName: 'web', Description: 'web', VpcId: 'vpc-1', OwnerId: ACCOUNT },
      { GroupId: 'sg-unused', GroupName: 'old-batch', Description: 'old', VpcId: 'vpc-1', OwnerId: ACCOUNT },
      { GroupId: 'sg-default', GroupName: 'default', Description: 'default', VpcId: 'vpc-1', OwnerId: ACCOUNT },
    ],
  });
  ec2.on(DescribeSecurityGroupRulesCommand).resolves({
    SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-unused', IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/8' }],
  });
  ec2.on(DescribeNetworkInterfacesCommand).resolves({
    NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1', Status: 'in-use', Attachment: { InstanceId: 'i-1' }, Groups: [{ GroupId: 'sg-used' }] }],
  });
  ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
  ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({ LaunchTemplateVersions: [] });
  ec2.on(DescribeFleetsCommand).resolves({ Fleets: [] });
  ec2.on(DescribeSpotFleetRequestsCommand).resolves({ SpotFleetRequestConfigs: [] });
  autoscaling.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
  autoscaling.on(DescribeLaunchConfigurationsCommand).resolves({ LaunchConfigurations: [] });
  kms.on(GenerateMacCommand).resolves({ Mac: new Uint8Array(32).fill(7) });
  s3.on(PutObjectCommand).resolves({});
  sns.on(PublishCommand).resolves({ MessageId: 'msg-1' });
}

function publishedMessage(): { Subject?: string; Message?: string } {
  return sns.commandCalls(PublishCommand)[0]?.args[0].input ?? {};
}

let savedEnv: NodeJS.ProcessEnv;

beforeAll(() => {
  savedEnv = { ...process.env };
  Object.assign(process.env, ENV);
});

afterAll(() => {
  process.env = savedEnv;
});

beforeEach(() => {
  for (const mock of [sts, ec2, autoscaling, ssm, s3, sns, kms]) mock.reset();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  mockAccount();
});

afterEach(() => jest.restoreAllMocks());

describe('audit handler', () => {
  it('writes report.json, sg_log.txt and backup.json under the audit prefix before it publishes', async () => {
    // Prepare
    const order: string[] = [];
    s3.on(PutObjectCommand).callsFake((input: { Key: string }) => {
      order.push(input.Key);
      return {};
    });
    sns.on(PublishCommand).callsFake(() => {
      order.push('publish');
      return { MessageId: 'msg-1' };
    });

    // Act
    const result = await handler(EVENT);

    // Assess
    const keys = auditKeys(ACCOUNT, result.auditId);
    expect(order.slice(0, 3).sort()).toEqual([keys.backup, keys.report, keys.log].sort());
    expect(order[3]).toBe('publish');
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: BUCKET, Key: keys.report, ContentType: 'application/json' });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: BUCKET, Key: keys.log, ContentType: 'text/plain; charset=utf-8' });
    expect(s3).toHaveReceivedCommandWith(PutObjectCommand, { Bucket: BUCKET, Key: keys.backup, ContentType: 'application/json' });
  });

  it('writes backup.json before the report, and the report carries the SHA-256 of those exact backup bytes', async () => {
    // Prepare
    const order: string[] = [];
    s3.on(PutObjectCommand).callsFake((input: { Key: string }) => {
      order.push(input.Key);
      return {};
    });

    // Act
    const result = await handler(EVENT);

    // Assess
    const keys = auditKeys(ACCOUNT, result.auditId);
    const body = (key: string) => s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key === key)?.args[0].input.Body as Buffer;
    const report = JSON.parse(body(keys.report).toString('utf8')) as { backupSha256?: string };
    expect(order[0]).toBe(keys.backup);
    expect(report.backupSha256).toBe(createHash('sha256').update(body(keys.backup)).digest('hex'));
  });

  it('leaves server-side encryption to the bucket', async () => {
    // Act
    await handler(EVENT);

    // Assess
    const inputs = s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(inputs).toHaveLength(3);
    for (const input of inputs) expect(input.ServerSideEncryption).toBeUndefined();
  });

  it('emails a link that keeps APPROVAL_URL and signs the SHA-256 of the exact report.json bytes', async () => {
    // Act
    const result = await handler(EVENT);

    // Assess
    const reportPut = s3.commandCalls(PutObjectCommand).find((c) => c.args[0].input.Key?.endsWith('report.json'));
    const sha = createHash('sha256').update(reportPut?.args[0].input.Body as Buffer).digest('hex');
    const link = /https:\/\/\S+/.exec(publishedMessage().Message ?? '')?.[0] ?? '';
    const url = new URL(link);
    const payload = JSON.parse(Buffer.from((url.searchParams.get('t') ?? '').split('.')[0] ?? '', 'base64url').toString('utf8'));
    expect(url.pathname).toBe('/review');
    expect(url.searchParams.get('lang')).toBe('en');
    expect(payload).toEqual({ v: 1, auditId: result.auditId, accountId: ACCOUNT, reportSha256: sha, exp: expect.any(Number) });
    expect(sha).toBe(result.reportSha256);
    expect(kms).toHaveReceivedCommandWith(GenerateMacCommand, { KeyId: 'alias/sg-auditor-links', MacAlgorithm: 'HMAC_SHA_256' });
  });

  it('publishes the plain-text summary to TOPIC_ARN', async () => {
    // Act
    await handler(EVENT);

    // Assess
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    // Every source but the ground truth is excluded here, so the one candidate is unverified.
    expect(publishedMessage()).toMatchObject({ Subject: '[sg-auditor] 123456789012: 1 unused security group in 1 region (UNVERIFIED)' });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.TopicArn).toBe(TOPIC);
  });

  it('does not publish and throws when an artifact cannot be written', async () => {
    // Prepare
    s3.on(PutObjectCommand).callsFake((input: { Key: string }) => {
      if (input.Key.endsWith('backup.json')) throw awsError('AccessDenied', 'no s3:PutObject');
      return {};
    });

    // Act
    const run = handler(EVENT);

    // Assess
    await expect(run).rejects.toThrow(/backup\.json: no s3:PutObject/);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('emails "audit failed" and rethrows when STS fails', async () => {
    // Prepare
    sts.on(GetCallerIdentityCommand).rejects(awsError('ExpiredToken', 'The security token included in the request is expired'));

    // Act
    const run = handler(EVENT);

    // Assess
    await expect(run).rejects.toThrow('The security token included in the request is expired');
    expect(publishedMessage().Subject).toBe('[sg-auditor] unknown account: audit FAILED (ExpiredToken)');
    expect(publishedMessage().Message).toContain('ExpiredToken: The security token included in the request is expired');
    expect(s3).not.toHaveReceivedCommand(PutObjectCommand);
  });

  it('emails "audit failed" and rethrows when every region fails its inventory', async () => {
    // Prepare
    ec2.on(DescribeSecurityGroupsCommand).rejects(awsError('UnauthorizedOperation', 'not allowed to describe groups'));

    // Act
    const run = handler(EVENT);

    // Assess
    await expect(run).rejects.toThrow(/every region failed.*us-east-1: UnauthorizedOperation/);
    expect(publishedMessage().Subject).toBe('[sg-auditor] 123456789012: audit FAILED (UnauthorizedOperation)');
    expect(publishedMessage().Message).toContain('us-east-1: UnauthorizedOperation: not allowed to describe groups');
  });

  it('emits EMF metrics per region with a Region dimension and once in total', async () => {
    // Act
    await handler(EVENT);

    // Assess
    const emf = (console.log as jest.Mock).mock.calls
      .map(([line]) => JSON.parse(String(line)) as Record<string, unknown> & { _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][] }> } })
      .filter((doc) => doc._aws !== undefined);
    expect(emf).toHaveLength(2);
    expect(emf[0]).toMatchObject({ Region: 'us-east-1', Candidates: 1, InUse: 1, Protected: 1, Unknown: 0, FailedSources: 0 });
    expect(emf[0]?._aws.CloudWatchMetrics[0]?.Dimensions[0]).toContain('Region');
    expect(emf[1]).toMatchObject({ Candidates: 1, InUse: 1, Protected: 1, FailedRegions: 0 });
    expect(emf[1]).not.toHaveProperty('Region');
    expect(emf[1]?._aws.CloudWatchMetrics[0]?.Namespace).toBe('SgAuditor');
  });
});

describe('audit handler configuration', () => {
  afterEach(() => {
    delete process.env.LINK_VALIDITY_DAYS;
    Object.assign(process.env, ENV);
  });

  it('names every variable that is missing or invalid', async () => {
    // Prepare
    delete process.env.TOPIC_ARN;
    process.env.LINK_VALIDITY_DAYS = '0';

    // Act
    let run: Promise<unknown> | undefined;
    // A fresh module: the handler keeps the parsed configuration for the container's life.
    await jest.isolateModulesAsync(async () => {
      const fresh = await import('../../lambda/audit/handler');
      run = fresh.handler(EVENT);
    });

    // Assess
    await expect(run).rejects.toThrow(/TOPIC_ARN: required[\s\S]*LINK_VALIDITY_DAYS: LINK_VALIDITY_DAYS must be a whole number from 1 to 30, got "0"/);
  });
});

describe('runScheduledAudit', () => {
  const NOW = new Date('2026-12-01T02:00:00Z');
  const CONFIG: ScheduledAuditConfig = {
    settings: { regions: ['us-east-1'], skipSources: [], protectTags: [{ key: 'DoNotDelete', value: 'true' }], productionTags: [{ key: 'Environment', value: 'Production' }], protectNamePatterns: [], minAgeDays: 0 },
    bucket: BUCKET,
    topicArn: TOPIC,
    macKeyId: 'alias/sg-auditor-links',
    approvalUrl: 'https://abc.lambda-url.us-east-1.on.aws/',
    linkValidityDays: 7,
    dryRun: false,
    emailWhenClean: true,
  };
  const quiet = { info: jest.fn(), warn: jest.fn(), error: jest.fn(), appendKeys: jest.fn(), removeKeys: jest.fn() };
  const noMetrics = { addDimension: jest.fn(), addMetric: jest.fn(), publishStoredMetrics: jest.fn() };

  function deps(): ScheduledAuditDeps {
    return {
      factory: new ClientFactory({ maxAttempts: 1 }),
      store: s3ArtifactStore(new S3Client({}), BUCKET),
      mac: kmsMac(new KMSClient({}), CONFIG.macKeyId),
      sns: new SNSClient({}),
      logger: quiet,
      metrics: noMetrics,
      scanners: [networkInterfacesScanner],
      now: () => NOW,
      auditId: '2026-12-01T02-00-00Z-abcdef',
    };
  }

  function mockCleanAccount(): void {
    ec2.on(DescribeSecurityGroupsCommand).resolves({
      SecurityGroups: [{ GroupId: 'sg-used', GroupName: 'web', Description: 'web', VpcId: 'vpc-1', OwnerId: ACCOUNT }],
    });
  }

  it('sets the link to expire LINK_VALIDITY_DAYS after the clock', async () => {
    // Act
    const result = await runScheduledAudit(CONFIG, deps());

    // Assess
    expect(result.linkExpiresAt).toBe('2026-12-08T02:00:00.000Z');
    expect(publishedMessage().Message).toContain('link valid until 2026-12-08T02:00:00Z');
  });

  it('makes no link and calls no KMS in a dry run', async () => {
    // Act
    const result = await runScheduledAudit({ ...CONFIG, dryRun: true }, deps());

    // Assess
    expect(result.linkExpiresAt).toBeUndefined();
    expect(kms).not.toHaveReceivedCommand(GenerateMacCommand);
    expect(publishedMessage().Message).toContain('DRY RUN');
    expect(publishedMessage().Message).not.toContain('?t=');
  });

  it('sends the all-clear email for a clean audit by default, without a link', async () => {
    // Prepare
    mockCleanAccount();

    // Act
    await runScheduledAudit(CONFIG, deps());

    // Assess
    expect(publishedMessage().Subject).toBe('[sg-auditor] 123456789012: all clear, no unused security groups in 1 region');
    expect(kms).not.toHaveReceivedCommand(GenerateMacCommand);
  });

  it('sends no email for a clean audit when EMAIL_WHEN_CLEAN is false but still writes the artifacts', async () => {
    // Prepare
    mockCleanAccount();

    // Act
    const result = await runScheduledAudit({ ...CONFIG, emailWhenClean: false }, deps());

    // Assess
    expect(result.messageId).toBeUndefined();
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    expect(s3).toHaveReceivedCommandTimes(PutObjectCommand, 3);
  });

  it('emails a region that failed while others succeeded, and does not throw', async () => {
    // Prepare
    ec2.on(DescribeSecurityGroupsCommand).callsFake(async (_input, getClient) => {
      const region = await (getClient() as EC2Client).config.region();
      if (region === 'eu-west-1') throw awsError('AuthFailure', 'region not enabled');
      return { SecurityGroups: [{ GroupId: 'sg-unused', GroupName: 'old', Description: 'old', VpcId: 'vpc-1', OwnerId: ACCOUNT }] };
    });

    // Act
    const result = await runScheduledAudit({ ...CONFIG, settings: { ...CONFIG.settings, regions: ['us-east-1', 'eu-west-1'] } }, deps());

    // Assess
    expect(result.failedRegions).toEqual(['eu-west-1']);
    expect(publishedMessage().Message).toContain('- eu-west-1: AuthFailure: region not enabled');
  });
});
