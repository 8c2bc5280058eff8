import { DescribeVerifiedAccessEndpointsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { verifiedAccessScanner } from '../../../lambda/aws/scanners/verified-access';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);

beforeEach(() => ec2.reset());

describe('verified-access scanner', () => {
  it('marks a group of a Verified Access endpoint as in use, naming the endpoint and its application', async () => {
    // Prepare
    ec2.on(DescribeVerifiedAccessEndpointsCommand).resolves({
      VerifiedAccessEndpoints: [
        {
          VerifiedAccessEndpointId: 'vae-0abc',
          EndpointType: 'load-balancer',
          ApplicationDomain: 'intranet.example.com',
          Status: { Code: 'active' },
          SecurityGroupIds: ['sg-used'],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(verifiedAccessScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'verified-access',
      resourceType: 'Verified Access endpoint',
      resourceId: 'vae-0abc',
      resourceName: 'intranet.example.com',
      detail: 'load-balancer, status active',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('ignores a deleted endpoint', async () => {
    ec2.on(DescribeVerifiedAccessEndpointsCommand).resolves({
      VerifiedAccessEndpoints: [{ VerifiedAccessEndpointId: 'vae-old', Status: { Code: 'deleted' }, SecurityGroupIds: ['sg-old'] }],
    });

    const result = await scanAndClassify(verifiedAccessScanner, [group('sg-old')]);

    expect(result.verdictOf('sg-old').verdict).toBe('candidate');
  });

  it('asks for 1000 per page and follows NextToken to the last page', async () => {
    ec2
      .on(DescribeVerifiedAccessEndpointsCommand)
      .resolvesOnce({ VerifiedAccessEndpoints: [], NextToken: 'page-2' })
      .resolvesOnce({ VerifiedAccessEndpoints: [{ VerifiedAccessEndpointId: 'vae-late', SecurityGroupIds: ['sg-late'] }] });

    const result = await scanAndClassify(verifiedAccessScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(ec2).toHaveReceivedNthCommandWith(1, DescribeVerifiedAccessEndpointsCommand, { MaxResults: 1000 });
    expect(ec2).toHaveReceivedNthCommandWith(2, DescribeVerifiedAccessEndpointsCommand, { NextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    ec2.on(DescribeVerifiedAccessEndpointsCommand).rejects(awsError('UnauthorizedOperation'));

    const result = await scanAndClassify(verifiedAccessScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
