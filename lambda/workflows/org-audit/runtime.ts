import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { STSClient } from '@aws-sdk/client-sts';
import type { AuditMetrics } from '../../aws/audit-metrics';
import { currentAccountId } from '../../aws/account';
import { Integrations } from '../../aws/integrations';
import { configFromEnv, type AuditLogger } from '../../aws/publish-audit';
import { s3ArtifactStore, type ArtifactStore } from '../../aws/artifact-store';
import { ClientFactory } from '../../aws/client-factory';
import { MemberCredentials, memberRoleNames } from '../../aws/member-role';
import { homeRegion } from '../../aws/regions';
import type { Scanner } from '../../aws/scanners/types';
import { kmsMac } from '../../aws/signer';
import { parseEnv } from '../../core/config';
import { orgAuditEnvSchema } from '../../core/org-config';
import type { MacProvider } from '../../core/token';
import type { OrgAuditConfig } from './org-tasks';

/** What every org-audit task handler shares: validated config and clients, built once per container. */
export interface OrgRuntime {
  config: OrgAuditConfig;
  logger: AuditLogger;
  metrics: AuditMetrics;
  home: ClientFactory;
  store: ArtifactStore;
  sns: SNSClient;
  mac: MacProvider;
  credentials: MemberCredentials;
  /** Findings (in the auditor account's hub: BatchImportFindings takes only the caller's account) and events. */
  integrations?: Integrations;
  /** The scanner registry by default; local runs on moto pass a subset. */
  scanners?: readonly Scanner[];
  now?: () => Date;
}

/** The config a validated org-audit environment describes. */
export function orgConfigFromEnv(env: Record<string, string | undefined>): OrgAuditConfig {
  const parsed = parseEnv(orgAuditEnvSchema, env);
  return { audit: configFromEnv(parsed), accounts: parsed.ACCOUNTS, memberRoleName: parsed.MEMBER_ROLE_NAME, emailPerAccount: parsed.EMAIL_PER_ACCOUNT };
}

let runtime: OrgRuntime | undefined;

/** Parsed once per container, before any AWS call; a bad variable fails every invocation by name. */
export function orgRuntime(service: string): OrgRuntime {
  if (runtime) return runtime;
  const config = orgConfigFromEnv(process.env);
  const home = new ClientFactory();
  const region = home.forRegion(homeRegion());
  runtime = {
    config,
    logger: new Logger({ serviceName: service }),
    metrics: new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'SgAuditor', serviceName: service }),
    home,
    store: s3ArtifactStore(region.get(S3Client), config.audit.bucket),
    sns: region.get(SNSClient),
    mac: kmsMac(region.get(KMSClient), config.audit.macKeyId),
    credentials: new MemberCredentials({ sts: region.get(STSClient), roleName: memberRoleNames(config.memberRoleName).reader }),
  };
  let auditor: Promise<string> | undefined;
  runtime.integrations = new Integrations({
    factory: home,
    homeRegion: homeRegion(),
    findings: config.audit.findings ?? 'auto',
    events: config.audit.events ?? true,
    logger: runtime.logger,
    hubAccount: () => (auditor ??= currentAccountId(home)),
  });
  return runtime;
}
