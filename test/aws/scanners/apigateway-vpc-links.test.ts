import { ApiGatewayV2Client, GetVpcLinksCommand } from '@aws-sdk/client-apigatewayv2';
import { mockClient } from 'aws-sdk-client-mock';
import { apigatewayVpcLinksScanner } from '../../../lambda/aws/scanners/apigateway-vpc-links';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const apigw = mockClient(ApiGatewayV2Client);

beforeEach(() => apigw.reset());

describe('apigateway-vpc-links scanner', () => {
  it('marks a group of an HTTP API VPC link as in use, naming the link, and leaves another group a candidate', async () => {
    // Prepare
    apigw.on(GetVpcLinksCommand).resolves({
      Items: [
        {
          VpcLinkId: 'abc123',
          Name: 'orders-private',
          SecurityGroupIds: ['sg-used'],
          SubnetIds: ['subnet-1', 'subnet-2'],
          VpcLinkStatus: 'AVAILABLE',
          VpcLinkVersion: 'V2',
        },
      ],
    });

    // Act
    const result = await scanAndClassify(apigatewayVpcLinksScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'apigateway-vpc-links',
      resourceType: 'API Gateway VPC link',
      resourceId: 'abc123',
      resourceName: 'orders-private',
      detail: 'status AVAILABLE',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('follows NextToken by hand to the last page, asking for 500 links per page', async () => {
    apigw
      .on(GetVpcLinksCommand)
      .resolvesOnce({ Items: [], NextToken: 'page-2' })
      .resolvesOnce({ Items: [{ VpcLinkId: 'late', Name: 'late', SecurityGroupIds: ['sg-late'], SubnetIds: [] }] });

    const result = await scanAndClassify(apigatewayVpcLinksScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(result.apiCalls).toBe(2);
    expect(apigw).toHaveReceivedNthCommandWith(1, GetVpcLinksCommand, { MaxResults: '500' });
    expect(apigw).toHaveReceivedNthCommandWith(2, GetVpcLinksCommand, { MaxResults: '500', NextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when API Gateway throttles', async () => {
    apigw.on(GetVpcLinksCommand).rejects(awsError('TooManyRequestsException'));

    const result = await scanAndClassify(apigatewayVpcLinksScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.scan.error?.code).toBe('TooManyRequestsException');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });

  it('declares apigateway:GET, the verb-based action API Gateway checks for GetVpcLinks', () => {
    expect(apigatewayVpcLinksScanner.actions).toEqual(['apigateway:GET']);
  });
});
