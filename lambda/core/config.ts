import { z } from 'zod';
import { compileNamePatterns } from './classify';
import { isSourceId, SOURCE_IDS, type AuditSettings, type SourceId, type TagSpec } from './model';
import { MAX_LINK_VALIDITY_DAYS } from './token';

/**
 * Configuration, parsed and validated once. The same parsers serve the Lambda environment,
 * the CLI flags and the CDK context, so all three accept exactly the same values.
 */

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
export const DEFAULT_PROTECT_TAG = 'DoNotDelete=true';
/** The tag the stack's IAM refuses to delete, so groups carrying it are protected (DESIGN.md). */
export const DEFAULT_PRODUCTION_TAG = 'Environment=Production';
export const DEFAULT_NAME_PATTERNS = ['prod-*', '*-live', 'critical-*'];
export const DEFAULT_MIN_AGE_DAYS = 7;
export const DEFAULT_LINK_VALIDITY_DAYS = 7;
/** recent-activity's window: CloudTrail event history keeps 90 days. 0 turns the check off. */
export const DEFAULT_IDLE_DAYS = 90;
export const MAX_IDLE_DAYS = 90;
/** The accepted ranges, the same for the Lambda environment, the CLI flags and the CDK context. */
export const MAX_MIN_AGE_DAYS = 90;
export const MIN_LINK_VALIDITY_DAYS = 1;
/** The link's bound lives with the token, which refuses anything further ahead. */
export { MAX_LINK_VALIDITY_DAYS };

/** `all` or a comma list of region names. */
export function parseRegions(value: string): string[] | 'all' {
  const trimmed = value.trim();
  if (trimmed === 'all') return 'all';
  const regions = splitList(trimmed);
  if (regions.length === 0) throw new ConfigError('expected "all" or a comma-separated list of regions, e.g. us-east-1,eu-west-1');
  for (const region of regions) {
    if (!REGION.test(region)) throw new ConfigError(`"${region}" is not a region name (e.g. us-east-1), nor "all"`);
  }
  return [...new Set(regions)];
}

/**
 * The ground truth of attachment and configuration (DESIGN.md, Scanners): without them any
 * group could look unused, so no configuration may exclude them.
 */
export const UNSKIPPABLE_SOURCES: readonly SourceId[] = [
  'network-interfaces',
  'ec2-instances',
  'launch-templates',
  'launch-configurations',
  'sg-rule-references',
];

/**
 * A comma list of source ids (DESIGN.md) to exclude; unknown ids are rejected, listing the valid
 * ones, and so are the ground-truth sources, which cannot be excluded.
 */
export function parseSkipSources(value: string): SourceId[] {
  const ids = splitList(value);
  const bad = ids.filter((id) => !isSourceId(id));
  if (bad.length > 0) {
    throw new ConfigError(`unknown source ${bad.map((b) => `"${b}"`).join(', ')}; valid sources: ${SOURCE_IDS.join(', ')}`);
  }
  const ground = ids.filter((id) => UNSKIPPABLE_SOURCES.includes(id as SourceId));
  if (ground.length > 0) {
    throw new ConfigError(
      `${ground.map((g) => `"${g}"`).join(', ')} cannot be skipped: ${UNSKIPPABLE_SOURCES.join(', ')} are the ground truth ` +
        'of what uses a group, and without them any group could look unused; remove it from the list',
    );
  }
  return [...new Set(ids)] as SourceId[];
}

/** `Key=Value`: a protection or production tag. */
export function parseProtectTag(value: string): TagSpec {
  const at = value.indexOf('=');
  const key = at > 0 ? value.slice(0, at).trim() : '';
  if (!key || key.length > 128) throw new ConfigError(`expected Key=Value (e.g. ${DEFAULT_PROTECT_TAG}), got "${value}"`);
  return { key, value: value.slice(at + 1).trim() };
}

/** Name globs (`*`, `?`, `[...]`); each must compile. */
export function parseNamePatterns(values: readonly string[]): string[] {
  const patterns = values.map((p) => p.trim()).filter((p) => p.length > 0);
  for (const pattern of patterns) {
    if (pattern.length > 255) throw new ConfigError(`name pattern "${pattern.slice(0, 40)}..." is longer than 255 characters`);
    try {
      compileNamePatterns([pattern]);
    } catch (error) {
      throw new ConfigError(`name pattern "${pattern}" is not a valid glob: ${(error as Error).message}`);
    }
  }
  return patterns;
}

export function parseNonNegativeInt(value: string, what: string, max = 3650): number {
  return parseWholeNumber(value, what, 0, max);
}

/** A whole number from `min` to `max`; the message states exactly that range. */
export function parseWholeNumber(value: string, what: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n < min || n > max) {
    throw new ConfigError(`${what} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

/** Days an approval link stays valid. */
export function parseLinkValidityDays(value: string, what: string): number {
  return parseWholeNumber(value, what, MIN_LINK_VALIDITY_DAYS, MAX_LINK_VALIDITY_DAYS);
}

/** A security group id: "sg-" and hex digits (8 or 17 on AWS), e.g. sg-0123456789abcdef0. */
export function parseGroupId(value: string): string {
  const id = value.trim();
  if (!/^sg-[0-9a-f]+$/.test(id)) {
    throw new ConfigError(`"${value}" is malformed: a security group id is "sg-" and hex digits, e.g. sg-0123456789abcdef0`);
  }
  return id;
}

export function parseBoolean(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new ConfigError(`expected true or false, got "${value}"`);
}

/** Security Hub findings: `auto` (where the hub is enabled in the region), `on` (a disabled hub is an error in the log), `off`. */
export type FindingsMode = 'auto' | 'on' | 'off';

export function parseFindingsMode(value: string): FindingsMode {
  const v = value.trim().toLowerCase();
  if (v === 'auto' || v === 'on' || v === 'off') return v;
  if (v === 'true') return 'on';
  if (v === 'false') return 'off';
  throw new ConfigError(`expected auto, on or off, got "${value}"`);
}

export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/** Wraps a parser as a zod transform so errors come out as issues naming the variable. */
export function parsed<T>(parse: (value: string) => T) {
  return z.string().transform((value, ctx): T => {
    try {
      return parse(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });
}

const nonEmpty = (hint: string) => z.string({ error: `required: ${hint}` }).min(1, `required: ${hint}`);

/** Environment shared by the audit and the approval Lambdas. */
export const commonEnvSchema = z.object({
  ARTIFACT_BUCKET: nonEmpty('the name of the S3 bucket for reports, backups and trails'),
  TOPIC_ARN: nonEmpty('the ARN of the SNS topic that emails the reviewers').regex(/^arn:aws[a-z-]*:sns:/, 'must be an SNS topic ARN (arn:aws:sns:...)'),
  MAC_KEY_ID: nonEmpty('the id, ARN or alias of the KMS HMAC_256 key that signs approval links'),
  REGIONS: parsed(parseRegions).prefault('all'),
  SKIP_SOURCES: parsed(parseSkipSources).prefault(''),
  PROTECT_TAG: parsed(parseProtectTag).prefault(DEFAULT_PROTECT_TAG),
  PRODUCTION_TAG: parsed(parseProtectTag).prefault(DEFAULT_PRODUCTION_TAG),
  PROTECT_NAME_PATTERNS: parsed((v) => parseNamePatterns(splitList(v))).prefault(DEFAULT_NAME_PATTERNS.join(',')),
  MIN_AGE_DAYS: parsed((v) => parseNonNegativeInt(v, 'MIN_AGE_DAYS', MAX_MIN_AGE_DAYS)).prefault(String(DEFAULT_MIN_AGE_DAYS)),
  /** Candidates as Security Hub findings (docs/integrations.md). */
  SECURITY_HUB_FINDINGS: parsed(parseFindingsMode).prefault('auto'),
  /** sg-auditor events on the default EventBridge bus (docs/integrations.md). */
  INTEGRATION_EVENTS: parsed(parseBoolean).prefault('true'),
  IDLE_DAYS: parsed((v) => parseNonNegativeInt(v, 'IDLE_DAYS', MAX_IDLE_DAYS)).prefault(String(DEFAULT_IDLE_DAYS)),
});

export const auditEnvSchema = commonEnvSchema.extend({
  APPROVAL_URL: nonEmpty('the approval function URL (a stack output)').url('must be a URL, e.g. https://abc.lambda-url.us-east-1.on.aws/'),
  LINK_VALIDITY_DAYS: parsed((v) => parseLinkValidityDays(v, 'LINK_VALIDITY_DAYS')).prefault(String(DEFAULT_LINK_VALIDITY_DAYS)),
  DRY_RUN: parsed(parseBoolean).prefault('false'),
  EMAIL_WHEN_CLEAN: parsed(parseBoolean).prefault('true'),
});

/** The role every member account of an Organization offers the auditor (the SgAuditorMember stack). */
export const DEFAULT_MEMBER_ROLE = 'sg-auditor-member';
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** An IAM role name (no path): what the member stack creates in every account. */
export function parseRoleName(value: string): string {
  const trimmed = value.trim();
  if (!ROLE_NAME.test(trimmed)) throw new ConfigError(`"${value}" is not an IAM role name (1-64 letters, digits and + = , . @ _ -)`);
  return trimmed;
}

/** Organization mode: links and deletions for member accounts too (false: this account only). */
const ORGANIZATION = parsed(parseBoolean).prefault('false');

/** The approval front: verifies links, reads reports, takes the lock, starts the workflow. */
export const approveEnvSchema = z.object({
  ARTIFACT_BUCKET: commonEnvSchema.shape.ARTIFACT_BUCKET,
  MAC_KEY_ID: commonEnvSchema.shape.MAC_KEY_ID,
  STATE_MACHINE_ARN: nonEmpty('the ARN of the deletion state machine (a stack output)').regex(/^arn:aws[a-z-]*:states:/, 'must be a Step Functions state machine ARN'),
  ORGANIZATION,
});

/**
 * The deletion workflow's task Lambdas. MAC_KEY_ID: the started task verifies the signed link in
 * the approval lock (only its role may call VerifyMac). In organization mode they act in a member
 * account through MEMBER_ROLE_NAME.
 */
export const workerEnvSchema = commonEnvSchema.extend({
  ORGANIZATION,
  MEMBER_ROLE_NAME: parsed(parseRoleName).prefault(DEFAULT_MEMBER_ROLE),
});

export type AuditEnv = z.output<typeof auditEnvSchema>;
export type ApproveEnv = z.output<typeof approveEnvSchema>;
/** What the CDK stack must pass: every key present, as strings (a missing one fails to compile). */
export type AuditEnvInput = { [K in keyof z.input<typeof auditEnvSchema>]-?: string };
export type ApproveEnvInput = { [K in keyof z.input<typeof approveEnvSchema>]-?: string };
export type WorkerEnv = z.output<typeof workerEnvSchema>;
export type WorkerEnvInput = { [K in keyof z.input<typeof workerEnvSchema>]-?: string };

/** Parses an environment, throwing one ConfigError that names every bad variable and its fix. */
export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
}

/** The audit settings a parsed environment describes. */
export function settingsFromEnv(env: Omit<z.output<typeof commonEnvSchema>, 'MAC_KEY_ID'>): AuditSettings {
  return {
    regions: env.REGIONS,
    skipSources: env.SKIP_SOURCES,
    protectTags: [env.PROTECT_TAG],
    productionTags: [env.PRODUCTION_TAG],
    protectNamePatterns: env.PROTECT_NAME_PATTERNS,
    minAgeDays: env.MIN_AGE_DAYS,
    idleDays: env.IDLE_DAYS,
  };
}
