import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { approveEnvSchema, auditEnvSchema } from '../../lambda/core/config';
import { definitionsOf } from '../../infra/local-asl';
import { APPROVAL_CONCURRENCY } from '../../infra/sg-auditor-stack';
import { DELETION_DEFINITION } from '../../lambda/workflows/deletion/local';
import { bySid, EMAIL, logicalId, synthStack, type Statement, type Synthesized } from './infra-fixture';

let synth: Synthesized;
let ids: { bucket: string; accessLogs: string; topic: string; topicKey: string; macKey: string; audit: string; approve: string; url: string };

beforeAll(() => {
  synth = synthStack();
  const { stack } = synth;
  ids = {
    bucket: logicalId(stack, stack.bucket),
    accessLogs: Object.keys(synth.resources).find((id) => id.startsWith('AccessLogs') && synth.resources[id]?.Type === 'AWS::S3::Bucket') ?? '',
    topic: logicalId(stack, stack.topic),
    topicKey: logicalId(stack, stack.topicKey),
    macKey: logicalId(stack, stack.macKey),
    audit: logicalId(stack, stack.audit.function),
    approve: logicalId(stack, stack.approve.function),
    url: logicalId(stack, stack.approvalUrl),
  };
});

function properties(id: string): Record<string, unknown> {
  return synth.resources[id]?.Properties ?? {};
}

function environmentOf(functionId: string): Record<string, unknown> {
  return (properties(functionId).Environment as { Variables: Record<string, unknown> }).Variables;
}

function bucketPolicyStatements(bucketId: string): Statement[] {
  const policy = Object.values(synth.resources).find(
    (r) => r.Type === 'AWS::S3::BucketPolicy' && (r.Properties?.Bucket as { Ref?: string }).Ref === bucketId,
  );
  return (policy?.Properties?.PolicyDocument as { Statement: Statement[] }).Statement;
}

describe('artifact bucket', () => {
  it('blocks public access, encrypts with S3-managed keys, versions objects and is retained on delete', () => {
    // Prepare / Act
    const bucket = synth.resources[ids.bucket];

    // Assess
    expect(bucket).toMatchObject({
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: { Status: 'Enabled' },
      },
    });
  });

  it('expires objects and their noncurrent versions after the retention, and aborts incomplete uploads', () => {
    // Prepare / Act
    const rules = (properties(ids.bucket).LifecycleConfiguration as { Rules: unknown[] }).Rules;

    // Assess
    expect(rules).toEqual([
      {
        Id: 'retention',
        Status: 'Enabled',
        ExpirationInDays: 400,
        NoncurrentVersionExpiration: { NoncurrentDays: 400 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      },
    ]);
  });

  it('refuses every request made without TLS', () => {
    // Prepare / Act
    const statements = bucketPolicyStatements(ids.bucket);

    // Assess
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('logs server access to a separate, private, retained bucket', () => {
    // Prepare / Act
    const logging = properties(ids.bucket).LoggingConfiguration;
    const logBucket = synth.resources[ids.accessLogs];

    // Assess
    expect(logging).toEqual({ DestinationBucketName: { Ref: ids.accessLogs }, LogFilePrefix: 'artifacts/' });
    expect(logBucket).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true } },
    });
    expect(bucketPolicyStatements(ids.accessLogs)).toContainEqual(
      expect.objectContaining({ Effect: 'Allow', Action: 's3:PutObject', Principal: { Service: 'logging.s3.amazonaws.com' } }),
    );
  });

  it('follows the artifactRetentionDays context', () => {
    // Prepare
    const custom = synthStack({ artifactRetentionDays: '90' });

    // Act
    const bucket = custom.resources[logicalId(custom.stack, custom.stack.bucket)];

    // Assess
    expect(bucket?.Properties?.LifecycleConfiguration).toMatchObject({ Rules: [expect.objectContaining({ ExpirationInDays: 90, NoncurrentVersionExpiration: { NoncurrentDays: 90 } })] });
  });

  it('has no S3 Object Lock unless the objectLock context asks for it', () => {
    // Act
    const bucket = synth.resources[ids.bucket];

    // Assess
    expect(bucket?.Properties?.ObjectLockEnabled).toBeUndefined();
    expect(bucket?.Properties?.ObjectLockConfiguration).toBeUndefined();
  });

  it('keeps every version under S3 Object Lock in governance mode for artifactRetentionDays with objectLock=true', () => {
    // Prepare
    const custom = synthStack({ objectLock: 'true', artifactRetentionDays: '90' });

    // Act
    const bucket = custom.resources[logicalId(custom.stack, custom.stack.bucket)];

    // Assess
    expect(bucket?.Properties).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 90 } } },
    });
  });
});

describe('notification topic', () => {
  it('is encrypted with a customer-managed key that rotates', () => {
    // Prepare / Act
    const topic = properties(ids.topic);
    const key = properties(ids.topicKey);

    // Assess
    expect(topic.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [ids.topicKey, 'Arn'] });
    expect(key.EnableKeyRotation).toBe(true);
  });

  it('refuses publishes made without TLS', () => {
    // Prepare / Act / Assess
    synth.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: ids.topic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('emails the notificationEmail address', () => {
    // Prepare / Act / Assess
    synth.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: EMAIL, TopicArn: { Ref: ids.topic } });
  });
});

describe('approval MAC key', () => {
  it('is an HMAC_256 key that can only generate and verify MACs', () => {
    // Prepare / Act / Assess
    expect(properties(ids.macKey)).toMatchObject({ KeySpec: 'HMAC_256', KeyUsage: 'GENERATE_VERIFY_MAC' });
  });
});

describe('functions', () => {
  it.each([
    ['audit', () => ids.audit],
    ['approval', () => ids.approve],
  ])('the %s function runs Node.js 24 on arm64 with source maps enabled', (_name, id) => {
    // Prepare / Act
    const fn = properties(id());

    // Assess
    expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    expect(environmentOf(id()).NODE_OPTIONS).toBe('--enable-source-maps');
  });

  it('gives the audit function 15 minutes and the memory the bench model chose, and does not retry a failed run', () => {
    // Prepare / Act / Assess
    expect(properties(ids.audit)).toMatchObject({ Timeout: 900, MemorySize: 3008 });
    synth.template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { FunctionName: { Ref: ids.audit }, MaximumRetryAttempts: 0 });
  });

  it('gives the approval front 30 seconds (it never waits for the deletion) and caps its concurrency', () => {
    // Prepare / Act / Assess
    expect(properties(ids.approve)).toMatchObject({ Timeout: 30, ReservedConcurrentExecutions: APPROVAL_CONCURRENCY });
    expect(APPROVAL_CONCURRENCY).toBe(5);
  });

  it.each([
    ['audit', () => ids.audit],
    ['approval', () => ids.approve],
  ])('the %s function logs to its own log group, which has a retention', (_name, id) => {
    // Prepare
    const logGroupId = (properties(id()).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;

    // Act
    const logGroup = synth.resources[logGroupId];

    // Assess
    expect(logGroup).toMatchObject({ Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 } });
  });

  it('gives the audit function exactly the audit schema variables plus the Powertools and Node settings', () => {
    // Prepare
    const expected = [...Object.keys(auditEnvSchema.shape), 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'NODE_OPTIONS'];

    // Act
    const env = environmentOf(ids.audit);

    // Assess
    expect(Object.keys(env).sort()).toEqual(expected.sort());
    expect(env).toMatchObject({ POWERTOOLS_SERVICE_NAME: 'sg-auditor', POWERTOOLS_METRICS_NAMESPACE: 'SgAuditor' });
  });

  it('gives the approval function exactly the approval schema variables plus the Powertools and Node settings', () => {
    // Prepare
    const expected = [...Object.keys(approveEnvSchema.shape), 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'NODE_OPTIONS'];

    // Act
    const env = environmentOf(ids.approve);

    // Assess
    expect(Object.keys(env).sort()).toEqual(expected.sort());
  });

  it('points the audit and the deletion tasks at the bucket, the topic and the default settings, and the front at the bucket, the MAC key and the workflow', () => {
    // Prepare
    const shared = {
      ARTIFACT_BUCKET: { Ref: ids.bucket },
      TOPIC_ARN: { Ref: ids.topic },
      MAC_KEY_ID: { 'Fn::GetAtt': [ids.macKey, 'Arn'] },
      REGIONS: 'all',
      SKIP_SOURCES: '',
      PROTECT_TAG: 'DoNotDelete=true',
      PRODUCTION_TAG: 'Environment=Production',
      PROTECT_NAME_PATTERNS: 'prod-*,*-live,critical-*',
      MIN_AGE_DAYS: '7',
    };

    const { MAC_KEY_ID, ...worker } = shared;
    const batchId = synth.stack.getLogicalId(synth.stack.deletion.functions.batch.function.node.defaultChild as CfnElement);

    // Act / Assess
    expect(environmentOf(ids.audit)).toMatchObject(shared);
    expect(environmentOf(batchId)).toMatchObject(worker);
    expect(environmentOf(ids.approve)).toMatchObject({ ARTIFACT_BUCKET: shared.ARTIFACT_BUCKET, MAC_KEY_ID, STATE_MACHINE_ARN: { Ref: synth.stack.getLogicalId(synth.stack.deletion.stateMachine.node.defaultChild as CfnElement) } });
  });

  it('tells the audit function the approval URL and its link settings', () => {
    // Prepare / Act
    const env = environmentOf(ids.audit);

    // Assess
    expect(env).toMatchObject({
      APPROVAL_URL: { 'Fn::GetAtt': [ids.url, 'FunctionUrl'] },
      LINK_VALIDITY_DAYS: '7',
      DRY_RUN: 'false',
      EMAIL_WHEN_CLEAN: 'true',
    });
  });

  it('passes context values to the functions in the form their schema parses', () => {
    // Prepare
    const custom = synthStack({
      regions: 'eu-west-1,us-east-1',
      skipSources: ['mwaa', 'workspaces'],
      protectTag: 'Keep=yes',
      productionTag: 'Stage=live',
      protectNamePatterns: 'legacy-*',
      minAgeDays: 0,
      linkValidityDays: '3',
      dryRun: true,
      emailWhenClean: 'false',
    });

    // Act
    const env = (custom.resources[logicalId(custom.stack, custom.stack.audit.function)]?.Properties?.Environment as { Variables: Record<string, unknown> })
      .Variables;

    // Assess
    expect(env).toMatchObject({
      REGIONS: 'eu-west-1,us-east-1',
      SKIP_SOURCES: 'mwaa,workspaces',
      PROTECT_TAG: 'Keep=yes',
      PRODUCTION_TAG: 'Stage=live',
      PROTECT_NAME_PATTERNS: 'legacy-*',
      MIN_AGE_DAYS: '0',
      LINK_VALIDITY_DAYS: '3',
      DRY_RUN: 'true',
      EMAIL_WHEN_CLEAN: 'false',
    });
  });
});

describe('approval URL', () => {
  it('is a function URL on the approval function that needs no IAM signature (the link MAC is the guard)', () => {
    // Prepare / Act / Assess
    expect(properties(ids.url)).toEqual({ AuthType: 'NONE', TargetFunctionArn: { 'Fn::GetAtt': [ids.approve, 'Arn'] } });
  });
});

describe('schedule', () => {
  it('runs the audit function at 02:00 UTC on the 1st of every month by default', () => {
    // Prepare / Act / Assess
    synth.template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(0 2 1 * ? *)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [ids.audit, 'Arn'] } })],
    });
  });

  it('follows the schedule context', () => {
    // Prepare
    const custom = synthStack({ schedule: 'rate(7 days)' });

    // Act / Assess
    custom.template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(7 days)' });
  });
});

describe('error alarm', () => {
  it('watches the audit function Errors metric and notifies the topic', () => {
    // Prepare / Act / Assess
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.audit } }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: ids.topic }],
    });
  });

  it('also watches the approval front errors and failed, timed-out or stopped deletion executions', () => {
    // Prepare
    const alarms = Object.values(synth.resources).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');

    // Act
    const text = JSON.stringify(alarms);

    // Assess
    expect(alarms).toHaveLength(3);
    expect(text).toContain('FrontErrors');
    for (const metric of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) expect(text).toContain(metric);
  });

  it('raises the approval front alarm from the FrontErrors metric the front emits on an unexpected error, and from its Lambda Errors', () => {
    // Prepare
    const [alarm] = Object.entries(synth.resources).filter(([id, r]) => r.Type === 'AWS::CloudWatch::Alarm' && id.startsWith('ApprovalFrontErrors'));

    // Act
    const metrics = ((alarm?.[1].Properties?.Metrics ?? []) as Array<{ Expression?: string; MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: unknown[] }; Stat: string } }>);
    const stats = metrics.flatMap((m) => (m.MetricStat ? [{ ...m.MetricStat.Metric, Stat: m.MetricStat.Stat }] : []));

    // Assess
    expect(metrics.find((m) => m.Expression)?.Expression).toBe('crashed + failed');
    expect(stats).toEqual(
      expect.arrayContaining([
        { Namespace: 'SgAuditor', MetricName: 'FrontErrors', Dimensions: [{ Name: 'service', Value: 'sg-auditor-approve' }], Stat: 'Sum' },
        { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: ids.approve } }], Stat: 'Sum' },
      ]),
    );
    expect(alarm?.[1].Properties).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', AlarmActions: [{ Ref: ids.topic }] });
  });

  it('may publish to the encrypted topic: the topic policy and the key policy let CloudWatch in for this account', () => {
    // Prepare
    const alarmIds = Object.keys(synth.resources).filter((id) => synth.resources[id]?.Type === 'AWS::CloudWatch::Alarm');
    const topicPolicy = Object.values(synth.resources).find((r) => r.Type === 'AWS::SNS::TopicPolicy');
    const keyPolicy = properties(ids.topicKey).KeyPolicy as { Statement: Statement[] };

    // Act
    const publish = bySid((topicPolicy?.Properties?.PolicyDocument as { Statement: Statement[] }).Statement, 'CloudWatchAlarmPublish');
    const decrypt = bySid(keyPolicy.Statement, 'CloudWatchAlarmsPublish');

    // Assess
    expect(publish).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: 'sns:Publish',
      Condition: { ArnLike: { 'aws:SourceArn': alarmIds.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] })) } },
    });
    expect(decrypt).toMatchObject({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'] });
  });
});

describe('deletion state machine', () => {
  it('is, in a single-account install, the committed definition sg-audit serve runs (the same as in organization mode)', () => {
    // Act
    const { deletion, orgAudit } = definitionsOf(synth.stack, synth.template.toJSON());

    // Assess
    expect(deletion).toEqual(DELETION_DEFINITION);
    expect(orgAudit).toBeUndefined();
  });
});

describe('outputs', () => {
  it('name the bucket, the topic, the approval URL and the audit function', () => {
    // Prepare / Act
    const outputs = synth.template.toJSON().Outputs as Record<string, { Value: unknown }>;

    // Assess
    expect(outputs.ArtifactBucketName?.Value).toEqual({ Ref: ids.bucket });
    expect(outputs.TopicArn?.Value).toEqual({ Ref: ids.topic });
    expect(outputs.ApprovalUrl?.Value).toEqual({ 'Fn::GetAtt': [ids.url, 'FunctionUrl'] });
    expect(outputs.AuditFunctionName?.Value).toEqual({ Ref: ids.audit });
  });
});
