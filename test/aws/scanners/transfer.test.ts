import { DescribeVpcEndpointsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeServerCommand, ListServersCommand, TransferClient } from '@aws-sdk/client-transfer';
import { mockClient } from 'aws-sdk-client-mock';
import { transferScanner } from '../../../lambda/aws/scanners/transfer';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const transfer = mockClient(TransferClient);
const ec2 = mockClient(EC2Client);

beforeEach(() => {
  transfer.reset();
  ec2.reset();
});

const SERVER_ARN = 'arn:aws:transfer:us-east-1:123456789012:server/s-0123456789abcdef0';

describe('transfer scanner', () => {
  it('marks a group of a VPC server as in use, naming the server, and leaves another group a candidate', async () => {
    // Prepare
    transfer.on(ListServersCommand).resolves({
      Servers: [{ Arn: SERVER_ARN, ServerId: 's-0123456789abcdef0', EndpointType: 'VPC', State: 'ONLINE' }],
    });
    transfer.on(DescribeServerCommand).resolves({
      Server: {
        Arn: SERVER_ARN,
        ServerId: 's-0123456789abcdef0',
        EndpointType: 'VPC',
        State: 'ONLINE',
        EndpointDetails: { VpcId: 'vpc-1', SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-used'] },
      },
    });

    // Act
    const result = await scanAndClassify(transferScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'transfer',
      resourceType: 'Transfer Family server',
      resourceId: SERVER_ARN,
      resourceName: 's-0123456789abcdef0',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it("reads the groups of a VPC server's endpoint when DescribeServer leaves SecurityGroupIds empty", async () => {
    transfer.on(ListServersCommand).resolves({ Servers: [{ Arn: SERVER_ARN, ServerId: 's-1', EndpointType: 'VPC' }] });
    transfer.on(DescribeServerCommand).resolves({
      Server: { Arn: SERVER_ARN, ServerId: 's-1', EndpointType: 'VPC', EndpointDetails: { VpcEndpointId: 'vpce-0abc' } },
    });
    ec2.on(DescribeVpcEndpointsCommand).resolves({
      VpcEndpoints: [{ VpcEndpointId: 'vpce-0abc', Groups: [{ GroupId: 'sg-endpoint', GroupName: 'sftp' }] }],
    });

    const result = await scanAndClassify(transferScanner, [group('sg-endpoint'), group('sg-free')]);

    expect(result.verdictOf('sg-endpoint').verdict).toBe('in-use');
    expect(result.verdictOf('sg-endpoint').usages[0]).toMatchObject({ resourceId: SERVER_ARN, detail: expect.stringContaining('vpce-0abc') });
    expect(ec2).toHaveReceivedCommandWith(DescribeVpcEndpointsCommand, {
      Filters: [{ Name: 'vpc-endpoint-id', Values: ['vpce-0abc'] }],
      MaxResults: 1000,
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('describes only VPC servers and makes no EC2 call when none has an endpoint', async () => {
    transfer.on(ListServersCommand).resolves({
      Servers: [
        { Arn: 'arn:public', ServerId: 's-public', EndpointType: 'PUBLIC' },
        { Arn: 'arn:legacy', ServerId: 's-legacy', EndpointType: 'VPC_ENDPOINT' },
      ],
    });

    const result = await scanAndClassify(transferScanner, [group('sg-a')]);

    expect(transfer).toHaveReceivedCommandTimes(DescribeServerCommand, 0);
    expect(ec2).toHaveReceivedCommandTimes(DescribeVpcEndpointsCommand, 0);
    expect(result.verdictOf('sg-a').verdict).toBe('candidate');
  });

  it('describes a server whose listing gives no endpoint type, since it may be a VPC server', async () => {
    // Prepare
    transfer.on(ListServersCommand).resolves({ Servers: [{ Arn: SERVER_ARN, ServerId: 's-untyped' }] });
    transfer.on(DescribeServerCommand, { ServerId: 's-untyped' }).resolves({
      Server: { Arn: SERVER_ARN, ServerId: 's-untyped', EndpointType: 'VPC', EndpointDetails: { SecurityGroupIds: ['sg-used'] } },
    });

    // Act
    const result = await scanAndClassify(transferScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(transfer).toHaveReceivedCommandWith(DescribeServerCommand, { ServerId: 's-untyped' });
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('follows NextToken to the last page, asking for 1000 servers per page', async () => {
    transfer
      .on(ListServersCommand)
      .resolvesOnce({ Servers: [], NextToken: 'page-2' })
      .resolvesOnce({ Servers: [{ Arn: 'arn:late', ServerId: 's-late', EndpointType: 'VPC' }] });
    transfer.on(DescribeServerCommand, { ServerId: 's-late' }).resolves({
      Server: { Arn: 'arn:late', ServerId: 's-late', EndpointDetails: { SecurityGroupIds: ['sg-late'] } },
    });

    const result = await scanAndClassify(transferScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(transfer).toHaveReceivedNthCommandWith(1, ListServersCommand, { MaxResults: 1000 });
    expect(transfer).toHaveReceivedNthCommandWith(2, ListServersCommand, { NextToken: 'page-2' });
  });

  it('skips a server deleted between the listing and its description', async () => {
    transfer.on(ListServersCommand).resolves({ Servers: [{ Arn: 'arn:gone', ServerId: 's-gone', EndpointType: 'VPC' }] });
    transfer.on(DescribeServerCommand).rejects(awsError('ResourceNotFoundException'));

    const result = await scanAndClassify(transferScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-a').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    transfer.on(ListServersCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(transferScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });

  it('makes otherwise-unproven groups unknown when the endpoint lookup is denied', async () => {
    transfer.on(ListServersCommand).resolves({ Servers: [{ Arn: SERVER_ARN, ServerId: 's-1', EndpointType: 'VPC' }] });
    transfer.on(DescribeServerCommand).resolves({
      Server: { Arn: SERVER_ARN, ServerId: 's-1', EndpointDetails: { VpcEndpointId: 'vpce-0abc' } },
    });
    ec2.on(DescribeVpcEndpointsCommand).rejects(awsError('UnauthorizedOperation'));

    const result = await scanAndClassify(transferScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
