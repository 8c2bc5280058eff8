import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ORGANIZATIONS_ACTIONS } from '../lambda/aws/org';
import { ASSUME_ROLE_ACTIONS, memberRoleNames } from '../lambda/aws/member-role';
import { ORG_TUNING } from '../lambda/core/org';
import { ORG_STATES } from '../lambda/workflows/org-audit/states';
import type { OrgAuditEnvInput } from '../lambda/core/org-config';
import { AuditorFunction, type FunctionCodeFactory } from './auditor-function';
import { grantIntegrations } from './permissions';
import { WORKER_ROLE_NAMES, WORKER_ROLE_PATH } from './member-stack';

export const ORG_ENTRIES = {
  plan: 'lambda/workflows/org-audit/plan-handler.ts',
  regionItems: 'lambda/workflows/org-audit/region-item-handler.ts',
  assemble: 'lambda/workflows/org-audit/assemble-handler.ts',
  notify: 'lambda/workflows/org-audit/notify-handler.ts',
} as const;

export { ORG_STATES };

export interface OrgAuditWorkflowProps {
  environment: OrgAuditEnvInput & Record<string, string>;
  bucket: s3.IBucket;
  topic: sns.ITopic;
  topicKey: kms.IKey;
  macKey: kms.IKey;
  memberRoleName: string;
  maxConcurrency: number;
  code?: FunctionCodeFactory;
}

/**
 * The organization audit (DESIGN.md "Workflows that scale"): Plan -> Distributed Map over the
 * (account, region) items in S3, batched per Lambda -> Distributed Map over the accounts to
 * assemble and publish each one -> the summary (and digest). Every failure path emails.
 * Written in JSONPath so the same definition runs locally (aws-local-stepfunctions).
 */
export class OrgAuditWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly functions: Record<keyof typeof ORG_ENTRIES, AuditorFunction>;

  constructor(scope: Construct, id: string, props: OrgAuditWorkflowProps) {
    super(scope, id);
    const common = {
      environment: props.environment,
      logRetention: logs.RetentionDays.ONE_YEAR,
      retryAttempts: 0,
      ...(props.code ? { code: props.code } : {}),
    };
    this.functions = {
      plan: new AuditorFunction(this, 'Plan', {
        ...common,
        entry: ORG_ENTRIES.plan,
        description: 'sg-auditor org audit: lists the accounts and their enabled regions, writes the items',
        timeout: Duration.minutes(15),
        memorySize: 512,
        rolePath: WORKER_ROLE_PATH,
        roleName: WORKER_ROLE_NAMES.plan,
      }),
      regionItems: new AuditorFunction(this, 'RegionItems', {
        ...common,
        entry: ORG_ENTRIES.regionItems,
        description: 'sg-auditor org audit: audits a batch of (account, region) items through the member role',
        timeout: Duration.minutes(15),
        memorySize: 1024,
        rolePath: WORKER_ROLE_PATH,
        roleName: WORKER_ROLE_NAMES.regionItems,
      }),
      assemble: new AuditorFunction(this, 'Assemble', {
        ...common,
        entry: ORG_ENTRIES.assemble,
        description: "sg-auditor org audit: assembles one account's report, backup, log and link, and emails it",
        timeout: Duration.minutes(5),
        memorySize: 1024,
      }),
      notify: new AuditorFunction(this, 'Notify', {
        ...common,
        entry: ORG_ENTRIES.notify,
        description: 'sg-auditor org audit: writes the organization summary and sends the digest or the failure email',
        timeout: Duration.minutes(5),
        memorySize: 512,
      }),
    };
    this.grant(props);

    const lambdaRetry = { errors: ['Lambda.TooManyRequestsException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException'], interval: Duration.seconds(2), maxAttempts: 6, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL };
    const invoke = (id: string, fn: AuditorFunction, payload: Record<string, unknown>) =>
      new tasks.LambdaInvoke(this, `${id}Task`, {
        stateName: id,
        lambdaFunction: fn.function,
        payload: sfn.TaskInput.fromObject(payload),
        payloadResponseOnly: true,
        retryOnServiceExceptions: false,
      }).addRetry(lambdaRetry);

    const failure = invoke(ORG_STATES.reportFailure, this.functions.notify, { kind: 'failure', 'state.$': '$' });
    const failed = new sfn.Fail(this, ORG_STATES.failed, { stateName: ORG_STATES.failed, error: 'OrgAuditFailed', cause: 'A step of the organization audit failed; the failure email says which.' });
    failure.addCatch(failed, { errors: ['States.ALL'], resultPath: '$.notifyError' });
    failure.next(failed);

    const plan = invoke(ORG_STATES.plan, this.functions.plan, {}).addCatch(failure, { errors: ['States.ALL'], resultPath: '$.error' });

    // Items: one child execution per batch of (account, region) items, read from S3. The plan
    // names the bucket ($.bucket), so the definition holds no deployment's name and runs locally
    // as committed; the state machine's role may read only audits/_org/* (granted below).
    const auditItems = invoke(ORG_STATES.auditItems, this.functions.regionItems, {
      'auditId.$': '$.BatchInput.auditId',
      'items.$': '$.Items',
    });
    // A batch that still fails leaves its regions without a result: assemble reports them failed
    // (NoResult, groups unknown). The run goes on.
    auditItems.addCatch(new sfn.Pass(this, ORG_STATES.itemsFailed, { stateName: ORG_STATES.itemsFailed }), { errors: ['States.ALL'], resultPath: '$.error' });
    const auditRegions = new sfn.DistributedMap(this, ORG_STATES.auditRegions, {
      stateName: ORG_STATES.auditRegions,
      itemReader: new sfn.S3JsonItemReader({ bucketNamePath: sfn.JsonPath.stringAt('$.bucket'), key: sfn.JsonPath.stringAt('$.itemsKey') }),
      itemSelector: { 'item.$': '$$.Map.Item.Value' },
      itemBatcher: new sfn.ItemBatcher({ maxItemsPerBatch: ORG_TUNING.itemsPerBatch, batchInput: { 'auditId.$': '$.auditId' } }),
      maxConcurrency: props.maxConcurrency,
      toleratedFailurePercentage: 100,
      mapExecutionType: sfn.StateMachineType.STANDARD,
      label: 'OrgAuditItems',
      resultPath: sfn.JsonPath.DISCARD,
    });
    auditRegions.itemProcessor(auditItems);
    auditRegions.addCatch(failure, { errors: ['States.ALL'], resultPath: '$.error' });

    // Accounts: assemble and publish each, a few at once (KMS and SNS rates).
    const assembleAccount = invoke(ORG_STATES.assembleAccount, this.functions.assemble, {
      'auditId.$': '$.auditId',
      'startedAt.$': '$.startedAt',
      'account.$': '$.account',
    });
    assembleAccount.addCatch(new sfn.Pass(this, ORG_STATES.accountNotAssembled, { stateName: ORG_STATES.accountNotAssembled }), { errors: ['States.ALL'], resultPath: '$.error' });
    const assembleAccounts = new sfn.DistributedMap(this, ORG_STATES.assembleAccounts, {
      stateName: ORG_STATES.assembleAccounts,
      itemReader: new sfn.S3JsonItemReader({ bucketNamePath: sfn.JsonPath.stringAt('$.bucket'), key: sfn.JsonPath.stringAt('$.accountsKey') }),
      itemSelector: { 'auditId.$': '$.auditId', 'startedAt.$': '$.startedAt', 'account.$': '$$.Map.Item.Value' },
      maxConcurrency: ORG_TUNING.assembleConcurrency,
      toleratedFailurePercentage: 100,
      mapExecutionType: sfn.StateMachineType.STANDARD,
      label: 'OrgAuditAccounts',
      resultPath: sfn.JsonPath.DISCARD,
    });
    assembleAccounts.itemProcessor(assembleAccount);
    assembleAccounts.addCatch(failure, { errors: ['States.ALL'], resultPath: '$.error' });

    const summarize = invoke(ORG_STATES.summarize, this.functions.notify, {
      kind: 'summary',
      'auditId.$': '$.auditId',
      'startedAt.$': '$.startedAt',
    }).addCatch(failure, { errors: ['States.ALL'], resultPath: '$.error' });

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      comment: 'sg-auditor organization audit: plan, audit every (account, region), assemble each account, summarize',
      definitionBody: sfn.DefinitionBody.fromChainable(plan.next(auditRegions).next(assembleAccounts).next(summarize)),
      stateMachineType: sfn.StateMachineType.STANDARD,
      timeout: Duration.hours(6),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });

    this.stateMachine.addToRolePolicy(new iam.PolicyStatement({ sid: 'ReadOrgItems', actions: ['s3:GetObject'], resources: [props.bucket.arnForObjects('audits/_org/*')] }));
    this.acknowledge(props);

    // A Catch never runs on a timeout, a States.Runtime error or a stop: this rule emails those too.
    new events.Rule(this, 'ExecutionStopped', {
      description: 'Emails when the organization audit execution fails, times out or is stopped',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { stateMachineArn: [this.stateMachine.stateMachineArn], status: ['FAILED', 'TIMED_OUT', 'ABORTED'] },
      },
      targets: [
        new targets.LambdaFunction(this.functions.notify.function, {
          retryAttempts: 2,
          event: events.RuleTargetInput.fromObject({
            kind: 'failure',
            state: { error: { Error: events.EventField.fromPath('$.detail.status'), Cause: events.EventField.fromPath('$.detail.executionArn') } },
          }),
        }),
      ],
    });
  }

  /** cdk-nag IAM5: each wildcard below is the narrowest resource the action allows at run time. */
  private acknowledge(props: OrgAuditWorkflowProps): void {
    const stack = Stack.of(this);
    const bucketArn = `<${stack.getLogicalId(props.bucket.node.defaultChild as s3.CfnBucket)}.Arn>`;
    const { plan, regionItems, assemble, notify } = this.functions;
    Validations.of(plan.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'organizations:ListAccounts takes no resource ARN: IAM grants it only on `*`; it is the only action on `*` in this role.',
    });
    for (const fn of [plan, regionItems]) {
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${memberRoleNames(props.memberRoleName).reader}]`,
        reason: 'The member reader role has one name in every account of the Organization; accounts are listed at run time. Each member trusts only these roles of this account.',
      });
    }
    for (const fn of [plan, regionItems, assemble, notify]) {
      Validations.of(fn.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/audits/_org/*]`,
        reason: 'Org audit work files are keyed by audit id, account and region, known only at run time; the grant is limited to audits/_org/.',
      });
    }
    Validations.of(assemble.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${bucketArn}/audits/*]`,
      reason: 'Each account report goes to audits/<account>/<auditId>/, known only at run time; the grant is limited to the audits/ prefix.',
    });
    const smRole = this.stateMachine.role;
    Validations.of(smRole).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray trace segments and CloudWatch Logs delivery (state machine logging) take no resource ARN; CDK grants only those on `*`.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/audits/_org/*]`,
        reason: "The Distributed Maps' ItemReader reads items.json and accounts.json, whose keys carry the audit id; only GetObject under audits/_org/.",
      },
    );
    for (const fn of Object.values(this.functions)) {
      Validations.of(smRole).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn.function.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
        reason: 'Invoking a task Lambda by any version or alias of that one function (CDK grants the ARN and ARN:*); no other function.',
      });
    }
    const distributed = this.stateMachine.node.tryFindChild('DistributedMapPolicy');
    const smId = stack.getLogicalId(this.stateMachine.node.defaultChild as sfn.CfnStateMachine);
    const executions = `arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${smId}"}]}]}`;
    for (const suffix of [':*', '/OrgAuditItems:*', '/OrgAuditAccounts:*']) {
      Validations.of(distributed ?? this.stateMachine).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${executions}${suffix}]`,
        reason: "A Distributed Map describes and stops the child executions it starts, whose ids are made at run time; the grant is limited to this state machine's executions.",
      });
    }
  }

  private grant(props: OrgAuditWorkflowProps): void {
    const stack = Stack.of(this);
    // The audit only reads: the member reader role (the deleter trusts the deletion batch alone).
    const memberRoles = `arn:${stack.partition}:iam::*:role/${memberRoleNames(props.memberRoleName).reader}`;
    const orgObjects = props.bucket.arnForObjects('audits/_org/*');
    const { plan, regionItems, assemble, notify } = this.functions;
    // The assemble task publishes each account: findings in this (the auditor) account's hub, and its event.
    grantIntegrations(assemble.role, { securityHubFindings: props.environment.SECURITY_HUB_FINDINGS, integrationEvents: props.environment.INTEGRATION_EVENTS === 'true' }, 'import');

    plan.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ListOrganizationAccounts', actions: [...ORGANIZATIONS_ACTIONS], resources: ['*'] }));
    for (const fn of [plan, regionItems]) {
      fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'AssumeMemberRole', actions: [...ASSUME_ROLE_ACTIONS], resources: [memberRoles] }));
      fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'WriteOrgItems', actions: ['s3:PutObject'], resources: [orgObjects] }));
    }
    assemble.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadOrgItems', actions: ['s3:GetObject'], resources: [orgObjects] }));
    assemble.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'WriteAuditArtifacts', actions: ['s3:PutObject'], resources: [props.bucket.arnForObjects('audits/*')] }));
    assemble.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'SignApprovalLinks', actions: ['kms:GenerateMac'], resources: [props.macKey.keyArn] }));
    // The digest re-signs each account's link (the summary stores only its hash).
    notify.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'RemakeApprovalLinks', actions: ['kms:GenerateMac'], resources: [props.macKey.keyArn] }));
    notify.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadAndWriteOrgSummary', actions: ['s3:GetObject', 's3:PutObject'], resources: [orgObjects] }));
    for (const fn of [assemble, notify]) {
      fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'Notify', actions: ['sns:Publish'], resources: [props.topic.topicArn] }));
      fn.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ sid: 'EncryptNotifications', actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.topicKey.keyArn] }),
      );
    }
  }
}
