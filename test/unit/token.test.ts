import { MAX_TOKEN_LENGTH, signToken, TOKEN_VERSION, verifyToken, type TokenPayload } from '../../lambda/core/token';
import { hmacMac } from '../helpers/hmac-mac';

const NOW = new Date('2026-12-01T02:00:00Z');
const ACCOUNT = '123456789012';

function payload(overrides: Partial<TokenPayload> = {}): TokenPayload {
  return {
    v: TOKEN_VERSION,
    auditId: '2026-12-01T02-00-00Z-k3x9q2',
    accountId: ACCOUNT,
    reportSha256: 'a'.repeat(64),
    exp: NOW.getTime() / 1000 + 7 * 86400,
    ...overrides,
  };
}

describe('approval tokens', () => {
  it('verifies a token it signed and returns the payload', async () => {
    // Prepare
    const mac = hmacMac();
    const token = await signToken(payload(), mac);

    // Act
    const check = await verifyToken(token, mac, { accountId: ACCOUNT, now: NOW });

    // Assess
    expect(check).toEqual({ ok: true, payload: payload() });
  });

  it('rejects a token whose payload was changed as bad-signature', async () => {
    // Prepare
    const mac = hmacMac();
    const [, signature] = (await signToken(payload(), mac)).split('.');
    const forgedBody = Buffer.from(JSON.stringify(payload({ auditId: '2026-12-01T02-00-00Z-zzzzzz' }))).toString('base64url');

    // Act
    const check = await verifyToken(`${forgedBody}.${signature}`, mac, { accountId: ACCOUNT, now: NOW });

    // Assess
    expect(check).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a token whose MAC was changed as bad-signature', async () => {
    // Prepare
    const mac = hmacMac();
    const [body, signature] = (await signToken(payload(), mac)).split('.') as [string, string];
    const bytes = Buffer.from(signature, 'base64url');
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;

    // Act
    const check = await verifyToken(`${body}.${bytes.toString('base64url')}`, mac, { accountId: ACCOUNT, now: NOW });

    // Assess
    expect(check).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a token signed with another key as bad-signature', async () => {
    // Prepare
    const token = await signToken(payload(), hmacMac());

    // Act
    const check = await verifyToken(token, hmacMac(), { accountId: ACCOUNT, now: NOW });

    // Assess
    expect(check).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a token at its expiry time as expired', async () => {
    // Prepare
    const mac = hmacMac();
    const token = await signToken(payload({ exp: NOW.getTime() / 1000 }), mac);

    // Act
    const check = await verifyToken(token, mac, { accountId: ACCOUNT, now: NOW });

    // Assess
    expect(check).toMatchObject({ ok: false, reason: 'expired' });
  });

  it('rejects a correctly signed token expiring more than 30 days ahead', async () => {
    // Prepare
    const mac = hmacMac();
    const token = await signToken(payload({ exp: NOW.getTime() / 1000 + 30 * 86400 + 1 }), mac);

    // Act
    const check = await verifyToken(token, mac, { accountId: ACCOUNT, now: NOW });

    // Assess
    expect(check).toMatchObject({ ok: false, reason: 'expiry-too-far' });
  });

  it('accepts a token expiring exactly 30 days ahead, the longest linkValidityDays', async () => {
    // Prepare
    const mac = hmacMac();
    const token = await signToken(payload({ exp: NOW.getTime() / 1000 + 30 * 86400 }), mac);

    // Act
    const check = await verifyToken(token, mac, { accountId: ACCOUNT, now: NOW });

    // Assess
    expect(check.ok).toBe(true);
  });

  it('rejects a correctly signed token of another version as wrong-version', async () => {
    // Prepare
    const mac = hmacMac();
    const token = await signToken(payload({ v: TOKEN_VERSION + 1 }), mac);

    // Act
    const check = await verifyToken(token, mac, { accountId: ACCOUNT, now: NOW });

    // Assess
    expect(check).toMatchObject({ ok: false, reason: 'wrong-version' });
  });

  it('rejects a correctly signed token of another account as wrong-account', async () => {
    // Prepare
    const mac = hmacMac();
    const token = await signToken(payload({ accountId: '210987654321' }), mac);

    // Act
    const check = await verifyToken(token, mac, { accountId: ACCOUNT, now: NOW });

    // Assess
    expect(check).toMatchObject({ ok: false, reason: 'wrong-account' });
  });

  it('rejects a token without a MAC part as malformed', async () => {
    // Prepare
    const mac = hmacMac();
    const [body] = (await signToken(payload(), mac)).split('.');

    // Act
    const check = await verifyToken(body, mac, { accountId: ACCOUNT, now: NOW });

    // Assess
    expect(check).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('rejects an oversized token as malformed without computing a MAC', async () => {
    // Prepare
    const mac = hmacMac();

    // Act
    const check = await verifyToken(`${'a'.repeat(MAX_TOKEN_LENGTH)}.b`, mac, { accountId: ACCOUNT, now: NOW });

    // Assess
    expect(check).toMatchObject({ ok: false, reason: 'malformed' });
    expect(mac.calls).toBe(0);
  });

  it('accepts a token signed for a member account only in organization mode', async () => {
    // Prepare
    const mac = hmacMac();
    const token = await signToken(payload({ accountId: '210987654321' }), mac);

    // Act
    const single = await verifyToken(token, mac, { accountId: ACCOUNT, now: NOW });
    const organization = await verifyToken(token, mac, { accountId: ACCOUNT, now: NOW, memberAccounts: true });

    // Assess
    expect(single).toMatchObject({ ok: false, reason: 'wrong-account' });
    expect(organization).toEqual({ ok: true, payload: payload({ accountId: '210987654321' }) });
  });

  it('rejects a signed audit id that is not one, so no S3 key is built from it', async () => {
    // Prepare
    const mac = hmacMac();
    const token = await signToken(payload({ auditId: '../../audits/123456789012/x' }), mac);

    // Act
    const check = await verifyToken(token, mac, { accountId: '123456789012', now: NOW });

    // Assess
    expect(check).toMatchObject({ ok: false, reason: 'malformed' });
  });

  it('checks the MAC before parsing the payload', async () => {
    // Prepare
    const mac = hmacMac();
    const notJson = Buffer.from('{"v":1,').toString('base64url');

    // Act
    const check = await verifyToken(`${notJson}.AAAA`, mac, { accountId: ACCOUNT, now: NOW });

    // Assess
    expect(check).toMatchObject({ ok: false, reason: 'bad-signature' });
  });

  it('gives each rejection reason its own message', async () => {
    // Prepare
    const mac = hmacMac();
    const tokens = [
      'x',
      `${(await signToken(payload(), mac)).split('.')[0]}.AAAA`,
      await signToken(payload({ exp: 1 }), mac),
      await signToken(payload({ v: 99 }), mac),
      await signToken(payload({ accountId: '999999999999' }), mac),
      await signToken(payload({ exp: NOW.getTime() / 1000 + 365 * 86400 }), mac),
    ];

    // Act
    const checks = await Promise.all(tokens.map((t) => verifyToken(t, mac, { accountId: ACCOUNT, now: NOW })));

    // Assess
    const messages = checks.map((c) => (c.ok ? 'ok' : `${c.reason}: ${c.message}`));
    expect(new Set(messages).size).toBe(6);
    expect(checks.map((c) => (c.ok ? 'ok' : c.reason))).toEqual(['malformed', 'bad-signature', 'expired', 'wrong-version', 'wrong-account', 'expiry-too-far']);
  });
});
