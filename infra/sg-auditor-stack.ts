import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import type { ApproveEnvInput, AuditEnvInput } from '../lambda/core/config';
import { AuditorFunction, type FunctionCodeFactory } from './auditor-function';
import { memberTemplateBody } from './member-stack';
import { OrgAuditWorkflow } from './org-audit-workflow';
import { auditReadActions, deletionStatements, keyPolicy, readStatements } from './permissions';
import { auditOnlyEnvironment, sharedEnvironment, type StackConfig } from './stack-config';

export interface SgAuditorStackProps extends StackProps {
  config: StackConfig;
  /** Replaces bundled Lambda code (tests); by default both handlers are bundled with esbuild. */
  code?: FunctionCodeFactory;
}

export const AUDIT_ENTRY = 'lambda/audit/handler.ts';
export const APPROVE_ENTRY = 'lambda/approve/handler.ts';
/** Approvals in flight at once: a person clicks a link; more than this is abuse. */
export const APPROVAL_CONCURRENCY = 5;

const POWERTOOLS_ENV = { POWERTOOLS_SERVICE_NAME: 'sg-auditor', POWERTOOLS_METRICS_NAMESPACE: 'SgAuditor' };

/**
 * sg-auditor: a scheduled audit Lambda that writes evidence to S3 and emails a signed approval
 * link, and an approval Lambda (function URL) that re-audits and deletes what a person approved.
 */
export class SgAuditorStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly topic: sns.Topic;
  readonly topicKey: kms.Key;
  readonly macKey: kms.Key;
  readonly audit: AuditorFunction;
  readonly approve: AuditorFunction;
  readonly approvalUrl: lambda.FunctionUrl;
  /** Organization mode only: the audit state machine and its tasks. */
  readonly orgAudit?: OrgAuditWorkflow;

  constructor(scope: Construct, id: string, props: SgAuditorStackProps) {
    super(scope, id, props);
    const { config } = props;

    const accessLogs = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(config.artifactRetentionDays), abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new s3.Bucket(this, 'Artifacts', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'artifacts/',
      lifecycleRules: [
        {
          id: 'retention',
          expiration: Duration.days(config.artifactRetentionDays),
          noncurrentVersionExpiration: Duration.days(30),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.topicKey = new kms.Key(this, 'TopicKey', {
      description: 'sg-auditor: encrypts the notification topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
      policy: keyPolicy(
        ['kms:Decrypt', 'kms:GenerateDataKey'],
        [
          // CloudWatch alarms publish to the encrypted topic as the service, not as a role.
          new iam.PolicyStatement({
            sid: 'CloudWatchAlarmsPublish',
            principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
            actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
            resources: ['*'],
            conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
          }),
        ],
      ),
    });
    this.topic = new sns.Topic(this, 'Notifications', {
      displayName: 'sg-auditor',
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    this.topic.addSubscription(new subscriptions.EmailSubscription(config.notificationEmail));

    this.macKey = new kms.Key(this, 'ApprovalMacKey', {
      description: 'sg-auditor: signs and verifies approval links (HMAC; never leaves KMS)',
      keySpec: kms.KeySpec.HMAC_256,
      keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
      policy: keyPolicy(['kms:GenerateMac', 'kms:VerifyMac']),
    });

    const common = {
      ARTIFACT_BUCKET: this.bucket.bucketName,
      TOPIC_ARN: this.topic.topicArn,
      MAC_KEY_ID: this.macKey.keyArn,
      ...sharedEnvironment(config),
    };

    const approveEnv: ApproveEnvInput = common;
    this.approve = new AuditorFunction(this, 'Approve', {
      entry: APPROVE_ENTRY,
      description: 'sg-auditor approval: verifies a signed link, re-audits and deletes what was approved',
      // Re-auditing the selection's regions and deleting with DependencyViolation backoff.
      timeout: Duration.minutes(5),
      memorySize: 1024,
      environment: { ...approveEnv, ...POWERTOOLS_ENV },
      logRetention: logs.RetentionDays.ONE_YEAR,
      reservedConcurrentExecutions: APPROVAL_CONCURRENCY,
      ...(props.code ? { code: props.code } : {}),
    });
    // The link's KMS MAC (and its expiry and single-use lock) is the guard; IAM auth would
    // make the emailed link unusable from a browser.
    this.approvalUrl = this.approve.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    const auditEnv: AuditEnvInput = {
      ...common,
      APPROVAL_URL: this.approvalUrl.url,
      ...auditOnlyEnvironment(config),
    };
    this.audit = new AuditorFunction(this, 'Audit', {
      entry: AUDIT_ENTRY,
      description: 'sg-auditor audit: finds unused security groups, writes evidence to S3, emails the approval link',
      timeout: Duration.minutes(15),
      memorySize: 1024,
      environment: { ...auditEnv, ...POWERTOOLS_ENV },
      logRetention: logs.RetentionDays.ONE_YEAR,
      // Each run is a new audit with its own email: a retry would send a second one. The
      // error alarm tells the operator, who can re-run it on demand.
      retryAttempts: 0,
      ...(props.code ? { code: props.code } : {}),
    });

    this.grantAudit();
    this.grantApprove(config);

    if (config.organization) {
      this.orgAudit = new OrgAuditWorkflow(this, 'OrgAudit', {
        environment: {
          ...auditEnv,
          ACCOUNTS: config.accounts === 'all' ? 'all' : config.accounts.join(','),
          MEMBER_ROLE_NAME: config.memberRoleName,
          EMAIL_PER_ACCOUNT: String(config.emailPerAccount),
          ...POWERTOOLS_ENV,
        },
        bucket: this.bucket,
        topic: this.topic,
        topicKey: this.topicKey,
        macKey: this.macKey,
        memberRoleName: config.memberRoleName,
        maxConcurrency: config.maxConcurrency,
        ...(props.code ? { code: props.code } : {}),
      });
      if (config.memberStackSetTargets.length > 0) this.memberStackSet(config);
    }

    new events.Rule(this, 'Schedule', {
      description: 'Runs the security group audit',
      schedule: events.Schedule.expression(config.schedule),
      // Organization mode: the audit state machine; the audit Lambda stays for on-demand runs here.
      targets: [
        this.orgAudit
          ? new targets.SfnStateMachine(this.orgAudit.stateMachine, { input: events.RuleTargetInput.fromObject({}), retryAttempts: 2 })
          : new targets.LambdaFunction(this.audit.function, { retryAttempts: 2 }),
      ],
    });

    const errors = new cloudwatch.Alarm(this, 'AuditErrors', {
      alarmDescription: 'The sg-auditor audit Lambda failed: no report or approval email was produced for this run.',
      metric: this.audit.function.metricErrors({ period: Duration.minutes(15), statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    errors.addAlarmAction(new SnsAction(this.topic));
    // The topic has a resource policy (enforceSSL), so the alarm needs an explicit allow;
    // without it CloudWatch's publish is refused and the alarm fires silently.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { ArnLike: { 'aws:SourceArn': errors.alarmArn }, StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    new CfnOutput(this, 'ArtifactBucketName', { value: this.bucket.bucketName, description: 'Reports, backups and deletion trails' });
    new CfnOutput(this, 'TopicArn', { value: this.topic.topicArn, description: 'Notification topic (confirm the email subscription)' });
    new CfnOutput(this, 'ApprovalUrl', { value: this.approvalUrl.url, description: 'Approval function URL (links carry a KMS-signed token)' });
    new CfnOutput(this, 'AuditFunctionName', {
      value: this.audit.function.functionName,
      description: 'Run an audit now: aws lambda invoke --function-name <this> /dev/stdout',
    });
  }

  /** The member role in every account of the target OUs, now and as accounts join (service-managed, auto-deployed). */
  private memberStackSet(config: StackConfig): void {
    new cloudformation.CfnStackSet(this, 'MemberStackSet', {
      stackSetName: 'sg-auditor-member',
      description: 'sg-auditor member role: lets the auditor account audit (and delete what a person approved) in this account',
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      // The stack runs in a delegated administrator account, not the management account.
      callAs: 'DELEGATED_ADMIN',
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences: { maxConcurrentPercentage: 25, failureTolerancePercentage: 10, regionConcurrencyType: 'PARALLEL' },
      // IAM is global: one region per account is enough.
      stackInstancesGroup: [{ deploymentTargets: { organizationalUnitIds: config.memberStackSetTargets }, regions: [this.region] }],
      parameters: [
        { parameterKey: 'AuditorAccountId', parameterValue: this.account },
        { parameterKey: 'OrganizationId', parameterValue: config.organizationId ?? '' },
      ],
      templateBody: memberTemplateBody({ roleName: config.memberRoleName, protectTag: config.protectTag, productionTag: config.productionTag }),
    });
  }

  private grantAudit(): void {
    const role = this.audit.role;
    for (const statement of readStatements()) role.addToPrincipalPolicy(statement);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'SignApprovalLinks', actions: ['kms:GenerateMac'], resources: [this.macKey.keyArn] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'WriteAuditArtifacts', actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects('audits/*')] }),
    );
    this.grantNotify(role);
    acknowledgeReadOnlyWildcards(this.audit, 'audit');
    Validations.of(this.audit.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${this.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket)}.Arn>/audits/*]`,
      reason: 'The audit writes one folder per audit (audits/<account>/<auditId>/); the grant is limited to the audits/ prefix.',
    });
  }

  private grantApprove(config: StackConfig): void {
    const role = this.approve.role;
    for (const statement of readStatements()) role.addToPrincipalPolicy(statement);
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'VerifyApprovalLinks', actions: ['kms:VerifyMac'], resources: [this.macKey.keyArn] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadReportsAndLocks',
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects('audits/*'), this.bucket.arnForObjects('approvals/*')],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteLocksAndDeletionTrail',
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('approvals/*'), this.bucket.arnForObjects('deletions/*')],
      }),
    );
    // Without ListBucket, S3 answers a missing lock or report with 403 instead of 404, and the
    // approval could not tell "unused link" from "no access". It lists this one bucket only.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'TellMissingFromForbidden', actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
    for (const statement of deletionStatements(config.protectTag, config.productionTag)) role.addToPrincipalPolicy(statement);
    this.grantNotify(role);
    acknowledgeReadOnlyWildcards(this.approve, 'approval');
    const bucketId = this.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    for (const prefix of ['audits', 'approvals', 'deletions']) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}/*]`,
        reason: `Object keys under ${prefix}/ are per audit id, known only at run time; the grant is limited to that prefix.`,
      });
    }
    for (const type of ['security-group', 'security-group-rule']) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:*:<AWS::AccountId>:${type}/*]`,
        reason:
          'Approved groups can be in any region of this account and are chosen by a person at run time; deletion is conditioned on the ' +
          'group not being tagged Environment=Production and explicitly denied for the protection tag.',
      });
    }
  }

  private grantNotify(role: iam.Role): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'Notify', actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
    // Publishing to an SSE-KMS topic needs a data key from the topic's key.
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'EncryptNotifications', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [this.topicKey.keyArn] }),
    );
  }
}

/** cdk-nag IAM5: describe/list calls take no resource ARN, so IAM grants them only on `*`. */
function acknowledgeReadOnlyWildcards(fn: AuditorFunction, which: string): void {
  const describe = auditReadActions().filter((a) => a !== 'ssm:GetParametersByPath' && a !== 'apigateway:GET');
  Validations.of(fn.role).acknowledge(
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `The ${which} role's read-only describe/list actions (${describe.join(', ')}) support no resource-level permissions; no action is a wildcard.`,
    },
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:*::parameter/aws/service/global-infrastructure/*]',
      reason: "Region discovery reads AWS's public global-infrastructure parameters in every region; the grant is limited to that path.",
    },
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:*::/vpclinks]',
      reason: 'The apigateway-vpc-links source lists API Gateway VPC links in every audited region; GET is limited to the /vpclinks path.',
    },
  );
}
