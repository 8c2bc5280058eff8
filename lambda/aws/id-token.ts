import { JwtVerifier } from 'aws-jwt-verify';
import { JwtExpiredError, JwtInvalidAudienceError, JwtInvalidIssuerError, JwtNotBeforeError } from 'aws-jwt-verify/error';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { SignInConfig } from '../core/signin';

/**
 * The identity provider's side of signed-in approval: the code exchange at the token endpoint
 * (with the PKCE verifier) and the ID token's verification with `aws-jwt-verify` (signature by
 * the issuer's JWKS, refetched when a new key id appears; issuer; audience = the app client;
 * expiry; nonce). Cognito and any OpenID Connect issuer go through the same generic verifier.
 */

export type IdTokenProblem = 'expired' | 'wrong-audience' | 'wrong-issuer' | 'wrong-nonce' | 'invalid' | 'exchange-failed';

export type IdTokenVerdict = { ok: true; claims: Record<string, unknown>; exp: number } | { ok: false; problem: IdTokenProblem; message: string };

export interface IdentityProvider {
  /** Exchanges an authorization code for the ID token (undefined when the provider refuses). */
  exchange(code: string, verifier: string, redirectUri: string): Promise<string | undefined>;
  /** Verifies an ID token; with `nonce`, its nonce claim must equal it. */
  verify(idToken: string, nonce?: string): Promise<IdTokenVerdict>;
}

type FetchLike = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<{
  ok: boolean;
  status: number;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}>;

const TIMEOUT_MS = 5000;

/** The identity provider of a sign-in configuration, over HTTP(S) with `fetch`. */
export function oidcProvider(config: SignInConfig, fetchImpl: FetchLike = fetch as unknown as FetchLike): IdentityProvider {
  const jwksCache = new SimpleJwksCache({
    fetcher: {
      fetch: async (uri: string) => {
        const res = await fetchImpl(uri, { signal: AbortSignal.timeout(TIMEOUT_MS) });
        if (!res.ok) throw new Error(`JWKS ${uri} answered ${res.status}`);
        return res.arrayBuffer();
      },
    },
  });
  const verifier = JwtVerifier.create(
    {
      issuer: config.issuer,
      audience: config.clientId,
      jwksUri: config.jwksUri,
      // Cognito also issues access tokens for the same client: only an ID token names the person.
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== undefined && payload.token_use !== 'id') throw new Error('not an ID token');
      },
    },
    { jwksCache },
  );
  return {
    async exchange(code, codeVerifier, redirectUri) {
      const body = new URLSearchParams({ grant_type: 'authorization_code', client_id: config.clientId, code, redirect_uri: redirectUri, code_verifier: codeVerifier });
      const res = await fetchImpl(config.tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: body.toString(),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      if (!res.ok) return undefined;
      const out = (await res.json()) as { id_token?: unknown };
      return typeof out.id_token === 'string' ? out.id_token : undefined;
    },
    async verify(idToken, nonce) {
      try {
        const claims = (await verifier.verify(idToken)) as Record<string, unknown>;
        if (nonce !== undefined && claims.nonce !== nonce) return { ok: false, problem: 'wrong-nonce', message: 'The sign-in answer does not belong to this sign-in (nonce mismatch). Open the link again.' };
        return { ok: true, claims, exp: typeof claims.exp === 'number' ? claims.exp : 0 };
      } catch (error) {
        if (error instanceof JwtExpiredError) return { ok: false, problem: 'expired', message: 'The sign-in token has expired. Open the link again to sign in again.' };
        if (error instanceof JwtNotBeforeError) return { ok: false, problem: 'invalid', message: 'The sign-in token is not valid yet. Check the clocks, then open the link again.' };
        if (error instanceof JwtInvalidAudienceError) return { ok: false, problem: 'wrong-audience', message: 'The sign-in token was issued for another application, not this approval page.' };
        if (error instanceof JwtInvalidIssuerError) return { ok: false, problem: 'wrong-issuer', message: 'The sign-in token comes from another identity provider than the one this deployment trusts.' };
        return { ok: false, problem: 'invalid', message: 'The sign-in token could not be verified.' };
      }
    },
  };
}
