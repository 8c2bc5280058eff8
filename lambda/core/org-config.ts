import { z } from 'zod';
import { auditEnvSchema, ConfigError, DEFAULT_MEMBER_ROLE, parseBoolean, parsed, parseRoleName, splitList } from './config';

export { DEFAULT_MEMBER_ROLE, parseRoleName };

/**
 * Organization mode's settings, parsed by the same functions for the CDK context, the task
 * handlers' environment and the CLI flags.
 */

const ACCOUNT_ID = /^\d{12}$/;

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


/** Environment of the org audit's task handlers: the audit's, plus which accounts and how. */
export const orgAuditEnvSchema = auditEnvSchema.extend({
  ACCOUNTS: parsed(parseAccounts).prefault('all'),
  MEMBER_ROLE_NAME: parsed(parseRoleName).prefault(DEFAULT_MEMBER_ROLE),
  EMAIL_PER_ACCOUNT: parsed(parseBoolean).prefault('true'),
});

export type OrgAuditEnv = z.output<typeof orgAuditEnvSchema>;
export type OrgAuditEnvInput = { [K in keyof z.input<typeof orgAuditEnvSchema>]-?: string };
