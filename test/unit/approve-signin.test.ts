import { approveLink, handleApproval, reviewLink, secondApprovalProblem, type SignIn } from '../../lambda/approve/approve-core';
import type { IdTokenVerdict } from '../../lambda/aws/id-token';
import { ConfigError } from '../../lambda/core/config';
import type { DeletionExecutionInput } from '../../lambda/core/deletion-contract';
import { approvalsRequiredFromEnv, approverFromClaims, codeChallenge, decodePending, encodePending, signInConfigFromEnv, type SignInConfig } from '../../lambda/core/signin';
import { approveDeps, fakeS3, fakeWorkflow, getRequest, NOW, postRequest, publishReport } from '../helpers/approve-fixtures';
import { auditReport, candidate, regionReport } from '../helpers/audit-report';
import { hmacMac } from '../helpers/hmac-mac';

const CONFIG: SignInConfig = {
  issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc',
  clientId: 'client-1',
  authorizeUrl: 'https://acme.auth.us-east-1.amazoncognito.com/oauth2/authorize',
  tokenUrl: 'https://acme.auth.us-east-1.amazoncognito.com/oauth2/token',
  jwksUri: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_abc/.well-known/jwks.json',
  group: 'approvers',
  groupsClaim: 'cognito:groups',
};
const ALICE = { sub: 'sub-alice', email: 'alice@example.com', iss: CONFIG.issuer, 'cognito:groups': ['approvers'] };

/** An identity provider that accepts the token "good" (claims as given) and refuses anything else. */
function fakeProvider(claims: Record<string, unknown> = ALICE): SignIn['provider'] & { exchanged: string[] } {
  const exchanged: string[] = [];
  return {
    exchanged,
    exchange: async (code, verifier) => {
      exchanged.push(`${code}:${verifier}`);
      return 'good';
    },
    verify: async (token): Promise<IdTokenVerdict> =>
      token === 'good' ? { ok: true, claims, exp: Math.floor(NOW.getTime() / 1000) + 3600 } : { ok: false, problem: 'invalid', message: 'no' },
  };
}

async function setup(claims?: Record<string, unknown>) {
  const s3 = fakeS3();
  const mac = hmacMac();
  const token = await publishReport(s3.objects, auditReport([regionReport('us-east-1', [candidate('sg-0a'), candidate('sg-0b')])]), mac);
  const calls: DeletionExecutionInput[] = [];
  const provider = fakeProvider(claims);
  const deps = approveDeps(s3.client, mac, { ...fakeWorkflow(calls), signIn: async () => ({ config: CONFIG, provider }) });
  return { s3, token, calls, deps, provider };
}

const withSession = <T extends { cookies?: Map<string, string> }>(request: T, idToken = 'good'): T => ({ ...request, cookies: new Map([['sg_session', idToken]]) });

afterEach(() => jest.restoreAllMocks());

describe('signed-in approval: the front', () => {
  it('sends a reviewer who is not signed in to the authorization endpoint with PKCE S256, keeping state and verifier in an HttpOnly, Secure, SameSite=Lax cookie', async () => {
    // Prepare
    const { token, deps } = await setup();
    const request = { ...getRequest(token), selfOrigin: 'https://abc.lambda-url.us-east-1.on.aws' };

    // Act
    const res = await reviewLink(request, deps);

    // Assess
    expect(res.statusCode).toBe(303);
    const location = new URL(res.headers.Location ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(CONFIG.authorizeUrl);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ response_type: 'code', client_id: 'client-1', redirect_uri: 'https://abc.lambda-url.us-east-1.on.aws/callback', code_challenge_method: 'S256' });
    const cookie = res.cookies?.[0] ?? '';
    expect(cookie).toMatch(/^sg_signin=[\w-]+; Path=\/; Max-Age=600; HttpOnly; SameSite=Lax; Secure$/);
    const pending = decodePending(cookie.slice('sg_signin='.length).split(';')[0]);
    expect(pending?.state).toBe(location.searchParams.get('state'));
    expect(codeChallenge(pending?.verifier ?? '')).toBe(location.searchParams.get('code_challenge'));
    expect(pending?.t).toBe(token);
  });

  it('exchanges the code with the cookie\'s verifier on the callback, then sets the session and returns to the link', async () => {
    // Prepare
    const { token, deps, provider } = await setup();
    const pending = { state: 's1', verifier: 'v1', nonce: 'n1', t: token, exp: Math.floor(NOW.getTime() / 1000) + 60 };
    const request = { ...getRequest(undefined), path: '/callback', query: new URLSearchParams({ code: 'c1', state: 's1' }), cookies: new Map([['sg_signin', encodePending(pending)]]) };

    // Act
    const res = await handleApproval(request, deps);

    // Assess
    expect(res.statusCode).toBe(303);
    expect(res.headers.Location).toBe(`/?t=${encodeURIComponent(token)}`);
    expect(provider.exchanged).toEqual(['c1:v1']);
    expect(res.cookies?.[0]).toMatch(/^sg_session=good; Path=\/; Max-Age=3600; HttpOnly; SameSite=Lax/);
  });

  it('refuses a callback whose state is not this browser\'s pending sign-in, exchanging nothing', async () => {
    // Prepare
    const { token, deps, provider } = await setup();
    const pending = { state: 's1', verifier: 'v1', nonce: 'n1', t: token, exp: Math.floor(NOW.getTime() / 1000) + 60 };
    const request = { ...getRequest(undefined), path: '/callback', query: new URLSearchParams({ code: 'c1', state: 'attacker' }), cookies: new Map([['sg_signin', encodePending(pending)]]) };

    // Act
    const res = await handleApproval(request, deps);

    // Assess
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('state mismatch');
    expect(provider.exchanged).toEqual([]);
  });

  it('refuses a POST from a browser that is not signed in with 401, taking no lock', async () => {
    // Prepare
    const { s3, token, deps, calls } = await setup();

    // Act
    const res = await approveLink(postRequest(token, { confirm: '2' }), deps);

    // Assess
    expect(res.statusCode).toBe(401);
    expect(calls).toHaveLength(0);
    expect([...s3.objects.keys()].filter((k) => k.startsWith('approvals/'))).toEqual([]);
  });

  it('refuses a POST by a signed-in person outside the approvers group with 403', async () => {
    // Prepare
    const { token, deps, calls } = await setup({ ...ALICE, 'cognito:groups': ['readers'] });

    // Act
    const res = await approveLink(withSession(postRequest(token, { confirm: '2' })), deps);

    // Assess
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('not in the approvers group');
    expect(calls).toHaveLength(0);
  });

  it('records the signed-in approver in the lock', async () => {
    // Prepare
    const { s3, token, deps } = await setup();

    // Act
    const res = await approveLink(withSession(postRequest(token, { confirm: '2' })), deps);

    // Assess
    expect(res.statusCode).toBe(303);
    const key = [...s3.objects.keys()].find((k) => k.startsWith('approvals/')) ?? '';
    const lock = JSON.parse(s3.objects.get(key)?.toString('utf8') ?? '{}') as { approvers?: unknown };
    expect(lock.approvers).toEqual([{ sub: 'sub-alice', email: 'alice@example.com', provider: CONFIG.issuer, approvedAt: NOW.toISOString() }]);
  });
});

describe('signed-in approval: claims and configuration', () => {
  it('names a federated approver\'s identity provider from Cognito\'s identities claim', () => {
    // Prepare
    const claims = { ...ALICE, identities: [{ providerName: 'AcmeOkta', providerType: 'SAML' }] };

    // Act
    const verdict = approverFromClaims(claims, CONFIG);

    // Assess
    expect(verdict).toEqual({ ok: true, approver: { sub: 'sub-alice', email: 'alice@example.com', provider: 'AcmeOkta' } });
  });

  it('is off when no SIGNIN_ variable is set', () => {
    // Prepare / Act / Assess
    expect(signInConfigFromEnv({})).toBeUndefined();
  });

  it('rejects a partial sign-in configuration, naming what is missing', () => {
    // Prepare / Act
    const attempt = () => signInConfigFromEnv({ SIGNIN_ISSUER: CONFIG.issuer, SIGNIN_CLIENT_ID: 'c' });

    // Assess
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/SIGNIN_AUTHORIZE_URL: .*\n.*SIGNIN_TOKEN_URL: .*\n.*SIGNIN_GROUP/);
  });

  it('rejects a plain-HTTP issuer that is not on a loopback address', () => {
    // Prepare / Act
    const attempt = () =>
      signInConfigFromEnv({ SIGNIN_ISSUER: 'http://idp.example.com', SIGNIN_CLIENT_ID: 'c', SIGNIN_AUTHORIZE_URL: CONFIG.authorizeUrl, SIGNIN_TOKEN_URL: CONFIG.tokenUrl, SIGNIN_GROUP: 'g' });

    // Assess
    expect(attempt).toThrow(/SIGNIN_ISSUER: must be the OIDC issuer .* as an https:\/\/ URL/);
  });
});

describe('two-person approval: configuration', () => {
  it('refuses APPROVALS_REQUIRED=2 without sign-in, saying why', () => {
    // Prepare / Act
    const attempt = () => approvalsRequiredFromEnv({ APPROVALS_REQUIRED: '2' }, false);

    // Assess
    expect(attempt).toThrow(/APPROVALS_REQUIRED: 2 needs signed-in approval/);
  });

  it('reads 2 with sign-in, and 1 by default', () => {
    // Prepare / Act / Assess
    expect(approvalsRequiredFromEnv({ APPROVALS_REQUIRED: '2' }, true)).toBe(2);
    expect(approvalsRequiredFromEnv({}, true)).toBe(1);
  });

  it('expires a pending first approval with the link', () => {
    // Prepare
    const first = { auditId: 'a', accountId: '1', reportSha256: 'x', expiresAt: NOW.toISOString(), selection: ['sg-0a'], approver: { sub: 'a', provider: 'p' } };

    // Act
    const problem = secondApprovalProblem(first, { sub: 'b', provider: 'p' }, ['sg-0a'], NOW);

    // Assess
    expect(problem?.status).toBe(410);
  });
});
