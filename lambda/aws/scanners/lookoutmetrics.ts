import { DescribeMetricSetCommand, LookoutMetricsClient, paginateListAnomalyDetectors, paginateListMetricSets } from '@aws-sdk/client-lookoutmetrics';
import { groupRefsIn, unlessGone } from './group-fields';
import type { Scanner } from './types';

// Amazon Lookout for Metrics API reference (the service reached end of support on 2025-10-10;
// existing detectors may remain readable) and the SDK's model:
// - ListAnomalyDetectors: MaxResults, NextToken (range not in the SDK's model: left to the
//   service's default page); AnomalyDetectorSummaryList[].{AnomalyDetectorArn, AnomalyDetectorName, Status}.
// - ListMetricSets(AnomalyDetectorArn): the same paging; MetricSetSummaryList[].MetricSetArn.
// - DescribeMetricSet(MetricSetArn): MetricSource.{RDSSourceConfig,RedshiftSourceConfig}.VpcConfiguration.SecurityGroupIdList.
// - IAM: lookoutmetrics:ListAnomalyDetectors, lookoutmetrics:ListMetricSets, lookoutmetrics:DescribeMetricSet.

/** Lookout for Metrics metric sets that read an RDS or Redshift source inside a VPC. */
export const lookoutmetricsScanner: Scanner = {
  source: 'lookoutmetrics',
  service: 'lookoutmetrics',
  covers: ['AWS::LookoutMetrics::AnomalyDetector'],
  actions: ['lookoutmetrics:ListAnomalyDetectors', 'lookoutmetrics:ListMetricSets', 'lookoutmetrics:DescribeMetricSet'],
  async scan(clients, _region, ctx) {
    const lm = clients.get(LookoutMetricsClient);
    for await (const detectorPage of paginateListAnomalyDetectors({ client: lm }, {})) {
      for (const detector of detectorPage.AnomalyDetectorSummaryList ?? []) {
        const AnomalyDetectorArn = detector.AnomalyDetectorArn;
        if (!AnomalyDetectorArn) continue;
        for await (const page of paginateListMetricSets({ client: lm }, { AnomalyDetectorArn })) {
          for (const summary of page.MetricSetSummaryList ?? []) {
            const MetricSetArn = summary.MetricSetArn;
            if (!MetricSetArn) continue;
            const metricSet = await unlessGone(() => lm.send(new DescribeMetricSetCommand({ MetricSetArn })));
            if (!metricSet) continue;
            ctx.found(groupRefsIn(metricSet.MetricSource), {
              resourceType: 'Lookout for Metrics anomaly detector',
              resourceId: AnomalyDetectorArn,
              ...(detector.AnomalyDetectorName ? { resourceName: detector.AnomalyDetectorName } : {}),
              detail: `metric set ${metricSet.MetricSetName ?? summary.MetricSetName ?? MetricSetArn}, status ${detector.Status ?? 'unknown'}`,
            });
          }
        }
      }
    }
  },
};
