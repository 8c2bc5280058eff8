import { DescribeNetworkInterfacesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { networkInterfacesScanner } from '../../../lambda/aws/scanners/network-interfaces';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);

beforeEach(() => ec2.reset());

describe('network-interfaces scanner', () => {
  it('marks a group attached only to a Lambda ENI as in use, naming the interface and its owner', async () => {
    // Prepare
    ec2.on(DescribeNetworkInterfacesCommand).resolves({
      NetworkInterfaces: [
        {
          NetworkInterfaceId: 'eni-lambda',
          InterfaceType: 'lambda',
          Description: 'AWS Lambda VPC ENI-billing-sync',
          Status: 'in-use',
          Groups: [{ GroupId: 'sg-used' }],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(networkInterfacesScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({ resourceId: 'eni-lambda', source: 'network-interfaces' });
    expect(result.verdictOf('sg-used').reasons[0]).toContain('billing-sync');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('asks for AWS-managed interfaces and 1000 per page', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [] });

    await scanAndClassify(networkInterfacesScanner, [group('sg-a')]);

    expect(ec2).toHaveReceivedCommandWith(DescribeNetworkInterfacesCommand, { IncludeManagedResources: true, MaxResults: 1000 });
  });

  it('follows NextToken to the last page', async () => {
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [], NextToken: 'page-2' })
      .resolvesOnce({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-2', Status: 'available', Groups: [{ GroupId: 'sg-late' }] }] });

    const result = await scanAndClassify(networkInterfacesScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(result.totalCalls).toBe(2);
    expect(ec2).toHaveReceivedNthCommandWith(2, DescribeNetworkInterfacesCommand, { NextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    ec2.on(DescribeNetworkInterfacesCommand).rejects(awsError('UnauthorizedOperation'));

    const result = await scanAndClassify(networkInterfacesScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['network-interfaces']);
  });

  it('keeps the usages read before throttling ran out as evidence', async () => {
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-1', Groups: [{ GroupId: 'sg-seen' }] }], NextToken: 'p2' })
      .rejectsOnce(awsError('RequestLimitExceeded'));

    const result = await scanAndClassify(networkInterfacesScanner, [group('sg-seen'), group('sg-other')]);

    expect(result.verdictOf('sg-seen').verdict).toBe('in-use');
    expect(result.verdictOf('sg-other').verdict).toBe('unknown');
  });
});
