import { Logger } from '@aws-lambda-powertools/logger';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, S3Client, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { runScheduledAudit } from '../../lambda/audit/run-scheduled-audit';
import { s3ArtifactStore } from '../../lambda/aws/artifact-store';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { networkInterfacesScanner } from '../../lambda/aws/scanners/network-interfaces';
import { sgRuleReferencesScanner } from '../../lambda/aws/scanners/sg-rule-references';
import { kmsMac } from '../../lambda/aws/signer';
import { motoEnv } from '../../scripts/moto-server';
import { approveDepsFromEnv } from '../../lambda/approve/handler';
import { deletionDepsFromEnv } from '../../lambda/workflows/deletion/deps';
import { localDeletionWorkflow } from '../../lambda/workflows/deletion/local';
import type { DeletionTaskDeps } from '../../lambda/workflows/deletion/tasks';
import type { TaskHandler } from '../../lambda/workflows/local-runner';

/** The scanners moto can answer; the audit and the re-audit before deletion both use them. */
export const MOTO_SCANNERS = [networkInterfacesScanner, sgRuleReferencesScanner];

export const XSS = '<img src=x onerror=alert(1)>';

export interface ApprovalScenario {
  /** Environment of the approval Lambda (and the SDK) pointing at moto. */
  env: Record<string, string>;
  /** The approval link from the audit email. */
  link: string;
  groups: { referencing: string; referenced: string; keep: string; hostile: string; inUse: string; cycleA?: string; cycleB?: string };
  auditId: string;
  bucket: string;
}

const silent = () => new Logger({ serviceName: 'test', logLevel: 'SILENT' });
const noMetrics = { addDimension: () => undefined, addMetric: () => undefined, publishStoredMetrics: () => undefined };

async function createGroup(ec2: EC2Client, vpcId: string, name: string, description: string): Promise<string> {
  const out = await ec2.send(new CreateSecurityGroupCommand({ GroupName: name, Description: description, VpcId: vpcId }));
  return out.GroupId as string;
}

/**
 * Seeds a small account in one moto region (a group referencing another, one to keep, one whose
 * name and description are an HTML injection, one attached to an ENI), runs the scheduled audit
 * exactly as the audit Lambda does, and returns the approval link it emailed.
 */
export async function seedApprovalScenario(endpoint: string, region: string, prefix: string, options: { cycle?: boolean } = {}): Promise<ApprovalScenario> {
  const env = motoEnv(endpoint, region);
  Object.assign(process.env, env);
  const ec2 = new EC2Client({ region });
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.42.0.0/16' }));
  const vpcId = vpc.Vpc?.VpcId as string;
  const subnet = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.42.1.0/24' }));
  const referenced = await createGroup(ec2, vpcId, `${prefix}-referenced`, 'old database clients');
  const referencing = await createGroup(ec2, vpcId, `${prefix}-referencing`, 'old app tier');
  const keep = await createGroup(ec2, vpcId, `${prefix}-keep`, 'reviewer keeps this one');
  const hostile = await createGroup(ec2, vpcId, XSS, XSS);
  const inUse = await createGroup(ec2, vpcId, `${prefix}-in-use`, 'attached to an ENI');
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: referencing,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: referenced }] }],
    }),
  );
  await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet.Subnet?.SubnetId as string, Groups: [inUse] }));
  const cycle: { cycleA?: string; cycleB?: string } = {};
  if (options.cycle) {
    // Two unused groups whose rules reference each other: deleting them needs a revocation.
    cycle.cycleA = await createGroup(ec2, vpcId, `${prefix}-cycle-a`, 'cycle a');
    cycle.cycleB = await createGroup(ec2, vpcId, `${prefix}-cycle-b`, 'cycle b');
    for (const [from, to] of [
      [cycle.cycleA, cycle.cycleB],
      [cycle.cycleB, cycle.cycleA],
    ] as const) {
      await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: from, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: to }] }] }));
    }
  }

  const kms = new KMSClient({ region });
  const key = await kms.send(new CreateKeyCommand({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' }));
  const keyId = key.KeyMetadata?.KeyId as string;
  const s3 = new S3Client({ region, forcePathStyle: true });
  const bucket = `${prefix}-artifacts`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }));
  const sns = new SNSClient({ region });
  const topic = await sns.send(new CreateTopicCommand({ Name: `${prefix}-topic` }));
  const topicArn = topic.TopicArn as string;

  const published: string[] = [];
  const send = sns.send.bind(sns);
  sns.send = ((command: unknown) => {
    if (command instanceof PublishCommand) published.push(command.input.Message ?? '');
    return send(command as PublishCommand);
  }) as typeof sns.send;

  const factory = new ClientFactory();
  const result = await runScheduledAudit(
    {
      settings: { regions: [region], skipSources: [], protectTags: [{ key: 'DoNotDelete', value: 'true' }], productionTags: [{ key: 'Environment', value: 'Production' }], protectNamePatterns: [], minAgeDays: 0 },
      bucket,
      topicArn,
      macKeyId: keyId,
      approvalUrl: 'https://approve.example.com/',
      linkValidityDays: 7,
      dryRun: false,
      emailWhenClean: true,
    },
    { factory, store: s3ArtifactStore(s3, bucket), mac: kmsMac(kms, keyId), sns, logger: silent(), metrics: noMetrics, scanners: MOTO_SCANNERS },
  );
  factory.destroy();
  const link = published.join('\n').match(/https:\/\/approve\.example\.com\/\?t=[A-Za-z0-9._%-]+/)?.[0];
  if (!link) throw new Error(`the audit email has no approval link: ${published.join('\n').slice(0, 2000)}`);
  return {
    env: {
      ...env,
      ARTIFACT_BUCKET: bucket,
      TOPIC_ARN: topicArn,
      MAC_KEY_ID: keyId,
      REGIONS: region,
      MIN_AGE_DAYS: '0',
      PROTECT_NAME_PATTERNS: 'prod-*',
      STATE_MACHINE_ARN: `arn:aws:states:${region}:123456789012:stateMachine:sg-auditor-deletion`,
    },
    link,
    groups: { referencing, referenced, keep, hostile, inUse, ...cycle },
    auditId: result.auditId,
    bucket,
  };
}

/** The group ids that still exist in a region of moto. */
export async function existingGroups(region: string): Promise<Set<string>> {
  const out = await new EC2Client({ region }).send(new DescribeSecurityGroupsCommand({}));
  return new Set((out.SecurityGroups ?? []).map((g) => g.GroupId as string));
}

/**
 * The approval front and the deletion workflow wired as `sg-audit serve` wires them: the front's
 * startDeletion runs the synthesized definition locally, tasks bound to the real task code
 * against moto. Emails are collected; `handlers` replaces task states (to force failures).
 */
export function localApproval(scenario: ApprovalScenario, options: { handlers?: Record<string, TaskHandler>; chunkSize?: number; factory: ClientFactory }) {
  const emails: Array<{ subject: string; body: string }> = [];
  const logger = silent();
  const tasks: DeletionTaskDeps = {
    ...deletionDepsFromEnv(scenario.env, {
      factory: options.factory,
      scanners: MOTO_SCANNERS,
      deleter: { sleep: async () => undefined, backoffMs: () => 0, callsPerSecond: 1e6, chunkSize: options.chunkSize ?? 50 },
      logger,
      metrics: { addMetric: () => undefined, publishStoredMetrics: () => undefined },
    }),
    notify: async (subject, body) => {
      emails.push({ subject, body });
    },
  };
  const workflow = localDeletionWorkflow(tasks, { retryIntervalMs: 0, ...(options.handlers ? { handlers: options.handlers } : {}) });
  const front = approveDepsFromEnv(scenario.env, { factory: options.factory, logger, workflow });
  return { front, tasks, workflow, emails, logger };
}
