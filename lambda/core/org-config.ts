import { z } from 'zod';
import { auditEnvSchema, ConfigError, parseBoolean, splitList } from './config';

/**
 * Organization mode's settings, parsed by the same functions for the CDK context, the task
 * handlers' environment and the CLI flags.
 */

export const DEFAULT_MEMBER_ROLE = 'sg-auditor-member';
const ACCOUNT_ID = /^\d{12}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** `all` (every ACTIVE account of the Organization) or a comma list of 12-digit account ids. */
export function parseAccounts(value: string): string[] | 'all' {
  const trimmed = value.trim();
  if (trimmed === 'all') return 'all';
  const ids = splitList(trimmed);
  if (ids.length === 0) throw new ConfigError('expected "all" or a comma-separated list of 12-digit account ids');
  const bad = ids.filter((id) => !ACCOUNT_ID.test(id));
  if (bad.length > 0) throw new ConfigError(`${bad.map((b) => `"${b}"`).join(', ')} ${bad.length === 1 ? 'is not an account id' : 'are not account ids'} (12 digits), nor "all"`);
  return [...new Set(ids)];
}

/** An IAM role name (no path): what the member stack creates in every account. */
export function parseRoleName(value: string): string {
  const trimmed = value.trim();
  if (!ROLE_NAME.test(trimmed)) throw new ConfigError(`"${value}" is not an IAM role name (1-64 letters, digits and + = , . @ _ -)`);
  return trimmed;
}

function parsed<T>(parse: (value: string) => T) {
  return z.string().transform((value, ctx): T => {
    try {
      return parse(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });
}

/** Environment of the org audit's task handlers: the audit's, plus which accounts and how. */
export const orgAuditEnvSchema = auditEnvSchema.extend({
  ACCOUNTS: parsed(parseAccounts).prefault('all'),
  MEMBER_ROLE_NAME: parsed(parseRoleName).prefault(DEFAULT_MEMBER_ROLE),
  EMAIL_PER_ACCOUNT: parsed(parseBoolean).prefault('true'),
});

export type OrgAuditEnv = z.output<typeof orgAuditEnvSchema>;
export type OrgAuditEnvInput = { [K in keyof z.input<typeof orgAuditEnvSchema>]-?: string };
