import { handleEvent, MAX_BODY_BYTES } from '../../lambda/approve/http';
import type { DeletionExecutionInput } from '../../lambda/core/deletion-contract';
import { approveDeps, fakeS3, fakeWorkflow, publishReport, silentLogger, urlEvent } from '../helpers/approve-fixtures';
import { auditReport, candidate, regionReport } from '../helpers/audit-report';
import { hmacMac } from '../helpers/hmac-mac';

async function setup() {
  const s3 = fakeS3();
  const mac = hmacMac();
  const report = auditReport([regionReport('us-east-1', [candidate('sg-0a'), candidate('sg-0b')])]);
  const token = await publishReport(s3.objects, report, mac);
  const calls: DeletionExecutionInput[] = [];
  const deps = approveDeps(s3.client, mac, fakeWorkflow(calls));
  return { token, calls, deps };
}

afterEach(() => jest.restoreAllMocks());

const HEADERS = ['Content-Security-Policy', 'Cache-Control', 'Referrer-Policy', 'X-Frame-Options', 'X-Content-Type-Options'];

describe('function URL adapter', () => {
  it('serves the review page with every security header', async () => {
    // Prepare
    const { token, deps } = await setup();

    // Act
    const res = await handleEvent(urlEvent('GET', { query: `t=${token}` }), 'req', () => deps, silentLogger());

    // Assess
    expect(res.statusCode).toBe(200);
    for (const name of HEADERS) expect(res.headers[name]).toBeTruthy();
  });

  it('decodes a base64-encoded form body', async () => {
    // Prepare
    const { token, deps, calls } = await setup();
    const body = new URLSearchParams([['t', token], ['keep', 'sg-0a'], ['confirm', '1']]).toString();

    // Act
    const res = await handleEvent(urlEvent('POST', { body, base64: true }), 'req', () => deps, silentLogger());

    // Assess
    expect(res.statusCode).toBe(200);
    expect(calls).toHaveLength(1);
  });

  it('rejects a body over the limit with 413 and deletes nothing', async () => {
    // Prepare
    const { token, deps, calls } = await setup();
    const body = `t=${token}&confirm=2&note=${'x'.repeat(MAX_BODY_BYTES)}`;

    // Act
    const res = await handleEvent(urlEvent('POST', { body, base64: true }), 'req', () => deps, silentLogger());

    // Assess
    expect(res.statusCode).toBe(413);
    expect(calls).toHaveLength(0);
  });

  it('accepts a base64-encoded body of exactly the limit', async () => {
    // Prepare
    const { token, deps } = await setup();
    const head = `t=${token}&confirm=2&note=`;
    const body = `${head}${'x'.repeat(MAX_BODY_BYTES - head.length)}`;

    // Act
    const res = await handleEvent(urlEvent('POST', { body, base64: true }), 'req', () => deps, silentLogger());

    // Assess
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Note too long');
  });

  it('puts every security header on error responses too', async () => {
    // Prepare
    const { deps } = await setup();
    const failing = () => {
      throw new Error('boom');
    };
    const events = [
      handleEvent(urlEvent('GET', { query: 't=x' }), 'req', () => deps, silentLogger()),
      handleEvent(urlEvent('GET', { path: '/admin' }), 'req', () => deps, silentLogger()),
      handleEvent(urlEvent('POST', { body: 'x'.repeat(MAX_BODY_BYTES + 10) }), 'req', () => deps, silentLogger()),
      handleEvent(urlEvent('POST', { body: '{}', contentType: 'application/json' }), 'req', () => deps, silentLogger()),
      handleEvent(urlEvent('GET'), 'req', failing, silentLogger()),
    ];

    // Act
    const responses = await Promise.all(events);

    // Assess
    expect(responses.map((r) => r.statusCode)).toEqual([400, 404, 413, 415, 500]);
    for (const res of responses) for (const name of HEADERS) expect(res.headers[name]).toBeTruthy();
  });

  it('rejects a POST that is not a form with 415', async () => {
    // Prepare
    const { deps } = await setup();

    // Act
    const res = await handleEvent(urlEvent('POST', { body: '{}', contentType: 'application/json' }), 'req', () => deps, silentLogger());

    // Assess
    expect(res.statusCode).toBe(415);
  });

  it('answers PUT with 405 and the security headers', async () => {
    // Prepare
    const { deps } = await setup();

    // Act
    const res = await handleEvent(urlEvent('PUT'), 'req', () => deps, silentLogger());

    // Assess
    expect(res.statusCode).toBe(405);
    for (const name of HEADERS) expect(res.headers[name]).toBeTruthy();
  });

  it('turns an unexpected error into a 500 page with the request id and no internals', async () => {
    // Prepare
    const failing = () => {
      throw new Error('secret internal detail at /var/task/index.js:1');
    };

    // Act
    const res = await handleEvent(urlEvent('GET', { query: 't=a.b' }), 'req-42', failing, silentLogger());

    // Assess
    expect(res.statusCode).toBe(500);
    expect(res.body).toContain('req-42');
    expect(res.body).not.toContain('secret internal detail');
    expect(res.body).not.toContain('index.js');
  });
});
