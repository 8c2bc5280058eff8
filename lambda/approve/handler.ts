import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { currentAccountId } from '../aws/account';
import { s3ApprovalStore } from '../aws/approval-store';
import { ClientFactory } from '../aws/client-factory';
import { s3DeletionStore } from '../aws/deletion-store';
import { toScanError } from '../aws/errors';
import { homeRegion } from '../aws/regions';
import { kmsMac } from '../aws/signer';
import { approveEnvSchema, parseEnv } from '../core/config';
import type { DeletionResult } from '../core/deletion-plan';
import type { RegionSummary } from '../core/deletion-progress';
import { APPROVE_METRICS_SERVICE, METRICS_NAMESPACE } from '../core/metric-names';
import { deletionKeys } from '../core/s3-keys';
import { approvalsRequiredFromEnv, signInConfigFromEnv, type SignInConfig } from '../core/signin';
import { SSMClient } from '@aws-sdk/client-ssm';
import { readClientId } from '../aws/signin-client-id';
import { oidcProvider } from '../aws/id-token';
import { deletionExecutionName, type DeletionExecutionInput, type LogSink, type StartedRecord } from '../core/deletion-contract';
import type { ApproveDeps, ProgressReader, SignIn } from './approve-core';
import { handleEvent } from './http';

/**
 * The approval front: a function URL Lambda that verifies links, renders the review page, takes
 * the single-use lock and starts the deletion state machine. No scanners, no EC2: it never reads
 * the account's resources nor deletes anything itself.
 */

const logger = new Logger({ serviceName: APPROVE_METRICS_SERVICE });
/** Counts unexpected errors (FrontErrors, namespace SgAuditor, service sg-auditor-approve): the failure alarm's metric. */
export const frontMetrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE, serviceName: APPROVE_METRICS_SERVICE });

/** The trail the workflow writes, read for a used link's progress page. */
export function s3ProgressReader(s3: S3Client, bucket: string): ProgressReader {
  const store = s3DeletionStore(s3, bucket);
  return {
    started: (accountId, auditId) => store.getJson<StartedRecord>(deletionKeys(accountId, auditId).started),
    result: (accountId, auditId) => store.getJson<DeletionResult>(deletionKeys(accountId, auditId).result),
    summaries: async (accountId, auditId, regions) =>
      (await Promise.all(regions.map((r) => store.summary(accountId, auditId, r)))).filter((s): s is RegionSummary => s !== undefined),
  };
}

/** Execution name = account and audit id: StartExecution with the same name and input starts nothing new. */
export function executionArn(stateMachineArn: string, input: Pick<DeletionExecutionInput, 'accountId' | 'auditId'>): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${deletionExecutionName(input)}`;
}

export interface ApproveDepsOptions {
  factory?: ClientFactory;
  logger?: LogSink;
  /** Replaces Step Functions (`sg-audit serve` runs the same definition locally). */
  workflow?: Pick<ApproveDeps, 'startDeletion' | 'executionStatus'>;
}

/** Builds the front's dependencies from the environment (validated before any AWS call). */
export function approveDepsFromEnv(env: Record<string, string | undefined>, options: ApproveDepsOptions = {}): ApproveDeps {
  const config = parseEnv(approveEnvSchema, env);
  const signIn = signInConfigFromEnv(env);
  const approvalsRequired = approvalsRequiredFromEnv(env, signIn !== undefined);
  const factory = options.factory ?? new ClientFactory();
  const home = factory.forRegion(homeRegion());
  const s3 = home.get(S3Client);
  let account: Promise<string> | undefined;
  const sfn = () => home.get(SFNClient);
  const workflow = options.workflow ?? {
    async startDeletion(input: DeletionExecutionInput) {
      await sfn().send(new StartExecutionCommand({ stateMachineArn: config.STATE_MACHINE_ARN, name: deletionExecutionName(input), input: JSON.stringify(input) }));
    },
    async executionStatus(input: DeletionExecutionInput) {
      try {
        const out = await sfn().send(new DescribeExecutionCommand({ executionArn: executionArn(config.STATE_MACHINE_ARN, input) }));
        return out.status;
      } catch (error) {
        if (toScanError(error).code === 'ExecutionDoesNotExist') return undefined;
        throw error;
      }
    },
  };
  return {
    store: s3ApprovalStore(s3, config.ARTIFACT_BUCKET),
    progress: s3ProgressReader(s3, config.ARTIFACT_BUCKET),
    mac: kmsMac(home.get(KMSClient), config.MAC_KEY_ID),
    accountId: () =>
      (account ??= currentAccountId(factory).catch((error: unknown) => {
        account = undefined; // do not cache a failure
        throw error;
      })),
    now: () => new Date(),
    organization: config.ORGANIZATION,
    ...(signIn ? { signIn: signInResolver(signIn, () => home.get(SSMClient)) } : {}),
    approvalsRequired,
    ...workflow,
    logger: options.logger ?? logger,
  };
}

/**
 * Signed-in approval's setup, built once: the deployed stack passes the app client id through an
 * SSM parameter (read on first use; a failed read is retried by the next request).
 */
export function signInResolver(config: SignInConfig, ssm: () => SSMClient): () => Promise<SignIn> {
  let setup: Promise<SignIn> | undefined;
  return () =>
    (setup ??= (async () => {
      const clientId = config.clientIdParameter ? await readClientId(ssm(), config.clientIdParameter) : config.clientId;
      const resolved = { ...config, clientId };
      return { config: resolved, provider: oidcProvider(resolved) };
    })().catch((error: unknown) => {
      setup = undefined;
      throw error;
    }));
}

let deps: ApproveDeps | undefined;

/** Lambda function URL entry point (payload 2.0). */
export const handler = async (event: LambdaFunctionURLEvent, context: Context): Promise<LambdaFunctionURLResult> =>
  handleEvent(event, context.awsRequestId, () => (deps ??= approveDepsFromEnv(process.env)), logger, frontMetrics);
