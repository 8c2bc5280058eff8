import { settingsFromFlags } from '../../lambda/cli/settings-flags';
import { classifyOptionsFor, classifyRegion } from '../../lambda/core/classify';
import { auditEnvSchema, ConfigError, parseEnv, settingsFromEnv } from '../../lambda/core/config';
import type { AuditSettings, ScanResult } from '../../lambda/core/model';
import { renderAuditEmail } from '../../lambda/core/render-email';
import { renderLog } from '../../lambda/core/render-log';
import { renderReviewPage } from '../../lambda/core/render-page';
import { readAuditReport } from '../../lambda/core/report-schema';
import { auditKeys } from '../../lambda/core/s3-keys';
import { strictestSettings } from '../../lambda/core/strictest';
import { auditReport, candidate, regionReport } from '../helpers/audit-report';
import { ACCOUNT, DEFAULT_SETTINGS, group, REGION } from '../helpers/scanner-harness';

const NOW = new Date('2026-11-26T00:00:00Z');
const ENV = {
  ARTIFACT_BUCKET: 'b',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:t',
  MAC_KEY_ID: 'k',
  APPROVAL_URL: 'https://example.com/',
};

function activityScan(extra: Partial<ScanResult>): ScanResult {
  return { source: 'recent-activity', region: REGION, status: 'ok', usages: [], apiCalls: 0, ...extra };
}

describe('recent activity: classification', () => {
  it('keeps a group without evidence unknown, naming the date reached, when the window was cut short', () => {
    const scan = activityScan({ activityWindow: { idleDays: 90, from: '2026-08-28T00:00:00.000Z', reached: '2026-11-02T10:00:00.000Z', complete: false } });

    const [g] = classifyRegion([group('sg-1')], [scan], classifyOptionsFor({ ...DEFAULT_SETTINGS, idleDays: 90 }, ACCOUNT, NOW));

    expect(g?.verdict).toBe('unknown');
    expect(g?.failedSources).toEqual(['recent-activity']);
    expect(g?.reasons[0]).toContain('read back only to 2026-11-02 of the 90-day window');
  });

  it('leaves a group a candidate when the whole window was read, carrying its last (non-use) activity', () => {
    const last = { time: '2026-11-20T00:00:00.000Z', summary: 'AuthorizeSecurityGroupIngress on 2026-11-20 by x (an edit of its own rules: not use)', use: false };
    const scan = activityScan({ activityWindow: { idleDays: 90, from: '2026-08-28T00:00:00.000Z', reached: '2026-08-28T00:00:00.000Z', complete: true }, activity: { 'sg-1': last } });

    const [g] = classifyRegion([group('sg-1')], [scan], classifyOptionsFor({ ...DEFAULT_SETTINGS, idleDays: 90 }, ACCOUNT, NOW));

    expect(g?.verdict).toBe('candidate');
    expect(g?.lastActivity).toEqual(last);
  });
});

describe('recent activity: configuration', () => {
  it('defaults idleDays to 90 from the environment and accepts 0 (off)', () => {
    expect(settingsFromEnv(parseEnv(auditEnvSchema, ENV)).idleDays).toBe(90);
    expect(settingsFromEnv(parseEnv(auditEnvSchema, { ...ENV, IDLE_DAYS: '0' })).idleDays).toBe(0);
  });

  it('refuses an idleDays beyond the 90 days of CloudTrail history, naming the variable', () => {
    expect(() => parseEnv(auditEnvSchema, { ...ENV, IDLE_DAYS: '120' })).toThrow(ConfigError);
    expect(() => parseEnv(auditEnvSchema, { ...ENV, IDLE_DAYS: '120' })).toThrow(/IDLE_DAYS/);
  });

  it('takes --idle-days from the CLI', () => {
    expect(settingsFromFlags({ 'idle-days': '30' }, 'all').idleDays).toBe(30);
    expect(() => settingsFromFlags({ 'idle-days': 'x' }, 'all')).toThrow(/--idle-days/);
  });

  it('re-audits a deletion with the larger idleDays of the signed report and the deployed settings', () => {
    const signed: AuditSettings = { ...DEFAULT_SETTINGS, idleDays: 0 };
    const current: AuditSettings = { ...DEFAULT_SETTINGS, idleDays: 60 };

    expect(strictestSettings(signed, current).idleDays).toBe(60);
    expect(strictestSettings({ ...DEFAULT_SETTINGS, idleDays: 90 }, current).idleDays).toBe(90);
  });

  it('keeps idleDays when a report is read back, and reads a report without it as off', () => {
    const report = auditReport([regionReport('us-east-1', [candidate('sg-1')])]);
    const withDays = readAuditReport(JSON.parse(JSON.stringify({ ...report, settings: { ...report.settings, idleDays: 45 } })));

    expect(withDays.report.settings.idleDays).toBe(45);
    expect(readAuditReport(JSON.parse(JSON.stringify(report))).report.settings.idleDays).toBeUndefined();
  });
});

describe('recent activity: shown to the reviewer', () => {
  const on = (groups = [candidate('sg-0aaa'), candidate('sg-0bbb', 'us-east-1', { lastActivity: { time: '2026-11-20T00:00:00.000Z', summary: 'AuthorizeSecurityGroupIngress on 2026-11-20 by <b>x</b>', use: false } })]) => {
    const report = auditReport([regionReport('us-east-1', groups)]);
    return { ...report, settings: { ...report.settings, idleDays: 90 } };
  };

  it('says "no activity in 90 days" or the last activity for each candidate in the log and the email', () => {
    const report = on();

    const log = renderLog(report);
    const email = renderAuditEmail({ report, bucket: 'b', keys: auditKeys(report.accountId, report.auditId), dryRun: true }).body;

    for (const text of [log, email]) {
      expect(text).toContain('no activity in 90 days');
      expect(text).toContain('last activity: AuthorizeSecurityGroupIngress on 2026-11-20');
    }
  });

  it('says on every page that the check is off when idleDays is 0', () => {
    const report = auditReport([regionReport('us-east-1', [candidate('sg-0aaa')])]);
    const off = { ...report, settings: { ...report.settings, idleDays: 0 } };

    const page = renderReviewPage({ report: off, token: 'tok', expiresAt: new Date('2026-12-08T00:00:00Z') });

    expect(renderLog(off)).toContain('recent activity check OFF (idleDays 0)');
    expect(renderAuditEmail({ report: off, bucket: 'b', keys: auditKeys(off.accountId, off.auditId), dryRun: true }).body).toContain('recent activity check OFF (idleDays 0)');
    expect(page).toContain('recent activity check OFF (idleDays 0)');
  });

  it('sorts the review page by last activity, newest first, from the column header link, escaping the activity text', () => {
    const page = renderReviewPage({ report: on(), token: 'tok', expiresAt: new Date('2026-12-08T00:00:00Z'), sort: '-activity' });

    expect(page.indexOf('value="sg-0bbb"')).toBeLessThan(page.indexOf('value="sg-0aaa"'));
    expect(page).toContain('?t=tok&amp;sort=activity');
    expect(page).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(page).not.toContain('<b>x</b>');
  });
});
