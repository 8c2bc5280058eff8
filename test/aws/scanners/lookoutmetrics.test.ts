import { DescribeMetricSetCommand, ListAnomalyDetectorsCommand, ListMetricSetsCommand, LookoutMetricsClient } from '@aws-sdk/client-lookoutmetrics';
import { mockClient } from 'aws-sdk-client-mock';
import { lookoutmetricsScanner } from '../../../lambda/aws/scanners/lookoutmetrics';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const lm = mockClient(LookoutMetricsClient);
const DETECTOR = 'arn:aws:lookoutmetrics:us-east-1:123456789012:AnomalyDetector:orders';
const METRIC_SET = 'arn:aws:lookoutmetrics:us-east-1:123456789012:MetricSet/orders/revenue';

beforeEach(() => {
  lm.reset();
  lm.on(ListAnomalyDetectorsCommand).resolves({ AnomalyDetectorSummaryList: [{ AnomalyDetectorArn: DETECTOR, AnomalyDetectorName: 'orders', Status: 'ACTIVE' }] });
  lm.on(ListMetricSetsCommand).resolves({ MetricSetSummaryList: [{ MetricSetArn: METRIC_SET, AnomalyDetectorArn: DETECTOR, MetricSetName: 'revenue' }] });
});

describe('lookoutmetrics scanner', () => {
  it('marks a group held only by an RDS metric source as in use, naming the detector', async () => {
    // Prepare
    lm.on(DescribeMetricSetCommand, { MetricSetArn: METRIC_SET }).resolves({
      MetricSetArn: METRIC_SET,
      MetricSetName: 'revenue',
      MetricSource: {
        RDSSourceConfig: {
          DBInstanceIdentifier: 'orders-db',
          DatabaseHost: 'orders-db.internal',
          DatabasePort: 5432,
          SecretManagerArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db',
          DatabaseName: 'orders',
          TableName: 'sales',
          RoleArn: 'arn:aws:iam::123456789012:role/lm',
          VpcConfiguration: { SubnetIdList: ['subnet-1'], SecurityGroupIdList: ['sg-rds'] },
        },
      },
    });

    // Act
    const result = await scanAndClassify(lookoutmetricsScanner, [group('sg-rds'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-rds').verdict).toBe('in-use');
    expect(result.verdictOf('sg-rds').usages[0]).toMatchObject({
      source: 'lookoutmetrics',
      resourceType: 'Lookout for Metrics anomaly detector',
      resourceId: DETECTOR,
      resourceName: 'orders',
      detail: 'metric set revenue, status ACTIVE',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('follows NextToken on detectors and metric sets', async () => {
    lm.on(ListAnomalyDetectorsCommand).resolvesOnce({ AnomalyDetectorSummaryList: [], NextToken: 'a2' }).resolvesOnce({ AnomalyDetectorSummaryList: [{ AnomalyDetectorArn: DETECTOR }] });
    lm.on(ListMetricSetsCommand).resolvesOnce({ MetricSetSummaryList: [], NextToken: 'm2' }).resolvesOnce({ MetricSetSummaryList: [{ MetricSetArn: METRIC_SET }] });
    lm.on(DescribeMetricSetCommand).resolves({
      MetricSource: { RedshiftSourceConfig: { ClusterIdentifier: 'c', VpcConfiguration: { SubnetIdList: ['subnet-1'], SecurityGroupIdList: ['sg-late'] } } },
    });

    const result = await scanAndClassify(lookoutmetricsScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(lm).toHaveReceivedCommandWith(ListAnomalyDetectorsCommand, { NextToken: 'a2' });
    expect(lm).toHaveReceivedCommandWith(ListMetricSetsCommand, { AnomalyDetectorArn: DETECTOR, NextToken: 'm2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    lm.on(DescribeMetricSetCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(lookoutmetricsScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
