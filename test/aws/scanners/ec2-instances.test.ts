import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { ec2InstancesScanner } from '../../../lambda/aws/scanners/ec2-instances';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const ec2 = mockClient(EC2Client);

beforeEach(() => ec2.reset());

describe('ec2-instances scanner', () => {
  it('marks a group of a stopped instance as in use, naming the instance and its state', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: 'i-0abc',
              State: { Code: 80, Name: 'stopped' },
              Tags: [{ Key: 'Name', Value: 'batch-worker' }],
              SecurityGroups: [{ GroupId: 'sg-used', GroupName: 'workers' }],
            },
          ],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(ec2InstancesScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'ec2-instances',
      resourceType: 'EC2 instance',
      resourceId: 'i-0abc',
      resourceName: 'batch-worker',
      detail: 'stopped',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('counts the groups of secondary network interfaces as well as the instance groups', async () => {
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: 'i-multi',
              State: { Code: 16, Name: 'running' },
              SecurityGroups: [{ GroupId: 'sg-primary' }],
              NetworkInterfaces: [
                { NetworkInterfaceId: 'eni-1', Groups: [{ GroupId: 'sg-primary' }] },
                { NetworkInterfaceId: 'eni-2', Groups: [{ GroupId: 'sg-secondary' }] },
              ],
            },
          ],
        },
      ],
    });

    const result = await scanAndClassify(ec2InstancesScanner, [group('sg-primary'), group('sg-secondary')]);

    expect(result.verdictOf('sg-primary').verdict).toBe('in-use');
    expect(result.verdictOf('sg-secondary').verdict).toBe('in-use');
  });

  it('asks for managed instances, 1000 per page, and leaves out only terminated ones', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });

    await scanAndClassify(ec2InstancesScanner, [group('sg-a')]);

    expect(ec2).toHaveReceivedCommandWith(DescribeInstancesCommand, {
      IncludeManagedResources: true,
      MaxResults: 1000,
      Filters: [{ Name: 'instance-state-name', Values: ['pending', 'running', 'shutting-down', 'stopping', 'stopped'] }],
    });
  });

  it('marks a group of a shutting-down instance as in use, since its interfaces still hold the group', async () => {
    // Prepare
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            { InstanceId: 'i-leaving', State: { Code: 32, Name: 'shutting-down' }, SecurityGroups: [{ GroupId: 'sg-leaving' }] },
          ],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(ec2InstancesScanner, [group('sg-leaving')]);

    // Assess
    expect(result.verdictOf('sg-leaving').verdict).toBe('in-use');
    expect(result.verdictOf('sg-leaving').usages[0]).toMatchObject({ resourceId: 'i-leaving', detail: 'shutting-down' });
  });

  it('names the AWS service that manages a managed instance', async () => {
    ec2.on(DescribeInstancesCommand).resolves({
      Reservations: [
        {
          Instances: [
            {
              InstanceId: 'i-managed',
              State: { Code: 16, Name: 'running' },
              Operator: { Managed: true, Principal: 'eks.amazonaws.com' },
              SecurityGroups: [{ GroupId: 'sg-node' }],
            },
          ],
        },
      ],
    });

    const result = await scanAndClassify(ec2InstancesScanner, [group('sg-node')]);

    expect(result.verdictOf('sg-node').usages[0]?.detail).toBe('running, managed by eks.amazonaws.com');
  });

  it('follows NextToken to the last page', async () => {
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce({ Reservations: [], NextToken: 'page-2' })
      .resolvesOnce({
        Reservations: [{ Instances: [{ InstanceId: 'i-late', State: { Name: 'running' }, SecurityGroups: [{ GroupId: 'sg-late' }] }] }],
      });

    const result = await scanAndClassify(ec2InstancesScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(result.apiCalls).toBe(2);
    expect(ec2).toHaveReceivedNthCommandWith(2, DescribeInstancesCommand, { NextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    ec2.on(DescribeInstancesCommand).rejects(awsError('UnauthorizedOperation'));

    const result = await scanAndClassify(ec2InstancesScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['ec2-instances']);
  });

  it('keeps the usages read before throttling ran out as evidence', async () => {
    ec2
      .on(DescribeInstancesCommand)
      .resolvesOnce({
        Reservations: [{ Instances: [{ InstanceId: 'i-1', State: { Name: 'running' }, SecurityGroups: [{ GroupId: 'sg-seen' }] }] }],
        NextToken: 'p2',
      })
      .rejectsOnce(awsError('RequestLimitExceeded'));

    const result = await scanAndClassify(ec2InstancesScanner, [group('sg-seen'), group('sg-other')]);

    expect(result.verdictOf('sg-seen').verdict).toBe('in-use');
    expect(result.verdictOf('sg-other').verdict).toBe('unknown');
  });
});
