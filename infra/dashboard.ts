import { Aws, CfnOutput, Duration, Fn, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { AUDIT_METRICS_SERVICE, DELETION_METRICS_SERVICE } from '../lambda/core/metric-names';

export interface AuditorDashboardProps {
  /** The namespace the Lambdas emit to (POWERTOOLS_METRICS_NAMESPACE). */
  namespace: string;
}

/** The audit runs monthly by default: half a year shows six audits. */
const DEFAULT_INTERVAL = Duration.days(180);
/** One point per day: an audit (or a deletion) is one set of data points. */
const PERIOD = Duration.days(1);

/**
 * The operator's view of the metrics the audit and the deletion workflow already emit: groups by
 * verdict per audit, candidates over time, groups kept by reviewers, failed sources, and the
 * audit's API calls and duration. Named `<stack>-<region>` so a stack per region never collides.
 */
export class AuditorDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: AuditorDashboardProps) {
    super(scope, id);
    const { namespace } = props;
    const audit = (metricName: string, label: string, statistic: string = cloudwatch.Stats.MAXIMUM) =>
      new cloudwatch.Metric({ namespace, metricName, label, statistic, period: PERIOD, dimensionsMap: { service: AUDIT_METRICS_SERVICE } });
    const deletion = (metricName: string, label: string) =>
      new cloudwatch.Metric({ namespace, metricName, label, statistic: cloudwatch.Stats.SUM, period: PERIOD, dimensionsMap: { service: DELETION_METRICS_SERVICE } });

    const graph = (title: string, left: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: 12, height: 6, legendPosition: cloudwatch.LegendPosition.BOTTOM, ...extra });

    const stack = Stack.of(this);
    this.dashboard = new cloudwatch.Dashboard(this, 'Resource', {
      dashboardName: Fn.join('-', [stack.stackName, Aws.REGION]),
      defaultInterval: DEFAULT_INTERVAL,
      widgets: [
        [
          new cloudwatch.TextWidget({
            width: 24,
            height: 2,
            markdown:
              '## sg-auditor\nOne point per day: the latest audit of that day (maximum) and the sum of that day\'s deletions. ' +
              'Per-region numbers: metrics with the `Region` dimension; a bad audit: the `AuditErrors` alarm and the audit\'s logs.',
          }),
        ],
        [
          graph('Groups by verdict, per audit', [
            audit('InUse', 'in use'),
            audit('Candidates', 'candidates'),
            audit('Protected', 'protected'),
            audit('Unknown', 'unknown (a check failed)'),
          ], { stacked: true, leftYAxis: { min: 0, label: 'groups', showUnits: false } }),
          graph('Candidates over time', [audit('Candidates', 'candidates'), audit('Groups', 'all groups')], {
            leftYAxis: { min: 0, label: 'groups', showUnits: false },
          }),
        ],
        [
          graph('Approved deletions: kept by reviewer', [
            deletion('GroupsKeptByReviewer', 'kept by reviewer'),
            deletion('GroupsDeleted', 'deleted'),
            deletion('GroupsSkipped', 'skipped (no longer a candidate)'),
            deletion('GroupsFailed', 'failed'),
          ], { leftYAxis: { min: 0, label: 'groups', showUnits: false } }),
          graph('Failed sources and regions', [
            audit('FailedSources', 'failed sources'),
            audit('FailedRegions', 'failed regions'),
            audit('AuditFailed', 'audit could not run', cloudwatch.Stats.SUM),
          ], { leftYAxis: { min: 0, label: 'count', showUnits: false } }),
        ],
        [
          graph('API calls and duration, per audit', [audit('ApiCalls', 'API calls')], {
            right: [audit('Duration', 'duration (ms)')],
            leftYAxis: { min: 0, label: 'calls', showUnits: false },
            rightYAxis: { min: 0, label: 'ms', showUnits: false },
            width: 24,
          }),
        ],
      ],
    });

    const url = new CfnOutput(this, 'Url', {
      value: Fn.join('', ['https://', Aws.REGION, '.console.aws.amazon.com/cloudwatch/home?region=', Aws.REGION, '#dashboards/dashboard/', this.dashboard.dashboardName]),
      description: 'The sg-auditor CloudWatch dashboard',
    });
    url.overrideLogicalId('DashboardUrl');
  }
}
