import { DescribeApplicationStatusChecksCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { applicationStatusChecksScanner } from '../../../lambda/aws/scanners/application-status-checks';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);

beforeEach(() => ec2.reset());

describe('application-status-checks scanner', () => {
  it('marks the groups of a health check path source and destination as in use, naming the check', async () => {
    // Prepare
    ec2.on(DescribeApplicationStatusChecksCommand).resolves({
      ApplicationStatusChecks: [
        {
          ApplicationStatusCheckId: 'asc-0123456789abcdef0',
          Aggregation: 'included',
          Protocol: 'http',
          Port: 8080,
          Path: '/health',
          HealthCheckPaths: [
            { Source: { SubnetId: 'subnet-a', SecurityGroupId: 'sg-source' }, Destinations: [{ SubnetId: 'subnet-b', SecurityGroupId: 'sg-dest' }] },
          ],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(applicationStatusChecksScanner, [group('sg-source'), group('sg-dest'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-source').verdict).toBe('in-use');
    expect(result.verdictOf('sg-source').usages[0]).toMatchObject({
      source: 'application-status-checks',
      resourceType: 'EC2 application status check',
      resourceId: 'asc-0123456789abcdef0',
      detail: 'http port 8080 /health, health check source',
    });
    expect(result.verdictOf('sg-dest').verdict).toBe('in-use');
    expect(result.verdictOf('sg-dest').usages[0]?.detail).toBe('http port 8080 /health, health check destination');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('follows NextToken to the last page', async () => {
    ec2.on(DescribeApplicationStatusChecksCommand)
      .resolvesOnce({ ApplicationStatusChecks: [], NextToken: 'page-2' })
      .resolvesOnce({ ApplicationStatusChecks: [{ ApplicationStatusCheckId: 'asc-late', HealthCheckPaths: [{ Source: { SecurityGroupId: 'sg-late' } }] }] });

    const result = await scanAndClassify(applicationStatusChecksScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(ec2).toHaveReceivedNthCommandWith(2, DescribeApplicationStatusChecksCommand, { NextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    ec2.on(DescribeApplicationStatusChecksCommand).rejects(awsError('UnauthorizedOperation'));

    const result = await scanAndClassify(applicationStatusChecksScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['application-status-checks']);
  });
});
