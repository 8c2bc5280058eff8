import * as cdk from 'aws-cdk-lib';
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
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
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { READD_ACTIONS, RECHECK_ACTIONS } from '../lambda/aws/deleter';
import type { ApproveEnvInput, AuditEnvInput, WorkerEnvInput } from '../lambda/core/config';
import { APPROVE_METRICS_SERVICE, FRONT_ERRORS_METRIC, METRICS_NAMESPACE } from '../lambda/core/metric-names';
import type { SignInEnvInput } from '../lambda/core/signin';
import { AuditorFunction, type FunctionCodeFactory } from './auditor-function';
import { AuditorDashboard } from './dashboard';
import { memberTemplateBody } from './member-stack';
import { OrgAuditWorkflow } from './org-audit-workflow';
import { DeletionWorkflow } from './deletion-workflow';
import {
  adminOnlyKeyPolicy,
  auditReadActions,
  deletionStatements,
  grantIntegrations,
  keepTaggingStatement,
  keyPolicy,
  lockAndTrailStatements,
  macKeyPolicy,
  readStatements,
  subscribeOnlyTheStackStatements,
  subscribeWithinAccountStatement,
} from './permissions';
import { AUDIT_MEMORY_MB } from './sizing';
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

const POWERTOOLS_ENV = { POWERTOOLS_SERVICE_NAME: 'sg-auditor', POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE };

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
  readonly deletion: DeletionWorkflow;
  /** Signed-in approval only: the approvers' user pool and the front's app client. */
  readonly approverSignIn?: { userPool: cognito.UserPool; client: cognito.UserPoolClient; domain: cognito.UserPoolDomain };

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
          // An overwritten or deleted object's older versions are evidence too: kept as long.
          noncurrentVersionExpiration: Duration.days(config.artifactRetentionDays),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
      // Context objectLock=true: every version is also kept by S3 Object Lock (governance mode)
      // for artifactRetentionDays; only a principal with s3:BypassGovernanceRetention can remove one.
      ...(config.objectLock
        ? { objectLockEnabled: true, objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(config.artifactRetentionDays)) }
        : {}),
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
      // Administration only; who may sign and verify is added below, once the roles exist.
      policy: adminOnlyKeyPolicy(),
    });

    const common = {
      ARTIFACT_BUCKET: this.bucket.bucketName,
      TOPIC_ARN: this.topic.topicArn,
      MAC_KEY_ID: this.macKey.keyArn,
      ...sharedEnvironment(config),
    };

    const workerEnv: WorkerEnvInput = {
      ARTIFACT_BUCKET: common.ARTIFACT_BUCKET,
      TOPIC_ARN: common.TOPIC_ARN,
      // The started task verifies the signed link in the approval lock (only its role may VerifyMac).
      MAC_KEY_ID: common.MAC_KEY_ID,
      ...sharedEnvironment(config),
      ORGANIZATION: String(config.organization),
      MEMBER_ROLE_NAME: config.memberRoleName,
    };
    this.deletion = new DeletionWorkflow(this, 'Deletion', {
      environment: { ...workerEnv, ...POWERTOOLS_ENV },
      bucket: this.bucket,
      // Organization mode: the re-audit and the batches act in a member account through its member role.
      ...(config.organization ? { memberRoleName: config.memberRoleName } : {}),
      ...(props.code ? { code: props.code } : {}),
    });

    const approveEnv: ApproveEnvInput = {
      ARTIFACT_BUCKET: common.ARTIFACT_BUCKET,
      MAC_KEY_ID: common.MAC_KEY_ID,
      STATE_MACHINE_ARN: this.deletion.stateMachine.stateMachineArn,
      ORGANIZATION: String(config.organization),
    };
    this.approve = new AuditorFunction(this, 'Approve', {
      entry: APPROVE_ENTRY,
      description: 'sg-auditor approval front: verifies a signed link, takes the lock, starts the deletion workflow',
      // Verifies, reads the report and renders; never waits for the deletion.
      timeout: Duration.seconds(30),
      memorySize: 1024,
      environment: { ...approveEnv, ...POWERTOOLS_ENV },
      logRetention: logs.RetentionDays.ONE_YEAR,
      reservedConcurrentExecutions: APPROVAL_CONCURRENCY,
      ...(props.code ? { code: props.code } : {}),
    });
    // The link's KMS MAC (and its expiry and single-use lock) is the guard; IAM auth would
    // make the emailed link unusable from a browser.
    this.approvalUrl = this.approve.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    if (config.approverSignIn) this.approverSignIn = this.addApproverSignIn(config);

    const auditEnv: AuditEnvInput = {
      ...common,
      APPROVAL_URL: this.approvalUrl.url,
      ...auditOnlyEnvironment(config),
    };
    this.audit = new AuditorFunction(this, 'Audit', {
      entry: AUDIT_ENTRY,
      description: 'sg-auditor audit: finds unused security groups, writes evidence to S3, emails the approval link',
      timeout: Duration.minutes(15),
      memorySize: AUDIT_MEMORY_MB,
      environment: { ...auditEnv, ...POWERTOOLS_ENV },
      logRetention: logs.RetentionDays.ONE_YEAR,
      // Each run is a new audit with its own email: a retry would send a second one. The
      // error alarm tells the operator, who can re-run it on demand.
      retryAttempts: 0,
      ...(props.code ? { code: props.code } : {}),
    });

    this.grantAudit(config);
    this.grantApprove();
    this.grantWorkers(config);
    for (const statement of lockAndTrailStatements(this.bucket)) this.bucket.addToResourcePolicy(statement);
    this.topic.addToResourcePolicy(subscribeWithinAccountStatement(this.topic.topicArn, this.account));
    for (const statement of subscribeOnlyTheStackStatements(this.topic.topicArn, config.notificationEmail)) this.topic.addToResourcePolicy(statement);

    // A Catch never sees an execution timeout, a States.Runtime error or a stop: this rule runs
    // the abort task for those too, so the ABORTED trail and email are never skipped.
    new events.Rule(this, 'DeletionEnded', {
      description: 'Writes the ABORTED trail of a deletion execution that failed, timed out or was stopped',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [this.deletion.stateMachine.stateMachineArn] },
      },
      targets: [new targets.LambdaFunction(this.deletion.functions.abort.function, { retryAttempts: 4 })],
    });

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
    // The key policy names exactly the roles that sign (the audit role, and in organization
    // mode the assemble role) and those that verify (the front, and the deletion's started task,
    // which authenticates the link held in the lock).
    // Organization mode: the assemble task signs each account's link, the notify task re-makes them for the digest.
    const signers = [this.audit.role, ...(this.orgAudit ? [this.orgAudit.functions.assemble.role, this.orgAudit.functions.notify.role] : [])];
    for (const statement of macKeyPolicy(signers, [this.approve.role, this.deletion.functions.started.role])) this.macKey.addToResourcePolicy(statement);

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

    const alarm = (id: string, description: string, metric: cloudwatch.IMetric) => {
      const a = new cloudwatch.Alarm(this, id, {
        alarmDescription: description,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      a.addAlarmAction(new SnsAction(this.topic));
      return a;
    };
    const period = { period: Duration.minutes(15), statistic: cloudwatch.Stats.SUM };
    const sm = this.deletion.stateMachine;
    const alarms = [
      alarm('AuditErrors', 'The sg-auditor audit Lambda failed: no report or approval email was produced for this run.', this.audit.function.metricErrors(period)),
      // The front answers every request (an unexpected error is a 500 page), so its Lambda
      // Errors count only crashes and timeouts; the FrontErrors metric it emits counts the rest.
      alarm(
        'ApprovalFrontErrors',
        'The sg-auditor approval front failed a request: a reviewer saw an error page.',
        new cloudwatch.MathExpression({
          expression: 'crashed + failed',
          usingMetrics: {
            crashed: this.approve.function.metricErrors(period),
            failed: new cloudwatch.Metric({
              namespace: POWERTOOLS_ENV.POWERTOOLS_METRICS_NAMESPACE,
              metricName: FRONT_ERRORS_METRIC,
              dimensionsMap: { service: APPROVE_METRICS_SERVICE },
              ...period,
            }),
          },
          period: Duration.minutes(15),
        }),
      ),
      alarm(
        'DeletionExecutionsFailed',
        'A sg-auditor deletion execution failed, timed out or was stopped: its ABORTED trail says what was deleted.',
        new cloudwatch.MathExpression({
          expression: 'failed + timedOut + aborted',
          usingMetrics: { failed: sm.metricFailed(period), timedOut: sm.metricTimedOut(period), aborted: sm.metricAborted(period) },
          period: Duration.minutes(15),
        }),
      ),
    ];
    // The topic has a resource policy (enforceSSL), so the alarm needs an explicit allow;
    // without it CloudWatch's publish is refused and the alarm fires silently.
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { ArnLike: { 'aws:SourceArn': alarms.map((a) => a.alarmArn) }, StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    new AuditorDashboard(this, 'Dashboard', { namespace: POWERTOOLS_ENV.POWERTOOLS_METRICS_NAMESPACE });

    new CfnOutput(this, 'ArtifactBucketName', { value: this.bucket.bucketName, description: 'Reports, backups and deletion trails' });
    new CfnOutput(this, 'TopicArn', { value: this.topic.topicArn, description: 'Notification topic (confirm the email subscription)' });
    new CfnOutput(this, 'ApprovalUrl', { value: this.approvalUrl.url, description: 'Approval function URL (links carry a KMS-signed token)' });
    new CfnOutput(this, 'DeletionStateMachineArn', { value: this.deletion.stateMachine.stateMachineArn, description: 'The deletion workflow the approval front starts' });
    new CfnOutput(this, 'AuditFunctionName', {
      value: this.audit.function.functionName,
      description: 'Run an audit now: aws lambda invoke --function-name <this> /dev/stdout',
    });
  }

  /**
   * Signed-in approval: a user pool (no self sign-up; federate the organization's SAML or OIDC
   * identity provider into it, see docs/deploy-and-configure.md), a hosted sign-in domain, a
   * public app client for the front (authorization code + PKCE, openid/email/profile, callback =
   * the function URL's /callback) and the approvers group. The front's environment names the
   * issuer, endpoints and group; the client id reaches it through an SSM parameter, since the
   * client depends on the function URL.
   */
  private addApproverSignIn(config: StackConfig): NonNullable<SgAuditorStack['approverSignIn']> {
    const userPool = new cognito.UserPool(this, 'Approvers', {
      userPoolName: `${this.stackName}-approvers`,
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      // Approvers who sign in to the pool itself need an authenticator app; federated users get
      // their own IdP's MFA.
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      passwordPolicy: { minLength: 12, requireDigits: true, requireLowercase: true, requireUppercase: true, requireSymbols: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'The Plus feature plan (threat protection) is billed per monthly active user; approvers are a few people, normally federated from the organization\'s IdP, whose own risk policies apply. Operators may switch the pool to Plus.',
    });
    const domain = userPool.addDomain('SignIn', { cognitoDomain: { domainPrefix: config.signInDomainPrefix ?? `sg-auditor-${this.account}` } });
    const client = userPool.addClient('ApprovalFront', {
      userPoolClientName: 'sg-auditor-approval-front',
      generateSecret: false,
      authFlows: {},
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(1),
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [cdk.Fn.join('', [this.approvalUrl.url, 'callback'])],
      },
    });
    new cognito.CfnUserPoolGroup(this, 'ApproversGroup', {
      userPoolId: userPool.userPoolId,
      groupName: config.approversGroup,
      description: 'Members may approve sg-auditor deletions (with the signed link)',
    });
    const parameterName = `/${this.stackName}/approval-client-id`;
    new ssm.StringParameter(this, 'ApprovalClientId', { parameterName, stringValue: client.userPoolClientId, description: 'sg-auditor: the approval front\'s Cognito app client id' });
    const signInEnv: SignInEnvInput = {
      SIGNIN_ISSUER: userPool.userPoolProviderUrl,
      SIGNIN_CLIENT_ID_PARAMETER: parameterName,
      SIGNIN_AUTHORIZE_URL: cdk.Fn.join('', [domain.baseUrl(), '/oauth2/authorize']),
      SIGNIN_TOKEN_URL: cdk.Fn.join('', [domain.baseUrl(), '/oauth2/token']),
      SIGNIN_GROUP: config.approversGroup,
    };
    for (const [key, value] of Object.entries(signInEnv)) if (value !== undefined) this.approve.function.addEnvironment(key, value);
    if (config.approvalsRequired === 2) this.approve.function.addEnvironment('APPROVALS_REQUIRED', '2');
    this.approve.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadApprovalClientId',
        actions: ['ssm:GetParameter'],
        resources: [this.formatArn({ service: 'ssm', resource: 'parameter', resourceName: parameterName.slice(1) })],
      }),
    );
    new CfnOutput(this, 'ApproverSignInUrl', { value: domain.baseUrl(), description: 'Hosted sign-in of the approvers user pool (add approvers to the group; federate your IdP)' });
    new CfnOutput(this, 'ApproversUserPoolId', { value: userPool.userPoolId, description: `Approvers user pool; approvers are members of group ${config.approversGroup}` });
    return { userPool, client, domain };
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
      templateBody: memberTemplateBody({ roleName: config.memberRoleName, protectTag: config.protectTag, productionTag: config.productionTag, regions: config.regions }),
    });
  }

  private grantAudit(config: StackConfig): void {
    const role = this.audit.role;
    grantIntegrations(role, config, 'import');
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

  /**
   * The front can only verify links, read what its pages show (the signed report, the lock and
   * the workflow's trail under deletions/), write the lock with If-None-Match, and start and
   * describe the one deletion state machine. No EC2, no scanners' read rights, no SNS.
   */
  private grantApprove(): void {
    const role = this.approve.role;
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'VerifyApprovalLinks', actions: ['kms:VerifyMac'], resources: [this.macKey.keyArn] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadReportsLocksAndProgress',
        actions: ['s3:GetObject'],
        resources: [this.bucket.arnForObjects('audits/*'), this.bucket.arnForObjects('approvals/*'), this.bucket.arnForObjects('deletions/*')],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'TakeSingleUseLocks',
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('approvals/*')],
        // Only a create-if-absent write: the front can never overwrite a lock.
        conditions: { Null: { 's3:if-none-match': 'false' } },
      }),
    );
    // Without ListBucket, S3 answers a missing lock or report with 403 instead of 404, and the
    // front could not tell "unused link" from "no access". It lists this one bucket only.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'TellMissingFromForbidden', actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
    const sm = this.deletion.stateMachine;
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'StartDeletion', actions: ['states:StartExecution'], resources: [sm.stateMachineArn] }));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'FollowDeletion',
        actions: ['states:DescribeExecution'],
        resources: [Stack.of(this).formatArn({ service: 'states', resource: 'execution', resourceName: `${sm.stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
    );
    const bucketId = this.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    for (const prefix of ['audits', 'approvals', 'deletions']) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}/*]`,
        reason: `Object keys under ${prefix}/ are per audit id, known only at run time; the grant is limited to that prefix.`,
      });
    }
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:<${this.getLogicalId(sm.node.defaultChild as cdk.CfnElement)}.Name>:*]`,
      reason: 'Executions are named after the account and audit id at run time; DescribeExecution is limited to the deletion state machine.',
    });
  }

  /** Each task gets what it calls: the re-audit reads like the audit, only the batch deletes. */
  private grantWorkers(config: StackConfig): void {
    const d = this.deletion;
    const all = ['audits', 'approvals', 'deletions'];
    d.grantS3('started', this.bucket, { get: all, put: ['deletions'] });
    // workflow-sec (issue 20): the started task verifies the signed link in the approval lock before
    // anything is done, and writes and emails the REFUSED trail when it cannot.
    d.functions.started.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'VerifyApprovalInLock', actions: ['kms:VerifyMac'], resources: [this.macKey.keyArn] }));
    this.grantNotify(d.functions.started.role);
    d.grantS3('keep', this.bucket, { get: all, put: ['deletions'] });
    // The keep task may write the two keep tags on security groups, and nothing else.
    d.functions.keep.role.addToPrincipalPolicy(keepTaggingStatement(config.regions));
    Validations.of(d.functions.keep.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:*:<AWS::AccountId>:security-group/*]',
      reason: 'Kept groups can be in any region of this account and are chosen by a person at run time; CreateTags is limited to the two sg-auditor keep tag keys.',
    });
    d.grantS3('reaudit', this.bucket, { get: all, put: ['deletions'] });
    d.grantS3('backup', this.bucket, { get: ['deletions'], put: ['deletions'] });
    d.grantS3('batch', this.bucket, { get: all, put: ['deletions'] });
    d.grantS3('finish', this.bucket, { get: all, put: ['deletions'] });
    d.grantS3('abort', this.bucket, { get: all, put: ['deletions'] });
    for (const statement of readStatements()) d.functions.reaudit.role.addToPrincipalPolicy(statement);
    acknowledgeReadOnlyWildcards(d.functions.reaudit, 're-audit');
    const batch = d.functions.batch.role;
    for (const statement of deletionStatements(config.protectTag, config.productionTag, config.regions)) batch.addToPrincipalPolicy(statement);
    // A resumed batch checks whether in-flight groups are gone before deleting them again.
    batch.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'CheckInFlightGroups', actions: ['ec2:DescribeSecurityGroups'], resources: ['*'] }));
    // workflow-sec (issue 20): each batch re-checks its own groups right before deleting (bulk
    // listings: no resource-level permissions), and adds a cycle's revoked rules back to a group
    // that was then not deleted (only to security groups of this account).
    batch.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'RecheckBeforeDeleting', actions: [...RECHECK_ACTIONS], resources: ['*'] }));
    batch.addToPrincipalPolicy(
      new iam.PolicyStatement({ sid: 'ReaddRevokedCycleRules', actions: [...READD_ACTIONS], resources: [`arn:${this.partition}:ec2:*:${this.account}:security-group/*`] }),
    );
    Validations.of(batch).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'ec2:DescribeSecurityGroups supports no resource-level permissions.' });
    for (const type of ['security-group', 'security-group-rule']) {
      Validations.of(batch).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:*:<AWS::AccountId>:${type}/*]`,
        reason:
          'Approved groups can be in any region of this account and are chosen by a person at run time; deletion is conditioned on the ' +
          'group not being tagged Environment=Production and explicitly denied for the protection tag.',
      });
    }
    this.grantNotify(d.functions.finish.role);
    this.grantNotify(d.functions.abort.role);
    // Announce the start; resolve and suppress findings and announce the end (finish, or abort).
    grantIntegrations(d.functions.started.role, { ...config, securityHubFindings: 'off' }, 'import');
    grantIntegrations(d.functions.finish.role, config, 'import-and-update');
    grantIntegrations(d.functions.abort.role, config, 'import-and-update');
    const bucketId = this.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    for (const task of Object.values(d.functions)) {
      for (const prefix of all) {
        Validations.of(task.role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}/*]`,
          reason: `Object keys under ${prefix}/ are per audit id, known only at run time; the grant is limited to that prefix.`,
        });
      }
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
  const describe = auditReadActions().filter((a) => a !== 'ssm:GetParameter' && a !== 'apigateway:GET');
  Validations.of(fn.role).acknowledge(
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `The ${which} role's read-only describe/list actions (${describe.join(', ')}) support no resource-level permissions; no action is a wildcard.`,
    },
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:*::parameter/aws/service/global-infrastructure/*]',
      reason:
        "A source whose endpoint does not exist in a region is checked against AWS's public global-infrastructure parameter of its service, in any region; the grant is limited to that path.",
    },
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:*::/vpclinks]',
      reason: 'The apigateway-vpc-links source lists API Gateway VPC links in every audited region; GET is limited to the /vpclinks path.',
    },
  );
}
