import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import { currentAccountId } from '../aws/account';
import { s3ApprovalStore } from '../aws/approval-store';
import { ClientFactory } from '../aws/client-factory';
import { runDeletion } from '../aws/deleter';
import { publishEmail } from '../aws/notifier';
import { homeRegion } from '../aws/regions';
import { kmsMac } from '../aws/signer';
import { approveEnvSchema, parseEnv, settingsFromEnv } from '../core/config';
import type { DeletionResult } from '../core/deletion-plan';
import type { Scanner } from '../aws/scanners/types';
import type { ApproveDeps, LogSink } from './approve-core';
import { handleEvent } from './http';

const logger = new Logger({ serviceName: 'sg-auditor-approve' });
const metrics = new Metrics({ namespace: 'SgAuditor', serviceName: 'sg-auditor-approve' });

/** The part of Powertools Metrics the approval uses (tests pass a recorder). */
export interface DeletionMetrics {
  addMetric(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): unknown;
  publishStoredMetrics(): unknown;
}

/** Counts of one deletion as CloudWatch metrics; kept-by-reviewer is the false-positive signal. */
export function publishDeletionMetrics(result: DeletionResult, sink: DeletionMetrics = metrics): void {
  sink.addMetric('GroupsDeleted', MetricUnit.Count, result.totals.deleted);
  sink.addMetric('GroupsSkipped', MetricUnit.Count, result.totals.skipped);
  sink.addMetric('GroupsFailed', MetricUnit.Count, result.totals.failed);
  sink.addMetric('GroupsKeptByReviewer', MetricUnit.Count, result.totals.keptByReviewer);
  sink.publishStoredMetrics();
}

export interface ApproveDepsOptions {
  factory?: ClientFactory;
  /** The re-audit's scanners (default: the full registry); the demo and tests pass a subset. */
  scanners?: readonly Scanner[];
  logger?: LogSink;
  metrics?: DeletionMetrics;
}

/** Builds the approval dependencies from the environment (validated before any AWS call). */
export function approveDepsFromEnv(env: Record<string, string | undefined>, options: ApproveDepsOptions = {}): ApproveDeps {
  const config = parseEnv(approveEnvSchema, env);
  const factory = options.factory ?? new ClientFactory();
  const sink = options.metrics ?? metrics;
  const home = factory.forRegion(homeRegion());
  let account: Promise<string> | undefined;
  return {
    store: s3ApprovalStore(home.get(S3Client), config.ARTIFACT_BUCKET),
    mac: kmsMac(home.get(KMSClient), config.MAC_KEY_ID),
    accountId: () =>
      (account ??= currentAccountId(factory).catch((error: unknown) => {
        account = undefined; // do not cache a failure
        throw error;
      })),
    now: () => new Date(),
    settings: settingsFromEnv(config),
    deleteGroups: (input) => runDeletion(input, { factory, ...(options.scanners ? { scanners: options.scanners } : {}) }),
    notify: async (subject, body) => {
      await publishEmail(home.get(SNSClient), config.TOPIC_ARN, subject, body);
    },
    logger: options.logger ?? logger,
    recordMetrics: (result) => publishDeletionMetrics(result, sink),
  };
}

let deps: ApproveDeps | undefined;

/** Time kept back from the Lambda timeout to write the trail and send the result email. */
export const TRAIL_MARGIN_MS = 45_000;

/** Lambda function URL entry point (payload 2.0). */
export const handler = async (event: LambdaFunctionURLEvent, context: Context): Promise<LambdaFunctionURLResult> =>
  handleEvent(
    event,
    context.awsRequestId,
    () => (deps ??= approveDepsFromEnv(process.env)),
    logger,
    Date.now() + context.getRemainingTimeInMillis() - TRAIL_MARGIN_MS,
  );
