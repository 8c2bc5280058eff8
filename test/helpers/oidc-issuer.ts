import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/**
 * A test-only OpenID Connect issuer standing in for Amazon Cognito's hosted sign-in: discovery,
 * a JWKS whose signing key can be rotated, an authorize endpoint that "signs in" whoever the test
 * chose and redirects back with a code, and a token endpoint that checks the PKCE verifier
 * (S256), the client and the redirect URI before issuing an RS256 ID token. Never deployed.
 */

export interface TestUser {
  sub: string;
  email: string;
  groups: string[];
}

/** How the next ID token is made wrong on purpose. */
export interface TokenTweaks {
  /** Seconds from now to expiry (negative: already expired). */
  expiresIn?: number;
  audience?: string;
}

interface PendingCode {
  challenge: string;
  redirectUri: string;
  nonce: string;
  user: TestUser;
  tweaks: TokenTweaks;
}

export interface TestIssuer {
  url: string;
  issuer: string;
  clientId: string;
  /** Environment that points the front at this issuer (groups in the `groups` claim). */
  env(group: string): Record<string, string>;
  /** Who the next authorization signs in, and how that token is tweaked. */
  signInAs(user: TestUser, tweaks?: TokenTweaks): void;
  /** Allows a redirect URI (the front's /callback). */
  allowRedirect(uri: string): void;
  /** A new signing key with a new key id; the JWKS then lists only it. */
  rotateKey(): string;
  /** Token requests refused, with why (e.g. a PKCE mismatch). */
  refusals: string[];
  close(): Promise<void>;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export async function startTestIssuer(clientId = 'sg-auditor-test-client'): Promise<TestIssuer> {
  let key: { kid: string; privateKey: KeyObject; publicKey: KeyObject };
  const newKey = () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    key = { kid: b64url(randomBytes(8)), ...pair };
    return key.kid;
  };
  newKey();
  let user: TestUser = { sub: 'nobody', email: 'nobody@example.com', groups: [] };
  let tweaks: TokenTweaks = {};
  const redirects = new Set<string>();
  const codes = new Map<string, PendingCode>();
  const refusals: string[] = [];
  let base = '';

  const idToken = (p: PendingCode) => {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid: key.kid };
    const payload = {
      iss: base,
      aud: p.tweaks.audience ?? clientId,
      sub: p.user.sub,
      email: p.user.email,
      groups: p.user.groups,
      nonce: p.nonce,
      token_use: 'id',
      iat: now - 5,
      exp: now + (p.tweaks.expiresIn ?? 3600),
    };
    const signingInput = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
    return `${signingInput}.${b64url(sign('RSA-SHA256', Buffer.from(signingInput), key.privateKey))}`;
  };

  const json = (res: import('node:http').ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      json(res, 200, { issuer: base, authorization_endpoint: `${base}/authorize`, token_endpoint: `${base}/token`, jwks_uri: `${base}/jwks`, code_challenge_methods_supported: ['S256'] });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/jwks') {
      json(res, 200, { keys: [{ ...key.publicKey.export({ format: 'jwk' }), kid: key.kid, alg: 'RS256', use: 'sig' }] });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/authorize') {
      const q = url.searchParams;
      const redirectUri = q.get('redirect_uri') ?? '';
      if (q.get('client_id') !== clientId || !redirects.has(redirectUri) || q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
        res.writeHead(400, { 'Content-Type': 'text/plain' });
        res.end('invalid authorization request');
        return;
      }
      const code = b64url(randomBytes(16));
      codes.set(code, { challenge: q.get('code_challenge') ?? '', redirectUri, nonce: q.get('nonce') ?? '', user, tweaks });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { Location: back.toString() });
      res.end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const code = form.get('code') ?? '';
        const pending = codes.get(code);
        codes.delete(code); // single use
        const refuse = (why: string) => {
          refusals.push(why);
          json(res, 400, { error: 'invalid_grant', error_description: why });
        };
        if (!pending) return refuse('unknown or used code');
        if (form.get('grant_type') !== 'authorization_code') return refuse('grant_type');
        if (form.get('client_id') !== clientId) return refuse('client_id');
        if (form.get('redirect_uri') !== pending.redirectUri) return refuse('redirect_uri');
        const verifier = form.get('code_verifier') ?? '';
        if (createHash('sha256').update(verifier, 'ascii').digest('base64url') !== pending.challenge) return refuse('PKCE verifier does not match the challenge');
        json(res, 200, { id_token: idToken(pending), access_token: b64url(randomBytes(16)), token_type: 'Bearer', expires_in: 3600 });
      });
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url: base,
    issuer: base,
    clientId,
    env: (group) => ({
      SIGNIN_ISSUER: base,
      SIGNIN_CLIENT_ID: clientId,
      SIGNIN_AUTHORIZE_URL: `${base}/authorize`,
      SIGNIN_TOKEN_URL: `${base}/token`,
      SIGNIN_JWKS_URI: `${base}/jwks`,
      SIGNIN_GROUP: group,
      SIGNIN_GROUPS_CLAIM: 'groups',
    }),
    signInAs: (u, t = {}) => {
      user = u;
      tweaks = t;
    },
    allowRedirect: (uri) => void redirects.add(uri),
    rotateKey: newKey,
    refusals,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
