import '../helpers/powertools-env';
import { frontMetrics } from '../../lambda/approve/handler';
import { handleEvent, MAX_BODY_BYTES } from '../../lambda/approve/http';
import type { DeletionExecutionInput } from '../../lambda/core/deletion-contract';
import { approveDeps, FRONT_ORIGIN, fakeS3, fakeWorkflow, publishReport, silentLogger, urlEvent } from '../helpers/approve-fixtures';
import { auditReport, candidate, regionReport } from '../helpers/audit-report';
import { hmacMac } from '../helpers/hmac-mac';

async function setup() {
  const s3 = fakeS3();
  const mac = hmacMac();
  const report = auditReport([regionReport('us-east-1', [candidate('sg-0a'), candidate('sg-0b')])]);
  const token = await publishReport(s3.objects, report, mac);
  const calls: DeletionExecutionInput[] = [];
  const deps = approveDeps(s3.client, mac, fakeWorkflow(calls));
  return { token, calls, deps, s3 };
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
    expect(res.statusCode).toBe(303);
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

  it('counts one FrontErrors metric (namespace SgAuditor, service sg-auditor-approve) for an unexpected error', async () => {
    // Prepare
    const lines: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    const failing = () => {
      throw new Error('boom');
    };

    // Act
    await handleEvent(urlEvent('GET', { query: 't=a.b' }), 'req-43', failing, silentLogger(), frontMetrics);

    // Assess
    const emf = lines.map((l) => JSON.parse(l) as { _aws?: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }> }; service?: string; FrontErrors?: number }).filter((d) => d._aws);
    expect(emf).toHaveLength(1);
    expect(emf[0]?._aws?.CloudWatchMetrics[0]).toMatchObject({ Namespace: 'SgAuditor', Dimensions: [['service']], Metrics: [{ Name: 'FrontErrors' }] });
    expect(emf[0]).toMatchObject({ service: 'sg-auditor-approve', FrontErrors: 1 });
  });

  it('counts no FrontErrors metric for a refused link', async () => {
    // Prepare
    const { deps } = await setup();
    const lines: string[] = [];
    jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));

    // Act
    const res = await handleEvent(urlEvent('GET', { query: 't=a.b' }), 'req-44', () => deps, silentLogger(), frontMetrics);

    // Assess
    expect(res.statusCode).toBe(400);
    expect(lines.filter((l) => l.includes('FrontErrors'))).toEqual([]);
  });
});

describe('cross-site POSTs', () => {
  const post = (token: string, headers: Record<string, string>) =>
    urlEvent('POST', { body: new URLSearchParams([['t', token], ['confirm', '2']]).toString(), base64: true, headers });

  it('redirects a POST from the front\'s own page (303) to the progress URL, starting the workflow once', async () => {
    // Prepare
    const { token, deps, calls } = await setup();

    // Act
    const res = await handleEvent(post(token, { origin: FRONT_ORIGIN, 'sec-fetch-site': 'same-origin' }), 'req', () => deps, silentLogger());

    // Assess
    expect(res.statusCode).toBe(303);
    expect(res.headers.Location).toBe(`/?t=${token}&view=progress`);
    expect(calls).toHaveLength(1);
  });

  it.each([
    ['another site\'s Origin', { origin: 'https://evil.example' }],
    ['an Origin on plain HTTP', { origin: 'http://abc.lambda-url.us-east-1.on.aws' }],
    ['an opaque Origin (null)', { origin: 'null' }],
    ['Sec-Fetch-Site cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site same-site', { origin: FRONT_ORIGIN, 'sec-fetch-site': 'same-site' }],
  ])('refuses a POST with %s with 403, taking no lock and starting nothing', async (_what, headers) => {
    // Prepare
    const { token, deps, calls, s3 } = await setup();

    // Act
    const res = await handleEvent(post(token, headers), 'req', () => deps, silentLogger());

    // Assess
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Cross-site request refused');
    expect(calls).toHaveLength(0);
    expect([...s3.objects.keys()].filter((k) => k.startsWith('approvals/'))).toEqual([]);
  });

  it('accepts Sec-Fetch-Site none (typed or bookmarked by the user) with the front\'s Origin', async () => {
    // Prepare
    const { token, deps, calls } = await setup();

    // Act
    const res = await handleEvent(post(token, { origin: FRONT_ORIGIN, 'sec-fetch-site': 'none' }), 'req', () => deps, silentLogger());

    // Assess
    expect(res.statusCode).toBe(303);
    expect(calls).toHaveLength(1);
  });
});
