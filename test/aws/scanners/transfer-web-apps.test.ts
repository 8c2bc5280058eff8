import { DescribeVpcEndpointsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeWebAppCommand, ListWebAppsCommand, TransferClient } from '@aws-sdk/client-transfer';
import { mockClient } from 'aws-sdk-client-mock';
import { transferWebAppsScanner } from '../../../lambda/aws/scanners/transfer-web-apps';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const transfer = mockClient(TransferClient);
const ec2 = mockClient(EC2Client);
const WEBAPP_ARN = 'arn:aws:transfer:us-east-1:123456789012:webapp/webapp-0123456789abcdef0';

beforeEach(() => {
  transfer.reset();
  ec2.reset();
});

function vpcWebApp(webAppId: string, vpcEndpointId: string) {
  return { WebApp: { Arn: WEBAPP_ARN, WebAppId: webAppId, EndpointType: 'VPC' as const, DescribedEndpointDetails: { Vpc: { VpcId: 'vpc-1', SubnetIds: ['subnet-1'], VpcEndpointId: vpcEndpointId } } } };
}

describe('transfer-web-apps scanner', () => {
  it("marks a group of a VPC web app's endpoint as in use, naming the web app", async () => {
    // Prepare
    transfer.on(ListWebAppsCommand).resolves({ WebApps: [{ Arn: WEBAPP_ARN, WebAppId: 'webapp-0123456789abcdef0', EndpointType: 'VPC' }] });
    transfer.on(DescribeWebAppCommand, { WebAppId: 'webapp-0123456789abcdef0' }).resolves(vpcWebApp('webapp-0123456789abcdef0', 'vpce-1'));
    ec2.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [{ VpcEndpointId: 'vpce-1', Groups: [{ GroupId: 'sg-used', GroupName: 'webapp' }] }] });

    // Act
    const result = await scanAndClassify(transferWebAppsScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'transfer-web-apps',
      resourceType: 'Transfer Family web app',
      resourceId: WEBAPP_ARN,
      resourceName: 'webapp-0123456789abcdef0',
      detail: 'VPC endpoint vpce-1',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
    expect(ec2).toHaveReceivedCommandWith(DescribeVpcEndpointsCommand, { Filters: [{ Name: 'vpc-endpoint-id', Values: ['vpce-1'] }], MaxResults: 1000 });
  });

  it('describes no public web app and reads no endpoint when there is none', async () => {
    transfer.on(ListWebAppsCommand).resolves({ WebApps: [{ Arn: WEBAPP_ARN, WebAppId: 'webapp-public', EndpointType: 'PUBLIC' }] });

    const result = await scanAndClassify(transferWebAppsScanner, [group('sg-free')]);

    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
    expect(transfer).toHaveReceivedCommandTimes(DescribeWebAppCommand, 0);
    expect(ec2).toHaveReceivedCommandTimes(DescribeVpcEndpointsCommand, 0);
  });

  it('asks for 1000 web apps per page and follows NextToken', async () => {
    transfer
      .on(ListWebAppsCommand)
      .resolvesOnce({ WebApps: [], NextToken: 'page-2' })
      .resolvesOnce({ WebApps: [{ Arn: WEBAPP_ARN, WebAppId: 'webapp-late', EndpointType: 'VPC' }] });
    transfer.on(DescribeWebAppCommand).resolves(vpcWebApp('webapp-late', 'vpce-late'));
    ec2.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [{ VpcEndpointId: 'vpce-late', Groups: [{ GroupId: 'sg-late' }] }] });

    const result = await scanAndClassify(transferWebAppsScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(transfer).toHaveReceivedNthCommandWith(1, ListWebAppsCommand, { MaxResults: 1000 });
    expect(transfer).toHaveReceivedNthCommandWith(2, ListWebAppsCommand, { MaxResults: 1000, NextToken: 'page-2' });
  });

  it('skips a web app deleted between the listing and its description', async () => {
    transfer.on(ListWebAppsCommand).resolves({ WebApps: [{ Arn: WEBAPP_ARN, WebAppId: 'webapp-gone', EndpointType: 'VPC' }] });
    transfer.on(DescribeWebAppCommand).rejects(awsError('ResourceNotFoundException'));

    const result = await scanAndClassify(transferWebAppsScanner, [group('sg-free')]);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    transfer.on(ListWebAppsCommand).resolves({ WebApps: [{ Arn: WEBAPP_ARN, WebAppId: 'webapp-1', EndpointType: 'VPC' }] });
    transfer.on(DescribeWebAppCommand).resolves(vpcWebApp('webapp-1', 'vpce-1'));
    ec2.on(DescribeVpcEndpointsCommand).rejects(awsError('UnauthorizedOperation'));

    const result = await scanAndClassify(transferWebAppsScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['transfer-web-apps']);
  });
});
