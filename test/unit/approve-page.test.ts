import { countOutcomes, type DeletionResult } from '../../lambda/core/deletion-plan';
import { escapeHtml, MAX_KEPT_ROWS, PAGE_HEADERS, renderErrorPage, renderResultPage, renderReviewPage } from '../../lambda/core/render-page';
import { auditReport, candidate, regionReport } from '../helpers/audit-report';

const XSS = '<img src=x onerror=alert(1)>';

function reviewHtml() {
  const report = auditReport(
    [
      regionReport('us-east-1', [
        candidate('sg-0a', 'us-east-1', { groupName: XSS, description: XSS }),
        candidate('sg-0c', 'us-east-1', { verdict: 'unknown', reasons: [`lambda failed ${XSS}`] }),
      ]),
    ],
    { skippedSources: ['workspaces'] },
  );
  return renderReviewPage({ report, token: 'abc.def"><script>', expiresAt: new Date('2026-12-08T02:00:00Z') });
}

describe('review page', () => {
  it('escapes a group name and description written by an attacker', () => {
    // Act
    const html = reviewHtml();

    // Assess
    expect(html).not.toContain(XSS);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('neutralises bidirectional overrides a tag or rule description could use to reorder what the reviewer reads', () => {
    // Prepare
    const spoof = 'unused \u202eyb desu\u202c \u2067x\u2069 \u200f';
    const report = auditReport([regionReport('us-east-1', [candidate('sg-0a', 'us-east-1', { reasons: [`tag Owner=${spoof}`] })])]);

    // Act
    const html = renderReviewPage({ report, token: 'a.b', expiresAt: new Date('2026-12-08T02:00:00Z') });

    // Assess
    expect(html).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
    expect(html).toContain('tag Owner=unused \ufffdyb desu\ufffd');
  });

  it('escapes the token in the hidden field', () => {
    // Act
    const html = reviewHtml();

    // Assess
    expect(html).toContain('value="abc.def&quot;&gt;&lt;script&gt;"');
    expect(html).not.toContain('<script');
  });

  it('shows the account, the link expiry, the excluded sources and the unknown group read-only', () => {
    // Act
    const html = reviewHtml();

    // Assess
    expect(html).toContain('123456789012');
    expect(html).toContain('2026-12-08T02:00:00.000Z');
    expect(html).toContain('workspaces');
    expect(html).toContain('sg-0c');
    expect(html).not.toContain('value="sg-0c"');
  });

  it('offers an unticked keep box per candidate and asks for the typed count', () => {
    // Act
    const html = reviewHtml();

    // Assess
    expect(html).toMatch(/<input class="keep" type="checkbox" name="keep" value="sg-0a" id="k-sg-0a">/);
    expect(html).toContain('name="confirm"');
    expect(html).toContain('<form method="post" action="/">');
    expect(html).toContain('maxlength="1000"');
  });
});

describe('review page: keep for a number of days', () => {
  it('offers the keep durations, this time only by default, and a reason bounded like an EC2 tag value', () => {
    // Act
    const html = reviewHtml();

    // Assess
    expect(html).toContain('<select id="keep_days" name="keep_days"><option value="0" selected>');
    expect([...html.matchAll(/<option value="(\d+)"/g)].map((m) => m[1])).toEqual(['0', '30', '90', '180', '365']);
    expect(html).toContain('<input id="keep_reason" name="keep_reason" maxlength="256"');
  });

  it('escapes the reason of a group kept earlier wherever the page shows it', () => {
    // Prepare
    const reason = `kept by reviewer until 2027-01-31: ${XSS}`;
    const report = auditReport([
      regionReport('us-east-1', [candidate('sg-0a'), candidate('sg-0k', 'us-east-1', { verdict: 'protected', reasons: [reason] })]),
    ]);

    // Act
    const html = renderReviewPage({ report, token: 'a.b', expiresAt: new Date('2026-12-08T02:00:00Z') });

    // Assess
    expect(html).toContain('kept by reviewer until 2027-01-31: &lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain(XSS);
  });
});

describe('review page: protected and unknown tables', () => {
  function manyKept(protectedCount: number, unknownCount: number) {
    const id = (prefix: string, i: number) => `sg-${prefix}${String(i).padStart(15, '0')}`;
    const groups = [
      candidate('sg-0a'),
      ...Array.from({ length: protectedCount }, (_, i) => candidate(id('p', i), 'us-east-1', { verdict: 'protected', reasons: ['tagged DoNotDelete=true'] })),
      ...Array.from({ length: unknownCount }, (_, i) => candidate(id('u', i), 'us-east-1', { verdict: 'unknown', reasons: ['lambda failed'] })),
    ];
    const report = auditReport([regionReport('us-east-1', groups)]);
    return { report, html: renderReviewPage({ report, token: 'a.b', expiresAt: new Date('2026-12-08T02:00:00Z') }) };
  }

  it('shows at most MAX_KEPT_ROWS protected groups, with the count and where the full list is', () => {
    // Prepare / Act
    const { report, html } = manyKept(MAX_KEPT_ROWS + 50, 3);

    // Assess
    expect(html).toContain(`Protected: ${MAX_KEPT_ROWS + 50}</h3>`);
    expect(html).toContain(`sg-p${String(MAX_KEPT_ROWS - 1).padStart(15, '0')}`);
    expect(html).not.toContain(`sg-p${String(MAX_KEPT_ROWS).padStart(15, '0')}`);
    expect(html).toContain(`Showing the first ${MAX_KEPT_ROWS} of ${MAX_KEPT_ROWS + 50}; the other 50 are in the audit's report`);
    expect(html).toContain(`audits/${report.accountId}/${report.auditId}/report.json`);
  });

  it('shows every unknown group, with their count, when there are no more than MAX_KEPT_ROWS', () => {
    // Prepare / Act
    const { html } = manyKept(1, 3);

    // Assess
    expect(html).toContain('Unknown (a check failed, so they could not be cleared): 3</h3>');
    expect(html.match(/sg-u0{14}\d/g)).toHaveLength(3);
    expect(html).not.toContain('Showing the first');
  });

  it('caps the unknown table on its own', () => {
    // Prepare / Act
    const { html } = manyKept(0, MAX_KEPT_ROWS + 1);

    // Assess
    expect(html).toContain('Protected: 0</h3>\n<p>None.</p>');
    expect(html).toContain(`Showing the first ${MAX_KEPT_ROWS} of ${MAX_KEPT_ROWS + 1}; the other 1 are in`);
  });
});

describe('page headers', () => {
  it('forbid scripts, framing, caching, sniffing and referrers to other sites', () => {
    // Assess
    expect(PAGE_HEADERS['Content-Security-Policy']).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'; form-action 'self'/);
    expect(PAGE_HEADERS['Content-Security-Policy']).not.toContain('script-src');
    expect(PAGE_HEADERS['Cache-Control']).toBe('no-store');
    expect(PAGE_HEADERS['Referrer-Policy']).toBe('same-origin');
    expect(PAGE_HEADERS['X-Frame-Options']).toBe('DENY');
    expect(PAGE_HEADERS['X-Content-Type-Options']).toBe('nosniff');
  });
});

describe('result and error pages', () => {
  it('list each outcome with its escaped reason', () => {
    // Prepare
    const outcomes = [
      { groupId: 'sg-0a', region: 'us-east-1', groupName: XSS, outcome: 'deleted' as const, reason: 'deleted' },
      { groupId: 'sg-0b', region: 'us-east-1', groupName: 'b', outcome: 'skipped' as const, reason: 'now in-use: used by ENI eni-1' },
    ];
    const result: DeletionResult = {
      schemaVersion: 2,
      status: 'completed',
      revocations: [],
      preDeleteBackups: {},
      auditId: 'a',
      accountId: '123456789012',
      startedAt: 'x',
      finishedAt: 'y',
      requester: { via: 'approval-link' },
      selection: ['sg-0a', 'sg-0b'],
      outcomes,
      totals: countOutcomes(outcomes),
    };

    // Act
    const html = renderResultPage(result);

    // Assess
    expect(html).toContain('1 deleted, 1 skipped, 0 failed, 0 kept by reviewer');
    expect(html).toContain('now in-use: used by ENI eni-1');
    expect(html).not.toContain(XSS);
  });

  it('show a group kept for a number of days with its date and escaped reason, counted as kept by reviewer', () => {
    // Prepare
    const outcomes = [
      { groupId: 'sg-0a', region: 'us-east-1', groupName: 'a', outcome: 'deleted' as const, reason: 'deleted' },
      { groupId: 'sg-0k', region: 'us-east-1', groupName: 'k', outcome: 'kept-by-reviewer' as const, reason: `kept by reviewer until 2027-01-31: ${XSS}` },
    ];
    const result: DeletionResult = {
      schemaVersion: 2,
      status: 'completed',
      revocations: [],
      preDeleteBackups: {},
      auditId: 'a',
      accountId: '123456789012',
      startedAt: 'x',
      finishedAt: 'y',
      requester: { via: 'approval-link' },
      selection: ['sg-0a'],
      outcomes,
      totals: countOutcomes(outcomes),
    };

    // Act
    const html = renderResultPage(result);

    // Assess
    expect(html).toContain('1 deleted, 0 skipped, 0 failed, 1 kept by reviewer');
    expect(html).toContain('kept by reviewer until 2027-01-31: &lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain(XSS);
  });

  it('show the request id on an error page', () => {
    // Act
    const html = renderErrorPage('Something went wrong', 'oops <b>', { requestId: 'req-<1>' });

    // Assess
    expect(html).toContain('req-&lt;1&gt;');
    expect(html).toContain('oops &lt;b&gt;');
  });

  it('escape quotes and ampersands too', () => {
    // Assess
    expect(escapeHtml(`a&b"c'd`)).toBe('a&amp;b&quot;c&#39;d');
  });
});

describe('review page at scale', () => {
  it('renders 10,000 candidates in one region within the 6 MB response, and a kept-ids post stays small', () => {
    // Prepare
    const groups = Array.from({ length: 10_000 }, (_, i) => candidate(`sg-${i.toString(16).padStart(17, '0')}`, 'us-east-1', { groupName: `app-${i}-old-service-name` }));
    const report = auditReport([regionReport('us-east-1', groups)]);

    // Act
    const html = renderReviewPage({ report, token: 'x'.repeat(400), expiresAt: new Date('2026-12-09T00:00:00Z') });

    // Assess
    expect(Buffer.byteLength(html)).toBeLessThan(6 * 1024 * 1024);
  });

  it('lets long names wrap after separators', () => {
    // Act
    const html = renderReviewPage({ report: auditReport([regionReport('us-east-1', [candidate('sg-0a', 'us-east-1', { groupName: 'eks-cluster_node.group' })])]), token: 't', expiresAt: new Date() });

    // Assess
    expect(html).toContain('eks-<wbr>cluster_<wbr>node.<wbr>group');
  });

  it('says prominently which excluded sources left the candidates unverified', () => {
    // Prepare
    const report = { ...auditReport([regionReport('us-east-1', [candidate('sg-0a')])]), skippedSources: ['mwaa' as const] };

    // Act
    const html = renderReviewPage({ report, token: 't', expiresAt: new Date() });

    // Assess
    expect(html).toContain('<strong>Unverified by: mwaa.</strong>');
  });
});

describe('review page details', () => {
  it('lists per region the sources checked and excluded, and each failed source with its escaped reason', () => {
    // Prepare
    const report = auditReport([
      regionReport('us-east-1', [candidate('sg-0a')], {
        scans: [
          { source: 'network-interfaces', status: 'ok', apiCalls: 1, usageCount: 0 },
          { source: 'mwaa', status: 'skipped', apiCalls: 0, usageCount: 0 },
          { source: 'lambda', status: 'failed', apiCalls: 1, usageCount: 0, error: { code: 'AccessDeniedException', message: `denied ${XSS}` } },
        ],
      }),
    ]);

    // Act
    const html = renderReviewPage({ report, token: 'a.b', expiresAt: new Date('2026-12-08T02:00:00Z') });

    // Assess
    expect(html).toContain('<details><summary>Sources checked, excluded and failed, per region</summary>');
    expect(html).toContain('<p><strong>us-east-1</strong>: checked 1: network-interfaces; excluded: mwaa; failed: 1</p>');
    expect(html).toContain('<li>lambda: AccessDeniedException: denied &lt;img src=x onerror=alert(1)&gt;</li>');
    expect(html).not.toContain(XSS);
  });

  it('shows the in-use groups collapsed, each with its escaped evidence', () => {
    // Prepare
    const inUse = candidate('sg-0b', 'us-east-1', { verdict: 'in-use', reasons: [`used by lambda function ${XSS}`] });
    const report = auditReport([regionReport('us-east-1', [candidate('sg-0a'), inUse])]);

    // Act
    const html = renderReviewPage({ report, token: 'a.b', expiresAt: new Date('2026-12-08T02:00:00Z') });

    // Assess
    expect(html).toContain('<details><summary>In use: 1 groups (not deletable)</summary>');
    expect(html).toContain('<td class="wrap">used by lambda function &lt;img src=x onerror=alert(1)&gt;</td>');
  });

  it('keeps ids on one line and lets names wrap anywhere once separators run out', () => {
    // Prepare / Act
    const html = reviewHtml();

    // Assess
    expect(html).toContain('td.id{white-space:nowrap}');
    expect(html).toContain('td.name{overflow-wrap:anywhere}');
    expect(html).toMatch(/<td class="id"><label for="k-sg-0a">sg-0a<\/label><\/td>/);
  });
});

describe('review page: places not scanned', () => {
  const coverage = { scanned: 102, interfaces: 0, notScanned: 72, listUrl: 'docs/coverage.md#places-not-scanned' };

  it('says how many places are not scanned, and names the list in the docs', () => {
    // Prepare
    const report = auditReport([regionReport('us-east-1', [candidate('sg-0a')])], { coverage });

    // Act
    const html = renderReviewPage({ report, token: 't', expiresAt: new Date() });

    // Assess
    expect(html).toContain('<strong>72 places that can hold a security group are not scanned:</strong> a group used only there looks unused.');
    expect(html).toContain("See the list of places not scanned in sg-auditor's <code>docs/coverage.md#places-not-scanned</code> (102 scanned, 0 through network interfaces).");
  });

  it('links a list at an https URL, escaped', () => {
    // Prepare
    const report = auditReport([regionReport('us-east-1', [candidate('sg-0a')])], { coverage: { ...coverage, listUrl: 'https://docs.example/coverage"><script>alert(1)</script>' } });

    // Act
    const html = renderReviewPage({ report, token: 't', expiresAt: new Date() });

    // Assess
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('<a href="https://docs.example/coverage&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">the list of places not scanned</a>');
  });

  it('says nothing of coverage for a report written before it was recorded', () => {
    // Act
    const html = renderReviewPage({ report: auditReport([regionReport('us-east-1', [candidate('sg-0a')])]), token: 't', expiresAt: new Date() });

    // Assess
    expect(html).not.toContain('not scanned');
  });
});
