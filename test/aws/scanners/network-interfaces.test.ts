import { DescribeNetworkInterfacesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import type { RegionClients } from '../../../lambda/aws/client-factory';
import { networkInterfacesScanner } from '../../../lambda/aws/scanners/network-interfaces';
import { networkInterfacesOf } from '../../../lambda/aws/scanners/shared-listings';
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

  it('asks by group-id filter, 200 groups a query and at most 4 queries at once, and reports an interface two queries return once', async () => {
    // Prepare: 1,000 groups (5 queries); eni-shared carries a group of the first and of the last query.
    const groups = Array.from({ length: 1000 }, (_, i) => group(`sg-${String(i).padStart(17, '0')}`));
    const first = groups[0]?.groupId ?? '';
    const last = groups[999]?.groupId ?? '';
    let inFlight = 0;
    let most = 0;
    const asked: string[][] = [];
    ec2.on(DescribeNetworkInterfacesCommand).callsFake(async (input: { Filters?: Array<{ Name?: string; Values?: string[] }> }) => {
      const values = input.Filters?.find((f) => f.Name === 'group-id')?.Values ?? [];
      asked.push(values);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight -= 1;
      const shared = { NetworkInterfaceId: 'eni-shared', Status: 'in-use', Groups: [{ GroupId: first }, { GroupId: last }] };
      return { NetworkInterfaces: values.includes(first) || values.includes(last) ? [shared] : [] };
    });

    // Act
    const result = await scanAndClassify(networkInterfacesScanner, groups);

    // Assess
    expect(asked.map((values) => values.length)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(asked.flat()).size).toBe(1000);
    expect(most).toBe(4);
    expect(result.verdictOf(first).verdict).toBe('in-use');
    expect(result.verdictOf(last).verdict).toBe('in-use');
  });

  it('hands its readers an interface that two group-id queries return once', async () => {
    // Prepare: eni-shared carries a group of the first query and one of the second.
    const ids = Array.from({ length: 201 }, (_, i) => `sg-${String(i).padStart(17, '0')}`);
    ec2.on(DescribeNetworkInterfacesCommand).resolves({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-shared', Groups: [{ GroupId: ids[0] }, { GroupId: ids[200] }] }] });
    const client = new EC2Client({ region: 'us-east-1' });
    const clients = { region: 'us-east-1', get: () => client } as unknown as RegionClients;
    const handed: string[] = [];

    // Act
    await networkInterfacesOf(ids.map((groupId) => ({ groupId }))).fetch(clients, (items) => handed.push(...items.map((eni) => eni.NetworkInterfaceId ?? '')));

    // Assess
    expect(ec2).toHaveReceivedCommandTimes(DescribeNetworkInterfacesCommand, 2);
    expect(handed).toEqual(['eni-shared']);
  });

  it('fails, making unproven groups unknown, when any one group-id query fails, and starts no query after the failure', async () => {
    // Prepare: the second of 6 queries is refused.
    const groups = Array.from({ length: 1001 }, (_, i) => group(`sg-${String(i).padStart(17, '0')}`));
    let calls = 0;
    ec2.on(DescribeNetworkInterfacesCommand).callsFake(async () => {
      calls += 1;
      if (calls === 2) throw awsError('UnauthorizedOperation');
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { NetworkInterfaces: [] };
    });

    // Act
    const result = await scanAndClassify(networkInterfacesScanner, groups);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.scan.error?.code).toBe('UnauthorizedOperation');
    expect(result.verdictOf(groups[1000]?.groupId ?? '').verdict).toBe('unknown');
    expect(result.verdictOf(groups[0]?.groupId ?? '').verdict).toBe('unknown');
    expect(calls).toBe(4);
  });

  it('hands over again an interface whose groups changed between two group-id queries, so both group sets count as used', async () => {
    // Prepare: the first query sees eni-moving with the first group only; by the second query a second group was added.
    const ids = Array.from({ length: 201 }, (_, i) => `sg-${String(i).padStart(17, '0')}`);
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .resolvesOnce({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-moving', Groups: [{ GroupId: ids[0] }] }] })
      .resolvesOnce({ NetworkInterfaces: [{ NetworkInterfaceId: 'eni-moving', Groups: [{ GroupId: ids[0] }, { GroupId: ids[200] }] }] });

    // Act
    const result = await scanAndClassify(networkInterfacesScanner, ids.map((id) => group(id)));

    // Assess
    expect(result.verdictOf(ids[0] ?? '').verdict).toBe('in-use');
    expect(result.verdictOf(ids[200] ?? '').verdict).toBe('in-use');
  });
});
