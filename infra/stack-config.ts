import {
  auditEnvSchema,
  type WorkerEnvInput,
  type AuditEnvInput,
  ConfigError,
  DEFAULT_LINK_VALIDITY_DAYS,
  DEFAULT_IDLE_DAYS,
  DEFAULT_MIN_AGE_DAYS,
  DEFAULT_NAME_PATTERNS,
  DEFAULT_PRODUCTION_TAG,
  DEFAULT_PROTECT_TAG,
  MAX_IDLE_DAYS,
  MAX_MIN_AGE_DAYS,
  parseBoolean,
  parseFindingsMode,
  type FindingsMode,
  parseLinkValidityDays,
  parseNamePatterns,
  parseNonNegativeInt,
  parseProtectTag,
  parseRegions,
  parseSkipSources,
  parseWholeNumber,
  splitList,
} from '../lambda/core/config';
import type { SourceId, TagSpec } from '../lambda/core/model';
import { DEFAULT_MEMBER_ROLE, parseAccounts, parseRoleName } from '../lambda/core/org-config';

/**
 * The stack's configuration, read from CDK context (`-c key=value` or cdk.json) with the
 * parsers the Lambdas use, so a value synth accepts is a value the Lambdas accept.
 */

export const DEFAULT_SCHEDULE = 'cron(0 2 1 * ? *)';
export const DEFAULT_ARTIFACT_RETENTION_DAYS = 400;

export interface StackConfig {
  notificationEmail: string;
  schedule: string;
  regions: string[] | 'all';
  skipSources: SourceId[];
  protectTag: TagSpec;
  /** The tag the approval role may not delete; the Lambdas classify it `protected`. */
  productionTag: TagSpec;
  protectNamePatterns: string[];
  minAgeDays: number;
  /** recent-activity's window (0 = off). */
  idleDays: number;
  linkValidityDays: number;
  artifactRetentionDays: number;
  dryRun: boolean;
  emailWhenClean: boolean;
  /** S3 Object Lock (governance mode, artifactRetentionDays) on the artifact bucket: context objectLock. */
  objectLock: boolean;
  /** Organization mode: the audit state machine over every account instead of one account. */
  organization: boolean;
  accounts: string[] | 'all';
  memberRoleName: string;
  /** OU (or root) ids the member-role StackSet deploys to; none = no StackSet. */
  memberStackSetTargets: string[];
  /** Child executions of the audit's Distributed Map at once (each audits a batch of items). */
  maxConcurrency: number;
  emailPerAccount: boolean;
  /** Candidates as Security Hub findings: auto (where the hub is enabled), on, off. */
  securityHubFindings: FindingsMode;
  /** sg-auditor events on the default EventBridge bus. */
  integrationEvents: boolean;
  /** The Organization's id (o-...): the member role trusts principals of this organization only. */
  organizationId?: string;
  /** The auditor's account, the default of the member stack's AuditorAccountId parameter (standalone deploys). */
  auditorAccountId?: string;
  /** Signed-in approval: a Cognito user pool, and the front requires a member of approversGroup. */
  approverSignIn: boolean;
  approversGroup: string;
  /** The Cognito hosted sign-in domain prefix (unique in the region); default sg-auditor-<account>. */
  signInDomainPrefix?: string;
  /** 2: two different signed-in approvers must confirm before a deletion starts (needs approverSignIn). */
  approvalsRequired: 1 | 2;
}

export const DEFAULT_MAX_CONCURRENCY = 100;
export const DEFAULT_APPROVERS_GROUP = 'sg-auditor-approvers';

/** 1, or 2 for two-person approval. */
export function parseApprovalsRequired(value: string): 1 | 2 {
  const n = value.trim();
  if (n === '1' || n === '2') return Number(n) as 1 | 2;
  throw new ConfigError('expected 1 or 2');
}

/** A Cognito group name (1-128 characters, no whitespace). */
export function parseGroupName(value: string): string {
  const name = value.trim();
  if (!/^[^\s]{1,128}$/u.test(name)) throw new ConfigError('expected a group name of 1 to 128 characters without spaces, e.g. sg-auditor-approvers');
  return name;
}

/** A Cognito domain prefix: lowercase letters, digits and hyphens, 1-63, without aws, amazon or cognito. */
export function parseDomainPrefix(value: string): string {
  const prefix = value.trim();
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(prefix)) throw new ConfigError('expected lowercase letters, digits and hyphens (1-63, not starting or ending with a hyphen)');
  if (/aws|amazon|cognito/.test(prefix)) throw new ConfigError('Cognito reserves prefixes containing aws, amazon or cognito');
  return prefix;
}

/** Context keys, each with the example shown in the `-c key=value` fix of its error. */
export const CONTEXT_EXAMPLES = {
  notificationEmail: 'you@example.com',
  schedule: DEFAULT_SCHEDULE,
  regions: 'us-east-1,eu-west-1',
  skipSources: 'mwaa,workspaces',
  protectTag: DEFAULT_PROTECT_TAG,
  productionTag: DEFAULT_PRODUCTION_TAG,
  protectNamePatterns: DEFAULT_NAME_PATTERNS.join(','),
  minAgeDays: String(DEFAULT_MIN_AGE_DAYS),
  idleDays: String(DEFAULT_IDLE_DAYS),
  linkValidityDays: String(DEFAULT_LINK_VALIDITY_DAYS),
  artifactRetentionDays: String(DEFAULT_ARTIFACT_RETENTION_DAYS),
  dryRun: 'false',
  emailWhenClean: 'true',
  organization: 'true',
  organizationId: 'o-a1b2c3d4e5',
  auditorAccountId: '111122223333',
  accounts: 'all',
  memberRoleName: DEFAULT_MEMBER_ROLE,
  memberStackSetTargets: 'ou-ab12-cdef3456,ou-ab12-ghij7890',
  maxConcurrency: String(DEFAULT_MAX_CONCURRENCY),
  emailPerAccount: 'true',
  securityHubFindings: 'auto',
  integrationEvents: 'true',
  objectLock: 'true',
  approverSignIn: 'true',
  approversGroup: DEFAULT_APPROVERS_GROUP,
  signInDomainPrefix: 'sg-auditor-example-corp',
  approvalsRequired: '2',
} as const;

export type ContextKey = keyof typeof CONTEXT_EXAMPLES;
export type ContextReader = (key: ContextKey) => unknown;

// A deliberately plain check: SNS validates the address for real when it sends the confirmation.
const EMAIL = /^[^\s@,;]+@[^\s@,;]+\.[^\s@,;]+$/;
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;

function fix(key: ContextKey, example: string = CONTEXT_EXAMPLES[key]): string {
  return `fix: cdk deploy -c ${key}=${quoteForShell(example)}`;
}

function quoteForShell(value: string): string {
  return /^[\w@.,:=/+-]+$/.test(value) ? value : `'${value}'`;
}

/** Context may come from the command line (strings) or cdk.json (any JSON): normalise to text. */
function asText(key: ContextKey, raw: unknown): string {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
  if (Array.isArray(raw) && raw.every((item) => typeof item === 'string')) return raw.join(',');
  throw new ConfigError(`context "${key}" must be a string, got ${JSON.stringify(raw)}; ${fix(key)}`);
}

/** Validates an EventBridge schedule expression: `rate(N unit)` or a six-field `cron(...)`. */
export function parseSchedule(value: string): string {
  const trimmed = value.trim();
  const rate = RATE.exec(trimmed);
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2] ?? '';
    if (n < 1) throw new ConfigError(`"${trimmed}": a rate must be at least 1`);
    // EventBridge insists on the singular for 1 and the plural otherwise.
    if ((n === 1) !== !unit.endsWith('s')) {
      throw new ConfigError(`"${trimmed}": write "rate(1 ${unit.replace(/s$/, '')})" for one, "rate(${n} ${unit.replace(/s?$/, 's')})" otherwise`);
    }
    return trimmed;
  }
  const cron = CRON.exec(trimmed);
  if (!cron) throw new ConfigError(`"${trimmed}" is not a schedule: expected cron(min hour day-of-month month day-of-week year) or rate(N unit)`);
  const fields = (cron[1] ?? '').trim().split(/\s+/).filter((f) => f.length > 0);
  if (fields.length !== 6) {
    throw new ConfigError(`"${trimmed}" has ${fields.length} cron fields; EventBridge needs 6 (minutes hours day-of-month month day-of-week year)`);
  }
  if (fields[2] !== '?' && fields[4] !== '?') {
    throw new ConfigError(`"${trimmed}": one of day-of-month and day-of-week must be "?"`);
  }
  return `cron(${fields.join(' ')})`;
}

function parseEmail(value: string): string {
  const trimmed = value.trim();
  if (!EMAIL.test(trimmed)) throw new ConfigError(`"${value}" is not an email address`);
  return trimmed;
}

const OU_OR_ROOT = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/** A comma list of OU ids (ou-xxxx-xxxxxxxx) or the root id (r-xxxx). */
function parseOuTargets(value: string): string[] {
  const ids = splitList(value);
  const bad = ids.filter((id) => !OU_OR_ROOT.test(id));
  if (bad.length > 0) throw new ConfigError(`${bad.map((b) => `"${b}"`).join(', ')}: expected organizational unit ids (ou-xxxx-xxxxxxxx) or the root id (r-xxxx)`);
  return [...new Set(ids)];
}

function parseOrganizationId(value: string): string {
  const trimmed = value.trim();
  if (!ORGANIZATION_ID.test(trimmed)) throw new ConfigError(`"${value}" is not an organization id (o- and 10 to 32 letters or digits; aws organizations describe-organization shows it)`);
  return trimmed;
}

function parseAccountId(value: string): string {
  const trimmed = value.trim();
  if (!/^\d{12}$/.test(trimmed)) throw new ConfigError(`"${value}" is not an AWS account id (12 digits)`);
  return trimmed;
}

function parseMaxConcurrency(value: string): number {
  return parseWholeNumber(value, 'maxConcurrency', 1, 10_000);
}

/** S3 lifecycle expirations are at least a day; the upper bound is ten years. */
const MAX_ARTIFACT_RETENTION_DAYS = 3650;

/**
 * Reads and validates every context key. Throws one ConfigError naming the key and showing
 * the `-c key=value` that fixes it.
 */
export function readStackConfig(context: ContextReader): StackConfig {
  function read<T>(key: ContextKey, parse: (value: string) => T, fallback?: string): T {
    const raw = context(key);
    // An explicit empty value means "none" (as in the Lambda environment); only absence means the default.
    const text = raw === undefined || raw === null ? fallback : asText(key, raw);
    if (text === undefined || (fallback === undefined && text.trim() === '')) {
      throw new ConfigError(`context "${key}" is required; ${fix(key)}`);
    }
    try {
      return parse(text);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      throw new ConfigError(`context "${key}" is invalid: ${error.message}; ${fix(key)}`);
    }
  }

  const config: StackConfig = {
    notificationEmail: read('notificationEmail', parseEmail),
    schedule: read('schedule', parseSchedule, DEFAULT_SCHEDULE),
    regions: read('regions', parseRegions, 'all'),
    skipSources: read('skipSources', parseSkipSources, ''),
    protectTag: read('protectTag', parseProtectTag, DEFAULT_PROTECT_TAG),
    productionTag: read('productionTag', parseProtectTag, DEFAULT_PRODUCTION_TAG),
    protectNamePatterns: read('protectNamePatterns', (v) => parseNamePatterns(splitList(v)), DEFAULT_NAME_PATTERNS.join(',')),
    minAgeDays: read('minAgeDays', (v) => parseNonNegativeInt(v, 'minAgeDays', MAX_MIN_AGE_DAYS), String(DEFAULT_MIN_AGE_DAYS)),
    idleDays: read('idleDays', (v) => parseNonNegativeInt(v, 'idleDays', MAX_IDLE_DAYS), String(DEFAULT_IDLE_DAYS)),
    linkValidityDays: read('linkValidityDays', (v) => parseLinkValidityDays(v, 'linkValidityDays'), String(DEFAULT_LINK_VALIDITY_DAYS)),
    artifactRetentionDays: read('artifactRetentionDays', (v) => parseWholeNumber(v, 'artifactRetentionDays', 1, MAX_ARTIFACT_RETENTION_DAYS), String(DEFAULT_ARTIFACT_RETENTION_DAYS)),
    dryRun: read('dryRun', parseBoolean, 'false'),
    emailWhenClean: read('emailWhenClean', parseBoolean, 'true'),
    organization: read('organization', parseBoolean, 'false'),
    accounts: read('accounts', parseAccounts, 'all'),
    memberRoleName: read('memberRoleName', parseRoleName, DEFAULT_MEMBER_ROLE),
    memberStackSetTargets: read('memberStackSetTargets', parseOuTargets, ''),
    maxConcurrency: read('maxConcurrency', parseMaxConcurrency, String(DEFAULT_MAX_CONCURRENCY)),
    emailPerAccount: read('emailPerAccount', parseBoolean, 'true'),
    securityHubFindings: read('securityHubFindings', parseFindingsMode, 'auto'),
    integrationEvents: read('integrationEvents', parseBoolean, 'true'),
    objectLock: read('objectLock', parseBoolean, 'false'),
    approverSignIn: read('approverSignIn', parseBoolean, 'false'),
    approversGroup: read('approversGroup', parseGroupName, DEFAULT_APPROVERS_GROUP),
    approvalsRequired: read('approvalsRequired', parseApprovalsRequired, '1'),
  };
  if (config.approvalsRequired === 2 && !config.approverSignIn) {
    throw new ConfigError(`context "approvalsRequired" is 2, which needs signed-in approval (two approvals are told apart by who signed in); fix: cdk deploy -c approverSignIn=true -c approvalsRequired=2`);
  }
  if (context('signInDomainPrefix') !== undefined) config.signInDomainPrefix = read('signInDomainPrefix', parseDomainPrefix);
  if (context('organizationId') !== undefined) config.organizationId = read('organizationId', parseOrganizationId);
  if (context('auditorAccountId') !== undefined) config.auditorAccountId = read('auditorAccountId', parseAccountId);
  if (config.organization && !config.organizationId) {
    throw new ConfigError(`context "organizationId" is required with organization=true (the member role trusts only principals of this organization); ${fix('organizationId')}`);
  }
  // The approval Lambda reads the report when the link is used: it must outlive the link.
  if (config.artifactRetentionDays <= config.linkValidityDays) {
    throw new ConfigError(
      `context "artifactRetentionDays" (${config.artifactRetentionDays}) must be greater than linkValidityDays (${config.linkValidityDays}), ` +
        `or approval links would outlive their reports; ${fix('artifactRetentionDays')}`,
    );
  }
  assertLambdasAccept(config);
  return config;
}

/**
 * Context keys that belong to the CDK itself, not to this stack: feature flags and settings
 * (`@aws-cdk/...`), what the CDK CLI passes (`aws:cdk:...`, `cli-telemetry`), lookups cached in
 * cdk.context.json (`availability-zones:account=...`), and the few plain names the CDK reads.
 */
const CDK_PLAIN_KEYS: ReadonlySet<string> = new Set(['cli-telemetry', 'acknowledged-issue-numbers', 'assets-ecr-repository-name']);

function isCdkKey(key: string): boolean {
  return key.startsWith('@') || key.includes(':') || CDK_PLAIN_KEYS.has(key);
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const next = [i];
    for (let j = 1; j <= b.length; j += 1) {
      next[j] = Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

/** The stack's key an unknown key was most likely meant to be (case, dashes and small typos forgiven). */
export function closestContextKey(key: string): ContextKey | undefined {
  const norm = (k: string) => k.toLowerCase().replace(/[^a-z0-9]/g, '');
  const keys = Object.keys(CONTEXT_EXAMPLES) as ContextKey[];
  const scored = keys.map((k) => ({ k, d: distance(norm(key), norm(k)) })).sort((x, y) => x.d - y.d);
  const best = scored[0];
  return best && best.d <= Math.max(2, Math.floor(best.k.length / 4)) ? best.k : undefined;
}

/**
 * Rejects context keys the stack does not know (a mistyped `-c minAgeDay=14` would otherwise
 * be ignored and the default deployed), naming the closest key; the CDK's own keys pass.
 */
export function checkContextKeys(keys: readonly string[]): void {
  const unknown = keys.filter((k) => !Object.hasOwn(CONTEXT_EXAMPLES, k) && !isCdkKey(k));
  if (unknown.length === 0) return;
  const lines = unknown.map((k) => {
    const guess = closestContextKey(k);
    return `context "${k}" is not a setting of this stack${guess ? `; did you mean ${guess}? (fix: cdk deploy -c ${guess}=...)` : ''}`;
  });
  throw new ConfigError(`${lines.join('\n')}\nsettings: ${Object.keys(CONTEXT_EXAMPLES).join(', ')}`);
}

type SharedKeys =
  | 'REGIONS'
  | 'SKIP_SOURCES'
  | 'PROTECT_TAG'
  | 'PRODUCTION_TAG'
  | 'PROTECT_NAME_PATTERNS'
  | 'MIN_AGE_DAYS'
  | 'IDLE_DAYS'
  | 'SECURITY_HUB_FINDINGS'
  | 'INTEGRATION_EVENTS';
type AuditOnlyKeys = 'LINK_VALIDITY_DAYS' | 'DRY_RUN' | 'EMAIL_WHEN_CLEAN';

/** The configuration both Lambdas read, as their environment variables. */
export function sharedEnvironment(config: StackConfig): Pick<WorkerEnvInput, SharedKeys> {
  return {
    REGIONS: config.regions === 'all' ? 'all' : config.regions.join(','),
    SKIP_SOURCES: config.skipSources.join(','),
    PROTECT_TAG: `${config.protectTag.key}=${config.protectTag.value}`,
    PRODUCTION_TAG: `${config.productionTag.key}=${config.productionTag.value}`,
    PROTECT_NAME_PATTERNS: config.protectNamePatterns.join(','),
    MIN_AGE_DAYS: String(config.minAgeDays),
    SECURITY_HUB_FINDINGS: config.securityHubFindings,
    INTEGRATION_EVENTS: String(config.integrationEvents),
    IDLE_DAYS: String(config.idleDays),
  };
}

/** The configuration only the audit Lambda reads, as its environment variables. */
export function auditOnlyEnvironment(config: StackConfig): Pick<AuditEnvInput, AuditOnlyKeys> {
  return {
    LINK_VALIDITY_DAYS: String(config.linkValidityDays),
    DRY_RUN: String(config.dryRun),
    EMAIL_WHEN_CLEAN: String(config.emailWhenClean),
  };
}

/** Round-trips the environment through the Lambdas' own schema, so synth fails where a cold start would. */
function assertLambdasAccept(config: StackConfig): void {
  const env = { ...sharedEnvironment(config), ...auditOnlyEnvironment(config) };
  const schema = auditEnvSchema.pick({
    REGIONS: true,
    SKIP_SOURCES: true,
    PROTECT_TAG: true,
    PRODUCTION_TAG: true,
    PROTECT_NAME_PATTERNS: true,
    MIN_AGE_DAYS: true,
    SECURITY_HUB_FINDINGS: true,
    INTEGRATION_EVENTS: true,
    IDLE_DAYS: true,
    LINK_VALIDITY_DAYS: true,
    DRY_RUN: true,
    EMAIL_WHEN_CLEAN: true,
  });
  const result = schema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`the Lambdas would reject this configuration:\n  ${lines.join('\n  ')}`);
  }
}
