import { ListEndpointAccessCommand, ListWorkgroupsCommand, RedshiftServerlessClient } from '@aws-sdk/client-redshift-serverless';
import { mockClient } from 'aws-sdk-client-mock';
import { redshiftServerlessScanner } from '../../../lambda/aws/scanners/redshift-serverless';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const client = mockClient(RedshiftServerlessClient);

beforeEach(() => {
  client.reset();
  client.on(ListWorkgroupsCommand).resolves({ workgroups: [] });
  client.on(ListEndpointAccessCommand).resolves({ endpoints: [] });
});

describe('redshift-serverless scanner', () => {
  it('marks a group used only by a workgroup as in use, naming the workgroup', async () => {
    // Prepare
    client.on(ListWorkgroupsCommand).resolves({
      workgroups: [
        {
          workgroupName: 'analytics',
          workgroupArn: 'arn:aws:redshift-serverless:us-east-1:123456789012:workgroup/abc',
          namespaceName: 'main',
          status: 'AVAILABLE',
          securityGroupIds: ['sg-used'],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(redshiftServerlessScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({ source: 'redshift-serverless', resourceType: 'Redshift Serverless workgroup', resourceName: 'analytics' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('marks a group used by a Redshift Serverless VPC endpoint as in use', async () => {
    // Prepare
    client.on(ListEndpointAccessCommand).resolves({
      endpoints: [{ endpointName: 'bi', endpointArn: 'arn:bi', workgroupName: 'analytics', vpcSecurityGroups: [{ vpcSecurityGroupId: 'sg-endpoint', status: 'active' }] }],
    });

    // Act
    const result = await scanAndClassify(redshiftServerlessScanner, [group('sg-endpoint')]);

    // Assess
    expect(result.verdictOf('sg-endpoint').usages[0]).toMatchObject({ resourceType: 'Redshift Serverless VPC endpoint', resourceName: 'bi' });
  });

  it('follows nextToken to the last page, 100 per page', async () => {
    // Prepare
    client
      .on(ListWorkgroupsCommand)
      .resolvesOnce({ workgroups: [], nextToken: 'page-2' })
      .resolvesOnce({ workgroups: [{ workgroupName: 'late', securityGroupIds: ['sg-late'] }] });

    // Act
    const result = await scanAndClassify(redshiftServerlessScanner, [group('sg-late')]);

    // Assess
    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(client).toHaveReceivedNthCommandWith(2, ListWorkgroupsCommand, { nextToken: 'page-2', maxResults: 100 });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    // Prepare
    client.on(ListWorkgroupsCommand).rejects(awsError('AccessDeniedException'));

    // Act
    const result = await scanAndClassify(redshiftServerlessScanner, [group('sg-a')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
