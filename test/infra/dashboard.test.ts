import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emitAuditFailure, emitAuditMetrics, type AuditMetrics } from '../../lambda/aws/audit-metrics';
import { countOutcomes, DELETION_RESULT_SCHEMA_VERSION, type DeletionResult } from '../../lambda/core/deletion-plan';
import { AUDIT_METRICS_SERVICE, DELETION_METRICS_SERVICE } from '../../lambda/core/metric-names';
import { publishDeletionMetrics } from '../../lambda/workflows/deletion/deps';
import { auditReport, candidate, regionReport } from '../helpers/audit-report';
import { dashboardBody, dashboardMetrics, renderDashboardSketch, type DashboardMetric } from '../../scripts/dashboard-body';
import { logicalId, synthStack, type Synthesized } from './infra-fixture';

/** A recorder standing in for Powertools Metrics: what each flushed EMF document would carry. */
function recorder(service: string): { sink: AuditMetrics; emitted: Array<{ name: string; dimensions: Record<string, string> }> } {
  const emitted: Array<{ name: string; dimensions: Record<string, string> }> = [];
  let dimensions: Record<string, string> = {};
  let names: string[] = [];
  return {
    emitted,
    sink: {
      addDimension: (name, value) => (dimensions[name] = value),
      addMetric: (name) => names.push(name),
      publishStoredMetrics: () => {
        for (const name of names) emitted.push({ name, dimensions: { service, ...dimensions } });
        names = [];
        dimensions = {};
      },
    },
  };
}

let synth: Synthesized;
let metrics: DashboardMetric[];

beforeAll(() => {
  synth = synthStack();
  metrics = dashboardMetrics(dashboardBody(synth.resources));
});

function graphed(title: string): DashboardMetric[] {
  return metrics.filter((m) => m.widget === title);
}

describe('CloudWatch dashboard', () => {
  it('exists once, named after the stack and its region', () => {
    // Prepare / Act
    const dashboards = Object.values(synth.resources).filter((r) => r.Type === 'AWS::CloudWatch::Dashboard');

    // Assess
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]?.Properties?.DashboardName).toEqual({ 'Fn::Join': ['-', ['SgAuditor', { Ref: 'AWS::Region' }]] });
  });

  it('reads every metric from the namespace the stack gives the Lambdas', () => {
    // Prepare
    const auditEnv = (synth.resources[logicalId(synth.stack, synth.stack.audit.function)]?.Properties?.Environment as { Variables: Record<string, string> }).Variables;

    // Act
    const namespaces = new Set(metrics.map((m) => m.namespace));

    // Assess
    expect(auditEnv.POWERTOOLS_METRICS_NAMESPACE).toBe('SgAuditor');
    expect([...namespaces]).toEqual([auditEnv.POWERTOOLS_METRICS_NAMESPACE]);
  });

  it('graphs the groups by verdict of each audit', () => {
    // Prepare / Act
    const names = graphed('Groups by verdict, per audit').map((m) => m.name);

    // Assess
    expect(names).toEqual(['InUse', 'Candidates', 'Protected', 'Unknown']);
  });

  it('graphs candidates over time, groups kept by reviewers, failed sources, and API calls and duration', () => {
    // Prepare / Act
    const byWidget = {
      candidates: graphed('Candidates over time').map((m) => m.name),
      kept: graphed('Approved deletions: kept by reviewer').map((m) => m.name),
      failed: graphed('Failed sources and regions').map((m) => m.name),
      calls: graphed('API calls and duration, per audit').map((m) => m.name),
    };

    // Assess
    expect(byWidget.candidates).toContain('Candidates');
    expect(byWidget.kept).toContain('GroupsKeptByReviewer');
    expect(byWidget.failed).toContain('FailedSources');
    expect(byWidget.calls).toEqual(['ApiCalls', 'Duration']);
  });

  it('names only metrics the audit and the deletion emit, with the dimensions they emit them with', () => {
    // Prepare
    const audit = recorder(AUDIT_METRICS_SERVICE);
    const report = auditReport([regionReport('us-east-1', [candidate('sg-0a1b2c3d4e5f60718')])]);
    emitAuditMetrics(audit.sink, report, { totalMs: 1000, byRegionMs: new Map([['us-east-1', 900]]) });
    emitAuditFailure(audit.sink, 10);
    const deletion = recorder(DELETION_METRICS_SERVICE);
    const result: DeletionResult = {
      schemaVersion: DELETION_RESULT_SCHEMA_VERSION,
      status: 'completed',
      auditId: report.auditId,
      accountId: report.accountId,
      startedAt: '2026-12-02T09:00:00.000Z',
      finishedAt: '2026-12-02T09:01:00.000Z',
      requester: { via: 'approval-link' },
      selection: [],
      outcomes: [],
      revocations: [],
      preDeleteBackups: {},
      totals: countOutcomes([]),
    };
    publishDeletionMetrics(result, deletion.sink);
    const emitted = new Set([...audit.emitted, ...deletion.emitted].map((e) => JSON.stringify([e.name, e.dimensions])));

    // Act
    const unknown = metrics.filter((m) => !emitted.has(JSON.stringify([m.name, m.dimensions])));

    // Assess
    expect(metrics.length).toBeGreaterThan(0);
    expect(unknown).toEqual([]);
  });

  it('is drawn in docs/dashboard.svg as it is synthesized now (npm run dashboard-sketch rewrites it)', () => {
    // Prepare
    const committed = readFileSync(join(__dirname, '..', '..', 'docs', 'dashboard.svg'), 'utf8');

    // Act
    const current = renderDashboardSketch(dashboardBody(synth.resources), 'SgAuditor-<region>');

    // Assess
    expect(committed).toBe(current);
  });
});
