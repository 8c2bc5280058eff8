import { DescribeClientVpnEndpointsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { clientVpnScanner } from '../../../lambda/aws/scanners/client-vpn';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);

beforeEach(() => ec2.reset());

describe('client-vpn scanner', () => {
  it('marks a group of a Client VPN endpoint as in use, naming the endpoint', async () => {
    // Prepare
    ec2.on(DescribeClientVpnEndpointsCommand).resolves({
      ClientVpnEndpoints: [
        {
          ClientVpnEndpointId: 'cvpn-endpoint-0abc',
          Description: 'staff vpn',
          Status: { Code: 'available' },
          VpcId: 'vpc-1',
          SecurityGroupIds: ['sg-used'],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(clientVpnScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'client-vpn',
      resourceType: 'Client VPN endpoint',
      resourceId: 'cvpn-endpoint-0abc',
      resourceName: 'staff vpn',
      detail: 'status available, vpc-1',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('ignores a deleted endpoint', async () => {
    ec2.on(DescribeClientVpnEndpointsCommand).resolves({
      ClientVpnEndpoints: [{ ClientVpnEndpointId: 'cvpn-endpoint-old', Status: { Code: 'deleted' }, SecurityGroupIds: ['sg-old'] }],
    });

    const result = await scanAndClassify(clientVpnScanner, [group('sg-old')]);

    expect(result.verdictOf('sg-old').verdict).toBe('candidate');
  });

  it('asks for 1000 per page and follows NextToken to the last page', async () => {
    ec2
      .on(DescribeClientVpnEndpointsCommand)
      .resolvesOnce({ ClientVpnEndpoints: [], NextToken: 'page-2' })
      .resolvesOnce({ ClientVpnEndpoints: [{ ClientVpnEndpointId: 'cvpn-endpoint-late', SecurityGroupIds: ['sg-late'] }] });

    const result = await scanAndClassify(clientVpnScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(ec2).toHaveReceivedNthCommandWith(1, DescribeClientVpnEndpointsCommand, { MaxResults: 1000 });
    expect(ec2).toHaveReceivedNthCommandWith(2, DescribeClientVpnEndpointsCommand, { NextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    ec2.on(DescribeClientVpnEndpointsCommand).rejects(awsError('UnauthorizedOperation'));

    const result = await scanAndClassify(clientVpnScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
