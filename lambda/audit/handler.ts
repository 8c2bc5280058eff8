import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { s3ArtifactStore } from '../aws/artifact-store';
import { ClientFactory } from '../aws/client-factory';
import { Integrations } from '../aws/integrations';
import { homeRegion } from '../aws/regions';
import { kmsMac } from '../aws/signer';
import { auditEnvSchema, parseEnv } from '../core/config';
import { AUDIT_METRICS_SERVICE, METRICS_NAMESPACE } from '../core/metric-names';
import { configFromEnv, type ScheduledAuditConfig, type ScheduledAuditResult } from '../aws/publish-audit';
import { runScheduledAudit } from './run-scheduled-audit';

const SERVICE = AUDIT_METRICS_SERVICE;
const logger = new Logger({ serviceName: SERVICE });
const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE, serviceName: SERVICE });
// S3, SNS and KMS live in the function's own region, with the same adaptive retries as the audit.
const home = new ClientFactory().forRegion(homeRegion());
const s3 = home.get(S3Client);
const sns = home.get(SNSClient);
const kms = home.get(KMSClient);

let config: ScheduledAuditConfig | undefined;

/** Parsed once per container, before any AWS call; a bad variable fails every invocation by name. */
function loadConfig(): ScheduledAuditConfig {
  config ??= configFromEnv(parseEnv(auditEnvSchema, process.env));
  return config;
}

/** EventBridge scheduled event -> one audit. The event carries nothing the audit needs. */
export const handler = async (_event: ScheduledEvent, context?: Context): Promise<ScheduledAuditResult> => {
  if (context) logger.addContext(context);
  const cfg = loadConfig();
  // A new factory per run: its call counter is the run's API-call count.
  const factory = new ClientFactory();
  try {
    return await runScheduledAudit(cfg, {
      factory,
      store: s3ArtifactStore(s3, cfg.bucket),
      mac: kmsMac(kms, cfg.macKeyId),
      sns,
      logger,
      metrics,
      integrations: new Integrations({ factory, homeRegion: homeRegion(), findings: cfg.findings ?? 'auto', events: cfg.events ?? true, logger }),
    });
  } finally {
    factory.destroy();
  }
};
