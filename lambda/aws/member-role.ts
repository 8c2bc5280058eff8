import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import { ClientFactory, type ClientFactoryOptions, type CredentialsProvider } from './client-factory';
import { toScanError } from './errors';
import { homeRegion } from './regions';

/**
 * Cross-account access: the auditor assumes a role in each member account (deployed by the
 * SgAuditorMember stack or its StackSet) and audits with those credentials. One ClientFactory
 * per account, so clients stay one per service, region and account.
 */

export const DEFAULT_MEMBER_ROLE_NAME = 'sg-auditor-member';

/**
 * The two roles the member stack deploys from one base name (memberRoleName): the reader, assumed
 * by the audit items, the re-audit before a deletion and the keep tagging (read actions and the
 * two keep tags), and the deleter, assumed only by the deletion batch (DeleteSecurityGroup and
 * Revoke*, in the configured regions, never a Production, protected or stack-managed group).
 */
export function memberRoleNames(base: string): { reader: string; deleter: string } {
  const names = { reader: `${base}-reader`, deleter: `${base}-deleter` };
  if (!isRoleName(names.reader) || !isRoleName(names.deleter)) {
    throw new Error(`memberRoleName "${base}" is too long: ${names.deleter} must be a role name of at most 64 characters`);
  }
  return names;
}
/** Session names show in the member's CloudTrail: they say who called. */
export const DEFAULT_SESSION_NAME = 'sg-auditor';
/** What the auditor's worker roles need to reach a member. */
export const ASSUME_ROLE_ACTIONS = ['sts:AssumeRole'] as const;

const ACCOUNT_ID = /^\d{12}$/;
/** IAM role names: 1-64 of letters, digits and + = , . @ _ - (no path). */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
/** Refresh this long before the credentials expire, so no call starts with credentials about to lapse. */
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export const isAccountId = (value: string): boolean => ACCOUNT_ID.test(value);
export const isRoleName = (value: string): boolean => ROLE_NAME.test(value);

/** The partition of a region (arn:aws, arn:aws-cn, arn:aws-us-gov). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function memberRoleArn(accountId: string, roleName: string, region: string = homeRegion()): string {
  return `arn:${partitionOf(region)}:iam::${accountId}:role/${roleName}`;
}

/** The member role could not be assumed: that account cannot be audited (its groups stay unknown). */
export class AssumeRoleError extends Error {
  override readonly name = 'AssumeRoleError';
  constructor(
    readonly roleArn: string,
    /** The STS error code (AccessDenied, RegionDisabledException, ...). */
    readonly code: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot assume ${roleArn}: ${code}: ${detail}`, options);
  }
}

export interface MemberCredentialsOptions {
  /** STS in the auditor's own account (the worker role's credentials), home region. */
  sts: STSClient;
  roleName: string;
  sessionName?: string;
  durationSeconds?: number;
  now?: () => Date;
}

type Credentials = Awaited<ReturnType<CredentialsProvider>>;

/**
 * Assumed-role credentials per member account, cached and refreshed before they expire.
 * Concurrent callers for one account share one AssumeRole call; a failure is not cached,
 * so a retried item asks STS again.
 */
export class MemberCredentials {
  readonly roleName: string;
  private readonly sessionName: string;
  private readonly cache = new Map<string, Promise<Credentials>>();

  constructor(private readonly options: MemberCredentialsOptions) {
    if (!isRoleName(options.roleName)) throw new Error(`"${options.roleName}" is not an IAM role name`);
    this.roleName = options.roleName;
    this.sessionName = options.sessionName ?? DEFAULT_SESSION_NAME;
    if (!SESSION_NAME.test(this.sessionName)) throw new Error(`"${this.sessionName}" is not a valid STS session name`);
  }

  roleArn(accountId: string): string {
    return memberRoleArn(accountId, this.roleName);
  }

  /** Credentials for the account's member role; throws AssumeRoleError when STS refuses. */
  resolve(accountId: string): Promise<Credentials> {
    if (!isAccountId(accountId)) return Promise.reject(new Error(`"${accountId}" is not an AWS account id`));
    const now = (this.options.now ?? (() => new Date()))().getTime();
    const cached = this.cache.get(accountId);
    if (cached) {
      return cached.then((creds) => {
        if (!creds.expiration || creds.expiration.getTime() - now >= REFRESH_MARGIN_MS) return creds;
        // Another caller may already be refreshing: share its call.
        const current = this.cache.get(accountId);
        return current && current !== cached ? current : this.refresh(accountId);
      });
    }
    return this.refresh(accountId);
  }

  /** The SDK's `credentials` option for every client in that account. */
  provider(accountId: string): CredentialsProvider {
    return () => this.resolve(accountId);
  }

  /** A ClientFactory whose every client acts in `accountId` through the member role. */
  factoryFor(accountId: string, options: Omit<ClientFactoryOptions, 'credentials'> = {}): ClientFactory {
    return new ClientFactory({ ...options, credentials: this.provider(accountId), identity: this.roleArn(accountId) });
  }

  private refresh(accountId: string): Promise<Credentials> {
    const roleArn = this.roleArn(accountId);
    const pending = this.assume(roleArn);
    this.cache.set(accountId, pending);
    pending.catch(() => {
      if (this.cache.get(accountId) === pending) this.cache.delete(accountId);
    });
    return pending;
  }

  private async assume(roleArn: string): Promise<Credentials> {
    let out;
    try {
      out = await this.options.sts.send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: this.sessionName, DurationSeconds: this.options.durationSeconds ?? 3600 }),
      );
    } catch (error) {
      const { code, message } = toScanError(error);
      throw new AssumeRoleError(roleArn, code, message, { cause: error });
    }
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new AssumeRoleError(roleArn, 'NoCredentials', 'STS returned no credentials');
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: new Date(c.Expiration) } : {}),
    };
  }
}
