import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runScheduledAudit } from '../../lambda/audit/run-scheduled-audit';
import type { ScheduledAuditConfig, ScheduledAuditResult } from '../../lambda/aws/publish-audit';
import { s3ArtifactStore, type ArtifactStore } from '../../lambda/aws/artifact-store';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { networkInterfacesScanner } from '../../lambda/aws/scanners/network-interfaces';
import { sgRuleReferencesScanner } from '../../lambda/aws/scanners/sg-rule-references';
import { kmsMac } from '../../lambda/aws/signer';
import type { Backup } from '../../lambda/core/backup';
import type { AuditReport } from '../../lambda/core/model';
import { verifyToken, type MacProvider } from '../../lambda/core/token';
import { motoEnv } from '../../scripts/moto-server';

// This file owns eu-west-2 on the shared moto server (test/integration/README.md).
const REGION = 'eu-west-2';
const BUCKET = 'sg-auditor-it-audit-handler-eu-west-2';
const NOW = new Date('2026-12-01T02:00:00Z');
const ACCOUNT = '123456789012'; // moto's account

interface Seeded {
  web: string;
  oldBatch: string;
  prodDb: string;
  tagged: string;
}

let seeded: Seeded;
let result: ScheduledAuditResult;
let store: ArtifactStore;
let mac: MacProvider;
let email: { subject: string; message: string };

interface SnsNotification {
  MessageId: string;
  Subject?: string;
  Message: string;
}

/**
 * A local HTTP endpoint subscribed to the topic: moto POSTs each notification to it during
 * Publish. (moto-api/data.json also lists sent notifications, but it serialises every model of
 * every service on the shared server and answers 500 when another test's resources do not
 * serialise, so it is not dependable here.)
 */
async function startReceiver(): Promise<{ url: string; next(messageId: string): Promise<SnsNotification>; close(): Promise<void> }> {
  const received: SnsNotification[] = [];
  const waiters: Array<() => void> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as SnsNotification);
      res.end('ok');
      for (const wake of waiters.splice(0)) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sns`,
    async next(messageId) {
      const deadline = Date.now() + 5000;
      for (;;) {
        const found = received.find((m) => m.MessageId === messageId);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no notification ${messageId} received`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function seedAccount(ec2: EC2Client): Promise<Seeded> {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.42.0.0/16' }));
  const VpcId = vpc.Vpc?.VpcId;
  const subnet = await ec2.send(new CreateSubnetCommand({ VpcId, CidrBlock: '10.42.1.0/24' }));
  const group = async (GroupName: string, tags?: Record<string, string>) =>
    (
      await ec2.send(
        new CreateSecurityGroupCommand({
          VpcId,
          GroupName,
          Description: `${GroupName} group`,
          ...(tags ? { TagSpecifications: [{ ResourceType: 'security-group', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }] } : {}),
        }),
      )
    ).GroupId ?? '';
  const web = await group('web');
  const oldBatch = await group('old-batch');
  const prodDb = await group('prod-db');
  const tagged = await group('keep-me', { DoNotDelete: 'true' });
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: oldBatch,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'ssh from corp' }] }],
    }),
  );
  await ec2.send(
    new RunInstancesCommand({ ImageId: 'ami-03cf127a', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1, SubnetId: subnet.Subnet?.SubnetId, SecurityGroupIds: [web] }),
  );
  return { web, oldBatch, prodDb, tagged };
}

const groupsOf = (report: AuditReport) => report.regions.flatMap((r) => r.groups);
const readJson = async <T>(key: string): Promise<T> => JSON.parse((await store.get(key)).toString('utf8')) as T;

beforeAll(async () => {
  const endpoint = process.env.MOTO_ENDPOINT;
  if (!endpoint) throw new Error('MOTO_ENDPOINT is not set: run this file through jest (test/global-setup.ts starts moto)');
  Object.assign(process.env, motoEnv(endpoint, REGION));
  const ec2 = new EC2Client({ region: REGION });
  const s3 = new S3Client({ region: REGION });
  const sns = new SNSClient({ region: REGION });
  const kms = new KMSClient({ region: REGION });

  seeded = await seedAccount(ec2);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: 'sg-auditor-audit-it' }))).TopicArn ?? '';
  const receiver = await startReceiver();
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'http', Endpoint: receiver.url }));
  const key = await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }));
  const macKeyId = key.KeyMetadata?.KeyId ?? '';
  store = s3ArtifactStore(s3, BUCKET);
  mac = kmsMac(kms, macKeyId);

  const config: ScheduledAuditConfig = {
    settings: { regions: [REGION], skipSources: [], protectTags: [{ key: 'DoNotDelete', value: 'true' }], productionTags: [{ key: 'Environment', value: 'Production' }], protectNamePatterns: ['prod-*'], minAgeDays: 0 },
    bucket: BUCKET,
    topicArn,
    macKeyId,
    approvalUrl: 'https://approve.example.test/',
    linkValidityDays: 7,
    dryRun: false,
    emailWhenClean: true,
  };
  const factory = new ClientFactory();
  try {
    result = await runScheduledAudit(config, {
      factory,
      store,
      mac,
      sns,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined, appendKeys: () => undefined, removeKeys: () => undefined },
      metrics: { addDimension: () => undefined, addMetric: () => undefined, publishStoredMetrics: () => undefined },
      // A fixed subset keeps this test independent of the growing registry: a source moto lacks
      // would fail and (fail closed) turn every group unknown.
      scanners: [networkInterfacesScanner, sgRuleReferencesScanner],
      now: () => NOW,
    });
    const sent = await receiver.next(result.messageId ?? '');
    email = { subject: sent.Subject ?? '', message: sent.Message };
  } finally {
    factory.destroy();
    await receiver.close();
  }
}, 60_000);

describe('audit on moto (eu-west-2)', () => {
  it('writes report.json, sg_log.txt and backup.json that parse', async () => {
    // Act
    const report = await readJson<AuditReport>(result.keys.report);
    const backup = await readJson<Backup>(result.keys.backup);
    const log = (await store.get(result.keys.log)).toString('utf8');

    // Assess
    expect(result.keys.report).toBe(`audits/${ACCOUNT}/${result.auditId}/report.json`);
    expect(report).toMatchObject({ auditId: result.auditId, accountId: ACCOUNT });
    expect(backup).toMatchObject({ auditId: result.auditId, accountId: ACCOUNT });
    expect(log).toContain(`sg-auditor audit ${result.auditId}`);
  });

  it('stores each artifact with its content type', async () => {
    // Prepare
    const s3 = new S3Client({ region: REGION });

    // Act
    const types = await Promise.all(
      [result.keys.report, result.keys.log, result.keys.backup].map(async (Key) => (await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key }))).ContentType),
    );

    // Assess
    expect(types).toEqual(['application/json', 'text/plain; charset=utf-8', 'application/json']);
  });

  it('classifies the seeded groups: instance group in use, unused group a candidate, protected groups kept', async () => {
    // Act
    const report = await readJson<AuditReport>(result.keys.report);

    // Assess
    const verdict = (id: string) => groupsOf(report).find((g) => g.groupId === id)?.verdict;
    expect(verdict(seeded.web)).toBe('in-use');
    expect(verdict(seeded.oldBatch)).toBe('candidate');
    expect(verdict(seeded.prodDb)).toBe('protected');
    expect(verdict(seeded.tagged)).toBe('protected');
  });

  it('backs up every group of the region with its rules', async () => {
    // Prepare
    const described = await new EC2Client({ region: REGION }).send(new DescribeSecurityGroupsCommand({}));

    // Act
    const backup = await readJson<Backup>(result.keys.backup);

    // Assess
    expect(backup.groups.map((g) => g.groupId).sort()).toEqual((described.SecurityGroups ?? []).map((g) => g.GroupId).sort());
    const oldBatch = backup.groups.find((g) => g.groupId === seeded.oldBatch);
    expect(oldBatch?.ingress).toEqual([expect.objectContaining({ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '10.0.0.0/8', description: 'ssh from corp' })]);
    expect(oldBatch?.egress).toEqual([expect.objectContaining({ ipProtocol: '-1', cidrIpv4: '0.0.0.0/0' })]);
  });

  it('publishes an email with the candidate and the approval link', () => {
    // Assess
    expect(email.subject).toBe(`[sg-auditor] ${ACCOUNT}: 1 unused security group in 1 region`);
    expect(email.message).toContain(`- ${seeded.oldBatch} "old-batch"`);
    expect(email.message).toMatch(/^https:\/\/approve\.example\.test\/\?t=[\w-]+\.[\w-]+$/m);
  });

  it('signs a token that KMS VerifyMac accepts, over the hash of the stored report.json', async () => {
    // Prepare
    const token = new URL(/^https:\/\/approve\.\S+$/m.exec(email.message)?.[0] ?? 'https://x/').searchParams.get('t');
    const reportBytes = await store.get(result.keys.report);

    // Act
    const check = await verifyToken(token, mac, { accountId: ACCOUNT, now: NOW });

    // Assess
    expect(check).toMatchObject({ ok: true, payload: { auditId: result.auditId, accountId: ACCOUNT } });
    expect(check.ok && check.payload.reportSha256).toBe(createHash('sha256').update(reportBytes).digest('hex'));
  });

  it('has KMS VerifyMac reject a token whose payload was altered', async () => {
    // Prepare
    const token = new URL(/^https:\/\/approve\.\S+$/m.exec(email.message)?.[0] ?? 'https://x/').searchParams.get('t') ?? '';
    const [body, signature] = token.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...payload, exp: (payload.exp as number) + 86400 })).toString('base64url');

    // Act
    const check = await verifyToken(`${forged}.${signature}`, mac, { accountId: ACCOUNT, now: NOW });

    // Assess
    expect(check).toMatchObject({ ok: false, reason: 'bad-signature' });
  });
});
