import { DescribeApplicationCommand, KinesisAnalyticsV2Client, ListApplicationsCommand } from '@aws-sdk/client-kinesis-analytics-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { managedFlinkScanner } from '../../../lambda/aws/scanners/managed-flink';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const flink = mockClient(KinesisAnalyticsV2Client);

const APP_ARN = 'arn:aws:kinesisanalytics:us-east-1:123456789012:application/clickstream';

beforeEach(() => {
  flink.reset();
  flink.on(ListApplicationsCommand).resolves({ ApplicationSummaries: [{ ApplicationName: 'clickstream', ApplicationARN: APP_ARN, ApplicationStatus: 'READY', ApplicationVersionId: 3, RuntimeEnvironment: 'FLINK-1_20' }] });
  flink.on(DescribeApplicationCommand).resolves({
    ApplicationDetail: {
      ApplicationName: 'clickstream',
      ApplicationARN: APP_ARN,
      ApplicationStatus: 'READY',
      ApplicationVersionId: 3,
      RuntimeEnvironment: 'FLINK-1_20',
      ApplicationConfigurationDescription: { VpcConfigurationDescriptions: [{ VpcConfigurationId: '1.1', VpcId: 'vpc-1', SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-used'] }] },
    },
  });
});

describe('managed-flink scanner', () => {
  it('marks a group used only by a stopped Flink application as in use, naming the application', async () => {
    // Act
    const result = await scanAndClassify(managedFlinkScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({ source: 'managed-flink', resourceType: 'Managed Flink application', resourceId: APP_ARN, resourceName: 'clickstream', detail: 'status READY, FLINK-1_20' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
    expect(flink).toHaveReceivedCommandWith(DescribeApplicationCommand, { ApplicationName: 'clickstream' });
  });

  it('follows NextToken to the last page, 50 per page', async () => {
    // Prepare
    flink.on(ListApplicationsCommand).resolvesOnce({ ApplicationSummaries: [], NextToken: 'page-2' }).resolvesOnce({ ApplicationSummaries: [] });

    // Act
    await scanAndClassify(managedFlinkScanner, [group('sg-free')]);

    // Assess
    expect(flink).toHaveReceivedNthCommandWith(2, ListApplicationsCommand, { NextToken: 'page-2', Limit: 50 });
  });

  it('passes over an application deleted between listing and describing', async () => {
    // Prepare
    flink.on(DescribeApplicationCommand).rejects(awsError('ResourceNotFoundException'));

    // Act
    const result = await scanAndClassify(managedFlinkScanner, [group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown when the service denies access', async () => {
    // Prepare
    flink.on(DescribeApplicationCommand).rejects(awsError('AccessDeniedException'));

    // Act
    const result = await scanAndClassify(managedFlinkScanner, [group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-free').verdict).toBe('unknown');
    expect(result.verdictOf('sg-free').failedSources).toEqual(['managed-flink']);
  });
});
