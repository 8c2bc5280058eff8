import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { elbv2Scanner } from '../../../lambda/aws/scanners/elbv2';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const elb = mockClient(ElasticLoadBalancingV2Client);

beforeEach(() => elb.reset());

const ALB_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/my-app-lb/50dc6c495c0c9188';

describe('elbv2 scanner', () => {
  it('marks a group attached only to an ALB as in use, naming the load balancer', async () => {
    // Prepare
    elb.on(DescribeLoadBalancersCommand).resolves({
      LoadBalancers: [
        {
          LoadBalancerArn: ALB_ARN,
          LoadBalancerName: 'my-app-lb',
          Type: 'application',
          Scheme: 'internet-facing',
          State: { Code: 'active' },
          VpcId: 'vpc-1',
          SecurityGroups: ['sg-used'],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(elbv2Scanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({ source: 'elbv2', resourceType: 'ALB', resourceId: ALB_ARN, resourceName: 'my-app-lb' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('asks for 400 load balancers per page in the input, where the SDK paginator cannot put it', async () => {
    // Prepare
    elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [] });

    // Act
    await scanAndClassify(elbv2Scanner, [group('sg-a')]);

    // Assess
    expect(elb).toHaveReceivedCommandWith(DescribeLoadBalancersCommand, { PageSize: 400 });
  });

  it('follows NextMarker to the last page', async () => {
    // Prepare
    elb
      .on(DescribeLoadBalancersCommand)
      .resolvesOnce({ LoadBalancers: [], NextMarker: 'page-2' })
      .resolvesOnce({ LoadBalancers: [{ LoadBalancerArn: 'arn:nlb', LoadBalancerName: 'nlb', Type: 'network', SecurityGroups: ['sg-late'] }] });

    // Act
    const result = await scanAndClassify(elbv2Scanner, [group('sg-late')]);

    // Assess
    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(result.verdictOf('sg-late').usages[0]?.resourceType).toBe('NLB');
    expect(elb).toHaveReceivedNthCommandWith(2, DescribeLoadBalancersCommand, { Marker: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    // Prepare
    elb.on(DescribeLoadBalancersCommand).rejects(awsError('AccessDenied'));

    // Act
    const result = await scanAndClassify(elbv2Scanner, [group('sg-a')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['elbv2']);
  });
});
