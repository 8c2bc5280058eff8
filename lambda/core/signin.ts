import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { ConfigError } from './config';

/**
 * Signed-in approval (optional, CDK context `approverSignIn`): the review page first sends the
 * reviewer through the organization's sign-in (OpenID Connect authorization code flow with PKCE,
 * Amazon Cognito when deployed), the front verifies the ID token and requires the approvers group,
 * and the approver's identity is recorded with the approval. The signed link is still required:
 * sign-in adds who approved, it does not replace what may be deleted.
 */

/** Who approved, as the verified ID token says: recorded in the lock, the trail, the log and the email. */
export interface Approver {
  /** The token's `sub`: stable for the person at this issuer. */
  sub: string;
  email?: string;
  /** The identity provider: a federated provider's name (Cognito `identities`), else the issuer. */
  provider: string;
  /** When this approver confirmed the selection. */
  approvedAt?: string;
}

export interface SignInConfig {
  issuer: string;
  clientId: string;
  /** Set when the client id is read from this SSM parameter (the deployed stack). */
  clientIdParameter?: string;
  authorizeUrl: string;
  tokenUrl: string;
  jwksUri: string;
  /** Members of this group may approve. */
  group: string;
  /** The ID token claim listing the groups (`cognito:groups` for Cognito). */
  groupsClaim: string;
}

/** HTTPS, or plain HTTP on a loopback address (a local issuer for `sg-audit serve` and tests). */
function endpointUrl(what: string) {
  return z.string().trim().refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname));
    } catch {
      return false;
    }
  }, `must be the ${what} as an https:// URL (http:// only on a loopback address)`);
}

/** The front's sign-in environment: all of the required keys, or none (sign-in off). */
export const signInEnvSchema = z.object({
  SIGNIN_ISSUER: endpointUrl('OIDC issuer (Cognito: https://cognito-idp.<region>.amazonaws.com/<user pool id>)'),
  SIGNIN_CLIENT_ID: z.string().trim().min(1, 'must be the app client id').optional(),
  /** Where the deployed stack keeps the app client id (the client's callback URL is the front's own URL, so its id cannot be in the front's environment). */
  SIGNIN_CLIENT_ID_PARAMETER: z.string().trim().regex(/^\/[\w./-]+$/, 'must be an SSM parameter name starting with /').optional(),
  SIGNIN_AUTHORIZE_URL: endpointUrl('authorization endpoint (Cognito: https://<domain>/oauth2/authorize)'),
  SIGNIN_TOKEN_URL: endpointUrl('token endpoint (Cognito: https://<domain>/oauth2/token)'),
  SIGNIN_JWKS_URI: endpointUrl('JWKS URI').optional(),
  SIGNIN_GROUP: z.string().trim().min(1, 'must name the group of allowed approvers'),
  SIGNIN_GROUPS_CLAIM: z.string().trim().min(1).optional(),
});
export type SignInEnvInput = { [K in keyof z.input<typeof signInEnvSchema>]?: string };

const SIGNIN_KEYS = Object.keys(signInEnvSchema.shape);

/** Sign-in settings from the environment, or undefined when no SIGNIN_* variable is set. */
export function signInConfigFromEnv(env: Record<string, string | undefined>): SignInConfig | undefined {
  if (!SIGNIN_KEYS.some((k) => (env[k] ?? '').trim() !== '')) return undefined;
  const parsed = signInEnvSchema.safeParse(Object.fromEntries(SIGNIN_KEYS.filter((k) => (env[k] ?? '').trim() !== '').map((k) => [k, env[k]])));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid sign-in configuration (set all of SIGNIN_ISSUER, SIGNIN_CLIENT_ID or SIGNIN_CLIENT_ID_PARAMETER, SIGNIN_AUTHORIZE_URL, SIGNIN_TOKEN_URL, SIGNIN_GROUP, or none):\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  if (!e.SIGNIN_CLIENT_ID === !e.SIGNIN_CLIENT_ID_PARAMETER) {
    throw new ConfigError('invalid sign-in configuration: set exactly one of SIGNIN_CLIENT_ID (the app client id) and SIGNIN_CLIENT_ID_PARAMETER (an SSM parameter holding it)');
  }
  const issuer = e.SIGNIN_ISSUER.replace(/\/$/, '');
  return {
    issuer,
    clientId: e.SIGNIN_CLIENT_ID ?? '',
    ...(e.SIGNIN_CLIENT_ID_PARAMETER ? { clientIdParameter: e.SIGNIN_CLIENT_ID_PARAMETER } : {}),
    authorizeUrl: e.SIGNIN_AUTHORIZE_URL,
    tokenUrl: e.SIGNIN_TOKEN_URL,
    jwksUri: e.SIGNIN_JWKS_URI ?? `${issuer}/.well-known/jwks.json`,
    group: e.SIGNIN_GROUP,
    groupsClaim: e.SIGNIN_GROUPS_CLAIM ?? 'cognito:groups',
  };
}

/** The cookie that carries a sign-in in flight: state, PKCE verifier, nonce and the link, for 10 minutes. */
export const SIGNIN_COOKIE = 'sg_signin';
/** The cookie that carries the verified ID token (re-verified on every request). */
export const SESSION_COOKIE = 'sg_session';
export const SIGNIN_MAX_AGE_SECONDS = 600;
/** The path the identity provider redirects back to (registered as the app client's callback URL). */
export const CALLBACK_PATH = '/callback';

export interface PendingSignIn {
  state: string;
  verifier: string;
  nonce: string;
  /** The approval link's token, to return to after sign-in. */
  t: string;
  /** Epoch seconds after which the sign-in is refused. */
  exp: number;
}

const b64url = (bytes: Buffer) => bytes.toString('base64url');

/** Fresh random state, PKCE verifier and nonce for one sign-in (each 256 bits). */
export function newPendingSignIn(token: string, now: Date): PendingSignIn {
  return { state: b64url(randomBytes(32)), verifier: b64url(randomBytes(32)), nonce: b64url(randomBytes(32)), t: token, exp: Math.floor(now.getTime() / 1000) + SIGNIN_MAX_AGE_SECONDS };
}

/** PKCE S256 code challenge of a verifier (RFC 7636). */
export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** The authorization request URL (code flow, PKCE S256, nonce). */
export function authorizeRequestUrl(config: SignInConfig, pending: PendingSignIn, redirectUri: string): string {
  const url = new URL(config.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('redirect_uri', redirectUri);
  url.searchParams.set('scope', 'openid email profile');
  url.searchParams.set('state', pending.state);
  url.searchParams.set('nonce', pending.nonce);
  url.searchParams.set('code_challenge', codeChallenge(pending.verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

/** Cookie attributes: HttpOnly, SameSite=Lax (the identity provider's redirect back is a top-level GET), Secure on HTTPS. */
export function setCookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${name}=${value}; Path=/; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export const clearCookie = (name: string, secure: boolean) => setCookie(name, '', 0, secure);

export function encodePending(pending: PendingSignIn): string {
  return Buffer.from(JSON.stringify(pending), 'utf8').toString('base64url');
}

/** The pending sign-in from its cookie value, or undefined when it is malformed. */
export function decodePending(value: string | undefined): PendingSignIn | undefined {
  if (!value || value.length > 4096) return undefined;
  try {
    const p = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as Partial<PendingSignIn>;
    const strings = [p.state, p.verifier, p.nonce, p.t].every((s) => typeof s === 'string' && s.length > 0);
    return strings && typeof p.exp === 'number' ? (p as PendingSignIn) : undefined;
  } catch {
    return undefined;
  }
}

/** Constant-time equality of two strings (state, nonce). */
export function sameSecret(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The cookies of a `Cookie` header, by name (the first of a repeated name wins). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    if (!out.has(name)) out.set(name, part.slice(at + 1).trim());
  }
  return out;
}

export type ClaimsVerdict = { ok: true; approver: Approver } | { ok: false; problem: 'not-in-group' | 'no-subject'; message: string };

/**
 * The approver a verified ID token names, if its groups claim holds the approvers group. The
 * provider is a federated identity's provider name (Cognito's `identities` claim), else the issuer.
 */
export function approverFromClaims(claims: Record<string, unknown>, config: SignInConfig): ClaimsVerdict {
  const sub = typeof claims.sub === 'string' ? claims.sub : '';
  if (!sub) return { ok: false, problem: 'no-subject', message: 'The sign-in token names no subject.' };
  const raw = claims[config.groupsClaim];
  const groups = Array.isArray(raw) ? raw.filter((g): g is string => typeof g === 'string') : typeof raw === 'string' ? raw.split(/[\s,]+/) : [];
  const email = typeof claims.email === 'string' ? claims.email : undefined;
  if (!groups.includes(config.group)) {
    return {
      ok: false,
      problem: 'not-in-group',
      message: `You signed in as ${email ?? sub}, who is not in the approvers group "${config.group}". Ask an administrator to add you to it, or forward the link to an approver.`,
    };
  }
  const identities = claims.identities;
  const federated = Array.isArray(identities) ? (identities[0] as { providerName?: unknown } | undefined)?.providerName : undefined;
  const issuer = typeof claims.iss === 'string' ? claims.iss : config.issuer;
  return { ok: true, approver: { sub, ...(email ? { email } : {}), provider: typeof federated === 'string' && federated ? federated : issuer } };
}

/** One line naming an approver, for the log, the email and the pages. */
export function approverLine(a: Approver): string {
  return `${a.email ?? '(no email)'} (subject ${a.sub}, via ${a.provider})${a.approvedAt ? ` at ${a.approvedAt}` : ''}`;
}

/** Approvals needed before a deletion starts: 1, or 2 different signed-in approvers (two-person rule). */
export function approvalsRequiredFromEnv(env: Record<string, string | undefined>, signInOn: boolean): 1 | 2 {
  const raw = (env.APPROVALS_REQUIRED ?? '').trim();
  if (raw === '' || raw === '1') return 1;
  if (raw !== '2') throw new ConfigError(`APPROVALS_REQUIRED: expected 1 or 2, got "${raw.slice(0, 20)}"`);
  if (!signInOn) throw new ConfigError('APPROVALS_REQUIRED: 2 needs signed-in approval (set the SIGNIN_* variables; CDK context approverSignIn=true), since two approvals are told apart by who signed in');
  return 2;
}

/** The same person: same subject at the same identity provider. */
export function sameApprover(a: Approver, b: Approver): boolean {
  return a.sub === b.sub && a.provider === b.provider;
}
