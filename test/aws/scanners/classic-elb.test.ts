import { DescribeLoadBalancersCommand, ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { mockClient } from 'aws-sdk-client-mock';
import { classicElbScanner } from '../../../lambda/aws/scanners/classic-elb';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const elb = mockClient(ElasticLoadBalancingClient);

beforeEach(() => elb.reset());

describe('classic-elb scanner', () => {
  it('marks a group attached only to a Classic ELB as in use, naming the load balancer', async () => {
    // Prepare
    elb.on(DescribeLoadBalancersCommand).resolves({
      LoadBalancerDescriptions: [
        {
          LoadBalancerName: 'legacy-web',
          Scheme: 'internet-facing',
          VPCId: 'vpc-1',
          SecurityGroups: ['sg-used'],
          SourceSecurityGroup: { OwnerAlias: '123456789012', GroupName: 'name-sg-free' },
        },
      ],
    });

    // Act
    const result = await scanAndClassify(classicElbScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({ source: 'classic-elb', resourceType: 'Classic ELB', resourceId: 'legacy-web' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('asks for 400 load balancers per page in the input, where the SDK paginator cannot put it', async () => {
    // Prepare
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancerDescriptions: [] });

    // Act
    await scanAndClassify(classicElbScanner, [group('sg-a')]);

    // Assess
    expect(elb).toHaveReceivedCommandWith(DescribeLoadBalancersCommand, { PageSize: 400 });
  });

  it('follows NextMarker to the last page', async () => {
    // Prepare
    elb
      .on(DescribeLoadBalancersCommand)
      .resolvesOnce({ LoadBalancerDescriptions: [], NextMarker: 'page-2' })
      .resolvesOnce({ LoadBalancerDescriptions: [{ LoadBalancerName: 'late', SecurityGroups: ['sg-late'] }] });

    // Act
    const result = await scanAndClassify(classicElbScanner, [group('sg-late')]);

    // Assess
    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(elb).toHaveReceivedNthCommandWith(2, DescribeLoadBalancersCommand, { Marker: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when throttling outlasts the retries', async () => {
    // Prepare
    elb.on(DescribeLoadBalancersCommand).rejects(awsError('Throttling'));

    // Act
    const result = await scanAndClassify(classicElbScanner, [group('sg-a')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
