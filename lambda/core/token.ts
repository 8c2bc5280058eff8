import { isAuditId } from './audit-id';

/**
 * Approval link tokens: base64url(JSON payload) "." base64url(MAC). The MAC comes from a
 * provider (KMS HMAC in AWS, an in-memory HMAC in tests), so the key never leaves KMS.
 */

export const TOKEN_VERSION = 1;
/**
 * The longest a link may live (linkValidityDays is at most this). A correctly signed token whose
 * expiry lies further ahead was not made by the audit: whoever could call GenerateMac is refused a
 * link that outlives every review cycle.
 */
export const MAX_LINK_VALIDITY_DAYS = 30;
const MAX_VALIDITY_SECONDS = MAX_LINK_VALIDITY_DAYS * 24 * 60 * 60;
/** Tokens longer than this are rejected before any parsing or KMS call. */
export const MAX_TOKEN_LENGTH = 2048;

export interface TokenPayload {
  v: number;
  auditId: string;
  accountId: string;
  /** Hex SHA-256 of the exact report.json bytes stored in S3. */
  reportSha256: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** Computes and checks MACs; implemented by KMS GenerateMac/VerifyMac in production. */
export interface MacProvider {
  generate(message: Buffer): Promise<Buffer>;
  verify(message: Buffer, mac: Buffer): Promise<boolean>;
}

export type TokenRejection = 'malformed' | 'bad-signature' | 'expired' | 'wrong-version' | 'wrong-account' | 'expiry-too-far';

export type TokenCheck =
  | { ok: true; payload: TokenPayload }
  | { ok: false; reason: TokenRejection; message: string };

const REJECTION_MESSAGES: Record<TokenRejection, string> = {
  malformed: 'This approval link is malformed or incomplete. Open the link from the email again, without changes.',
  'bad-signature': 'This approval link has been altered: its signature does not match. Nothing was changed.',
  expired: 'This approval link has expired. Run a new audit to get a fresh link.',
  'wrong-version': 'This approval link was made by a different version of sg-auditor and cannot be used.',
  'wrong-account': 'This approval link belongs to a different AWS account.',
  'expiry-too-far': `This approval link claims to stay valid for more than ${MAX_LINK_VALIDITY_DAYS} days, which no audit signs. It is refused; nothing was changed.`,
};

const B64URL = /^[A-Za-z0-9_-]+$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const ACCOUNT_ID = /^\d{12}$/;

/** Signs a payload into a link token. */
export async function signToken(payload: TokenPayload, mac: MacProvider): Promise<string> {
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  const signature = await mac.generate(body);
  return `${body.toString('base64url')}.${signature.toString('base64url')}`;
}

function reject(reason: TokenRejection): TokenCheck {
  return { ok: false, reason, message: REJECTION_MESSAGES[reason] };
}

function isPayload(value: unknown): value is TokenPayload {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    typeof p.v === 'number' &&
    // Both end up in S3 keys: a signer bug must not turn into a path of its choosing.
    typeof p.auditId === 'string' &&
    isAuditId(p.auditId) &&
    typeof p.accountId === 'string' &&
    ACCOUNT_ID.test(p.accountId) &&
    typeof p.reportSha256 === 'string' &&
    SHA256_HEX.test(p.reportSha256) &&
    typeof p.exp === 'number' &&
    Number.isFinite(p.exp)
  );
}

/**
 * Verifies a token: shape, then MAC (before trusting any field), then version, account and
 * expiry (neither past nor more than MAX_LINK_VALIDITY_DAYS ahead). Every failure has its own reason so the page can say exactly what is wrong.
 */
export async function verifyToken(
  token: string | undefined | null,
  mac: MacProvider,
  expected: {
    accountId: string;
    now: Date;
    /**
     * Organization mode: a link may be for any account (a member's, signed by this stack's key
     * after an org audit); otherwise only for `accountId`.
     */
    memberAccounts?: boolean;
  },
): Promise<TokenCheck> {
  if (!token || token.length > MAX_TOKEN_LENGTH) return reject('malformed');
  const parts = token.split('.');
  if (parts.length !== 2) return reject('malformed');
  const [bodyPart, macPart] = parts as [string, string];
  if (!B64URL.test(bodyPart) || !B64URL.test(macPart)) return reject('malformed');
  const body = Buffer.from(bodyPart, 'base64url');
  const signature = Buffer.from(macPart, 'base64url');
  if (signature.length === 0) return reject('malformed');
  if (!(await mac.verify(body, signature))) return reject('bad-signature');
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString('utf8'));
  } catch {
    // A valid MAC over non-JSON can only come from a bug in the signer; treat as malformed.
    return reject('malformed');
  }
  if (!isPayload(payload)) return reject('malformed');
  if (payload.v !== TOKEN_VERSION) return reject('wrong-version');
  if (payload.accountId !== expected.accountId && !expected.memberAccounts) return reject('wrong-account');
  if (payload.exp * 1000 <= expected.now.getTime()) return reject('expired');
  if (payload.exp * 1000 > expected.now.getTime() + MAX_VALIDITY_SECONDS * 1000) return reject('expiry-too-far');
  return { ok: true, payload };
}
