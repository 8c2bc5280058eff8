import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import { currentAccountId } from '../../aws/account';
import { accountClients } from '../../aws/account-clients';
import { Integrations } from '../../aws/integrations';
import { s3ApprovalStore } from '../../aws/approval-store';
import { ClientFactory } from '../../aws/client-factory';
import { MemberCredentials, memberRoleNames } from '../../aws/member-role';
import { s3DeletionStore } from '../../aws/deletion-store';
import { publishEmail } from '../../aws/notifier';
import { homeRegion } from '../../aws/regions';
import { kmsMac } from '../../aws/signer';
import type { Scanner } from '../../aws/scanners/types';
import { parseEnv, settingsFromEnv, workerEnvSchema } from '../../core/config';
import type { DeletionResult } from '../../core/deletion-plan';
import { DELETION_METRICS_SERVICE, METRICS_NAMESPACE } from '../../core/metric-names';
import type { DeleterOptions } from '../../aws/deleter';
import type { LogSink } from '../../core/deletion-contract';
import type { DeletionTaskDeps } from './tasks';

/** The part of Powertools Metrics the deletion uses (tests pass a recorder). */
export interface DeletionMetrics {
  addMetric(name: string, unit: (typeof MetricUnit)[keyof typeof MetricUnit], value: number): unknown;
  publishStoredMetrics(): unknown;
}

/** Counts of one deletion as CloudWatch metrics; kept-by-reviewer is the false-positive signal. */
export function publishDeletionMetrics(result: DeletionResult, sink: DeletionMetrics): void {
  sink.addMetric('GroupsDeleted', MetricUnit.Count, result.totals.deleted);
  sink.addMetric('GroupsSkipped', MetricUnit.Count, result.totals.skipped);
  sink.addMetric('GroupsFailed', MetricUnit.Count, result.totals.failed);
  sink.addMetric('GroupsKeptByReviewer', MetricUnit.Count, result.totals.keptByReviewer);
  sink.publishStoredMetrics();
}

export interface DeletionDepsOptions {
  factory?: ClientFactory;
  scanners?: readonly Scanner[];
  deleter?: DeleterOptions;
  batchBudgetMs?: number;
  logger?: LogSink;
  metrics?: DeletionMetrics;
  now?: () => Date;
}

/** A batch hands over to the next after this long, well within the 15-minute Lambda timeout. */
export const BATCH_BUDGET_MS = 10 * 60 * 1000;

/** Builds the tasks' dependencies from the environment (validated before any AWS call). */
export function deletionDepsFromEnv(env: Record<string, string | undefined>, options: DeletionDepsOptions = {}): DeletionTaskDeps {
  const config = parseEnv(workerEnvSchema, env);
  const factory = options.factory ?? new ClientFactory();
  const home = factory.forRegion(homeRegion());
  const s3 = home.get(S3Client);
  const logger = options.logger ?? new Logger({ serviceName: DELETION_METRICS_SERVICE });
  let auditor: Promise<string> | undefined;
  const metrics = options.metrics ?? new Metrics({ namespace: METRICS_NAMESPACE, serviceName: DELETION_METRICS_SERVICE });
  const roles = memberRoleNames(config.MEMBER_ROLE_NAME);
  const member = (roleName: string) => (config.ORGANIZATION ? new MemberCredentials({ sts: home.get(STSClient), roleName }) : undefined);
  return {
    store: s3DeletionStore(s3, config.ARTIFACT_BUCKET),
    approvals: s3ApprovalStore(s3, config.ARTIFACT_BUCKET),
    mac: kmsMac(home.get(KMSClient), config.MAC_KEY_ID),
    factory,
    // Organization mode: a member account's approval is re-audited (and its kept groups tagged)
    // through the member reader role; only the batch deletes, through the member deleter role.
    accounts: accountClients(factory, member(roles.reader)),
    deleterAccounts: accountClients(factory, member(roles.deleter)),
    settings: settingsFromEnv(config),
    notify: async (subject, body) => {
      await publishEmail(home.get(SNSClient), config.TOPIC_ARN, subject, body);
    },
    now: options.now ?? (() => new Date()),
    logger,
    batchBudgetMs: options.batchBudgetMs ?? BATCH_BUDGET_MS,
    recordMetrics: (result) => publishDeletionMetrics(result, metrics),
    integrations: new Integrations({
      factory,
      homeRegion: homeRegion(),
      findings: config.SECURITY_HUB_FINDINGS,
      events: config.INTEGRATION_EVENTS,
      logger,
      // Organization mode: the findings live in this (the auditor) account's hub.
      ...(config.ORGANIZATION ? { hubAccount: () => (auditor ??= currentAccountId(factory)) } : {}),
    }),
    ...(options.scanners ? { scanners: options.scanners } : {}),
    ...(options.deleter ? { deleter: options.deleter } : {}),
  };
}

let cached: DeletionTaskDeps | undefined;

/** The Lambda's dependencies, built once per container. */
export const lambdaDeps = (): DeletionTaskDeps => (cached ??= deletionDepsFromEnv(process.env));
