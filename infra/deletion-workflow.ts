import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ASSUME_ROLE_ACTIONS, memberRoleNames } from '../lambda/aws/member-role';
import { DELETION_STATES, type DeletionTask } from '../lambda/core/deletion-contract';
import { AuditorFunction, type FunctionCodeFactory } from './auditor-function';
import { MEMBER_ROLE_USERS, WORKER_ROLE_NAMES, WORKER_ROLE_PATH, type WorkerRole } from './member-stack';

/** Regions deleted at once: each keeps EC2's mutating calls near 5/s on its own. */
export const REGION_CONCURRENCY = 4;

/** One bundle for every task (bundled once per synth); each function names its export. */
export const WORKER_ENTRY = 'lambda/workflows/deletion/handlers.ts';

interface TaskSpec {
  entry: string;
  description: string;
  timeout: Duration;
  memorySize: number;
}

/** The deletion workflow's task Lambdas (lambda/workflows/deletion/*-handler.ts). */
export const DELETION_TASKS: Record<DeletionTask, TaskSpec> = {
  started: { entry: WORKER_ENTRY, description: 'authenticates the approval lock (or writes the REFUSED trail) and writes the started trail', timeout: Duration.minutes(1), memorySize: 512 },
  keep: { entry: WORKER_ENTRY, description: 'tags the groups the reviewer kept for a number of days', timeout: Duration.minutes(5), memorySize: 512 },
  reaudit: { entry: WORKER_ENTRY, description: 're-audits one region with the strictest settings', timeout: Duration.minutes(15), memorySize: 1024 },
  backup: { entry: WORKER_ENTRY, description: "writes one region's pre-delete backup", timeout: Duration.minutes(2), memorySize: 1024 },
  // A batch stops starting work after 10 minutes (BATCH_BUDGET_MS), so it ends well within this.
  batch: { entry: WORKER_ENTRY, description: 'deletes one checkpointed batch in one region', timeout: Duration.minutes(15), memorySize: 1024 },
  finish: { entry: WORKER_ENTRY, description: 'writes the trail and emails the result', timeout: Duration.minutes(5), memorySize: 1024 },
  abort: { entry: WORKER_ENTRY, description: 'writes the ABORTED trail and emails it', timeout: Duration.minutes(5), memorySize: 1024 },
};

export interface DeletionWorkflowProps {
  environment: Record<string, string>;
  code?: FunctionCodeFactory;
  bucket: s3.IBucket;
  regionConcurrency?: number;
  /**
   * Organization mode: the member roles' base name. The tasks that act in the account may assume
   * a member role in any account (keep and re-audit the reader, the batch the deleter), and their
   * roles have the fixed names and path the member roles trust (WORKER_ROLE_NAMES).
   */
  memberRoleName?: string;
}

/** The tasks that call the approved account's APIs (every other task reads and writes S3 only). */
export const ACCOUNT_TASKS: readonly DeletionTask[] = ['keep', 'reaudit', 'batch'];

/**
 * The deletion state machine (Step Functions Standard, JSONPath), written once here: tests and
 * `sg-audit serve` run its synthesized definition locally (lambda/workflows/local-runner.ts).
 * started trail -> Map over regions (re-audit, pre-delete backup, batches until done) -> finish;
 * a Catch on each step runs the abort task, and so does the stack's rule on FAILED, TIMED_OUT and
 * ABORTED executions (which no Catch sees).
 */
export class DeletionWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly functions: Record<DeletionTask, AuditorFunction>;

  constructor(scope: Construct, id: string, props: DeletionWorkflowProps) {
    super(scope, id);
    const fns = {} as Record<DeletionTask, AuditorFunction>;
    for (const [task, spec] of Object.entries(DELETION_TASKS) as Array<[DeletionTask, TaskSpec]>) {
      fns[task] = new AuditorFunction(this, `${task[0]?.toUpperCase()}${task.slice(1)}Task`, {
        entry: spec.entry,
        handler: task,
        description: `sg-auditor deletion workflow: ${spec.description}`,
        timeout: spec.timeout,
        memorySize: spec.memorySize,
        environment: props.environment,
        logRetention: logs.RetentionDays.ONE_YEAR,
        ...(props.memberRoleName && ACCOUNT_TASKS.includes(task) ? { rolePath: WORKER_ROLE_PATH, roleName: WORKER_ROLE_NAMES[task as WorkerRole] } : {}),
        // Step Functions retries the task; Lambda's own async retries would not apply anyway.
        ...(props.code ? { code: props.code } : {}),
      });
    }
    this.functions = fns;

    const invoke = (task: DeletionTask, extra: Partial<tasks.LambdaInvokeProps> = {}) =>
      new tasks.LambdaInvoke(this, DELETION_STATES[task], {
        stateName: DELETION_STATES[task],
        lambdaFunction: fns[task].function,
        payloadResponseOnly: true,
        retryOnServiceExceptions: true,
        // Longer than the function's own timeout, so Lambda ends a stuck invocation first.
        taskTimeout: sfn.Timeout.duration(DELETION_TASKS[task].timeout.plus(Duration.minutes(1))),
        ...extra,
      }).addRetry({
        // LambdaInvoke's default retries do not cover throttled invocations.
        errors: ['Lambda.TooManyRequestsException'],
        interval: Duration.seconds(2),
        maxAttempts: 6,
        backoffRate: 2,
        jitterStrategy: sfn.JitterType.FULL,
      });

    const abort = invoke('abort', { resultPath: '$.abort' });
    const aborted = new sfn.Fail(this, 'DeletionAborted', { error: 'DeletionAborted', cause: 'A step failed: the ABORTED trail was written and emailed.' });
    abort.next(aborted);
    const onError = { errors: [sfn.Errors.ALL], resultPath: '$.error' };

    const started = invoke('started', { resultPath: '$.started' }).addCatch(abort, onError);
    // An approval the started task cannot authenticate has its REFUSED trail written: stop here.
    const refused = new sfn.Fail(this, 'DeletionRefused', {
      error: 'ApprovalRefused',
      cause: 'The approval lock could not be authenticated: the REFUSED trail was written and emailed; nothing was deleted.',
    });
    const authenticated = new sfn.Choice(this, 'ApprovalAuthenticated').when(sfn.Condition.booleanEquals('$.started.refused', true), refused);
    // Tagging the kept groups is the reviewer's wish for next month, not a condition of deleting:
    // if it fails, the deletion goes on and the trail says which groups were not tagged.
    const keepSkipped = new sfn.Pass(this, 'KeepNotTagged', { comment: 'The kept groups could not be tagged; they are asked about again next audit.' });
    const keep = invoke('keep', { resultPath: '$.keep' }).addCatch(keepSkipped, { errors: [sfn.Errors.ALL], resultPath: '$.keepError' });
    const reaudit = invoke('reaudit', { resultPath: '$.reaudit' });
    const regionAborted = new sfn.Pass(this, 'RegionAborted', {
      comment: 'The pre-delete backup could not be written: nothing is deleted in this region.',
      parameters: { 'region.$': '$.region', status: 'aborted', 'error.$': '$.error' },
    });
    const backup = invoke('backup', { resultPath: '$.backup' }).addCatch(regionAborted, { errors: ['BackupWriteFailed'], resultPath: '$.error' });
    const batch = invoke('batch', { resultPath: '$.batch' }).addRetry({
      // A batch killed mid-call resumes from its checkpoints (in-flight groups are checked first).
      errors: [sfn.Errors.TIMEOUT, 'Sandbox.Timedout', 'Lambda.Unknown'],
      interval: Duration.seconds(5),
      maxAttempts: 3,
      backoffRate: 2,
    });
    const regionDone = new sfn.Pass(this, 'RegionDone', { parameters: { 'region.$': '$.region', status: 'done' } });
    const more = new sfn.Choice(this, 'MoreBatches').when(sfn.Condition.booleanEquals('$.batch.done', true), regionDone).otherwise(batch);

    const regions = new sfn.Map(this, DELETION_STATES.regions, {
      stateName: DELETION_STATES.regions,
      itemsPath: '$.started.regions',
      maxConcurrency: props.regionConcurrency ?? REGION_CONCURRENCY,
      itemSelector: { 'accountId.$': '$.accountId', 'auditId.$': '$.auditId', 'region.$': '$$.Map.Item.Value' },
      resultPath: '$.regionResults',
    });
    regions.itemProcessor(reaudit.next(backup).next(batch).next(more));
    regions.addCatch(abort, onError);
    keepSkipped.next(regions);
    const finish = invoke('finish', { resultPath: '$.finish' }).addCatch(abort, onError);

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(started.next(authenticated.otherwise(keep.next(regions).next(finish)))),
      comment: 'sg-auditor: deletes what a person approved, region by region, in checkpointed batches',
      timeout: Duration.hours(24),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    const stack = Stack.of(this);
    if (props.memberRoleName) this.grantAssumeMemberRole(props.memberRoleName);
    Validations.of(this.stateMachine.role).acknowledge(
      { id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray tracing (PutTraceSegments, PutTelemetryRecords) supports no resource-level permissions.' },
      ...Object.values(fns).map((fn) => ({
        id: `AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn.function.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`,
        reason: 'LambdaInvoke grants the function and its versions; the state machine invokes only its own task functions.',
      })),
    );
  }

  /**
   * The keep tagging and the re-audit reach a member account only through its reader role, the
   * batches only through its deleter role (MEMBER_ROLE_USERS, which the member roles' trust names).
   */
  private grantAssumeMemberRole(baseName: string): void {
    const names = memberRoleNames(baseName);
    for (const [which, users] of Object.entries(MEMBER_ROLE_USERS) as Array<['reader' | 'deleter', readonly WorkerRole[]]>) {
      const roleName = names[which];
      for (const task of users.filter((u): u is DeletionTask & WorkerRole => (ACCOUNT_TASKS as readonly string[]).includes(u))) {
        const role = this.functions[task].role;
        role.addToPrincipalPolicy(
          new iam.PolicyStatement({ sid: 'AssumeMemberRole', actions: [...ASSUME_ROLE_ACTIONS], resources: [`arn:${Stack.of(this).partition}:iam::*:role/${roleName}`] }),
        );
        Validations.of(role).acknowledge({
          id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${roleName}]`,
          reason: 'The member role has one name in every account of the Organization; the approved account is known only at run time. Each member trusts only this role of this account.',
        });
      }
    }
  }

  /** Grants one task's role S3 access to the artifact bucket by prefix. */
  grantS3(task: DeletionTask, bucket: s3.IBucket, access: { get: string[]; put: string[] }): void {
    const role = this.functions[task].role;
    if (access.get.length > 0) role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ReadArtifacts', actions: ['s3:GetObject'], resources: access.get.map((p) => bucket.arnForObjects(`${p}/*`)) }));
    if (access.put.length > 0) role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'WriteDeletionTrail', actions: ['s3:PutObject'], resources: access.put.map((p) => bucket.arnForObjects(`${p}/*`)) }));
    // Lists checkpoints, and makes S3 answer a missing object with 404 rather than 403.
    role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'ListArtifacts', actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }));
  }
}
