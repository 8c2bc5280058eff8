import {
  DescribeReplicatorCommand,
  DescribeVpcConnectionCommand,
  KafkaClient,
  ListReplicatorsCommand,
  ListVpcConnectionsCommand,
} from '@aws-sdk/client-kafka';
import { mockClient } from 'aws-sdk-client-mock';
import { mskCrossVpcScanner } from '../../../lambda/aws/scanners/msk-cross-vpc';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const kafka = mockClient(KafkaClient);
const REPLICATOR_ARN = 'arn:aws:kafka:us-east-1:123456789012:replicator/orders-dr/1a2b3c4d';
const CONNECTION_ARN = 'arn:aws:kafka:us-east-1:123456789012:vpc-connection/111122223333/orders/5e6f7a8b';
const CLUSTER_ARN = 'arn:aws:kafka:us-east-1:111122223333:cluster/orders/abcd';

beforeEach(() => {
  kafka.reset();
  kafka.on(ListReplicatorsCommand).resolves({ Replicators: [] });
  kafka.on(ListVpcConnectionsCommand).resolves({ VpcConnections: [] });
});

describe('msk-cross-vpc scanner', () => {
  it("marks a group used only by a replicator's cluster VPC config as in use, naming the replicator", async () => {
    // Prepare
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorArn: REPLICATOR_ARN, ReplicatorName: 'orders-dr', ReplicatorState: 'RUNNING', IsReplicatorReference: false }] });
    kafka.on(DescribeReplicatorCommand, { ReplicatorArn: REPLICATOR_ARN }).resolves({
      ReplicatorArn: REPLICATOR_ARN,
      ReplicatorState: 'RUNNING',
      KafkaClusters: [
        { AmazonMskCluster: { MskClusterArn: CLUSTER_ARN }, KafkaClusterAlias: 'source', VpcConfig: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-used'] } },
      ],
    });

    // Act
    const result = await scanAndClassify(mskCrossVpcScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'msk-cross-vpc',
      resourceType: 'MSK Replicator',
      resourceId: REPLICATOR_ARN,
      resourceName: 'orders-dr',
      detail: 'cluster source, state RUNNING',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('also describes a replicator reference (a cross-region replicator listed in the other region)', async () => {
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorArn: REPLICATOR_ARN, ReplicatorName: 'orders-dr', IsReplicatorReference: true }] });
    kafka.on(DescribeReplicatorCommand).resolves({ KafkaClusters: [{ VpcConfig: { SubnetIds: [], SecurityGroupIds: ['sg-here'] } }] });

    const result = await scanAndClassify(mskCrossVpcScanner, [group('sg-here')]);

    expect(result.verdictOf('sg-here').verdict).toBe('in-use');
    expect(result.verdictOf('sg-here').usages[0]?.detail).toContain('reference');
  });

  it('marks a group used only by a multi-VPC connection as in use', async () => {
    kafka.on(ListVpcConnectionsCommand).resolves({ VpcConnections: [{ VpcConnectionArn: CONNECTION_ARN, TargetClusterArn: CLUSTER_ARN, State: 'AVAILABLE', VpcId: 'vpc-1' }] });
    kafka.on(DescribeVpcConnectionCommand, { Arn: CONNECTION_ARN }).resolves({ VpcConnectionArn: CONNECTION_ARN, State: 'AVAILABLE', Subnets: ['subnet-1'], SecurityGroups: ['sg-conn'] });

    const result = await scanAndClassify(mskCrossVpcScanner, [group('sg-conn')]);

    expect(result.verdictOf('sg-conn').verdict).toBe('in-use');
    expect(result.verdictOf('sg-conn').usages[0]).toMatchObject({ resourceType: 'MSK VPC connection', resourceId: CONNECTION_ARN, detail: `cluster ${CLUSTER_ARN}, state AVAILABLE` });
  });

  it('asks for 100 per page and follows NextToken on both listings', async () => {
    kafka.on(ListReplicatorsCommand)
      .resolvesOnce({ Replicators: [], NextToken: 'r-2' })
      .resolvesOnce({ Replicators: [{ ReplicatorArn: REPLICATOR_ARN }] });
    kafka.on(DescribeReplicatorCommand).resolves({ KafkaClusters: [{ VpcConfig: { SubnetIds: [], SecurityGroupIds: ['sg-r'] } }] });
    kafka.on(ListVpcConnectionsCommand)
      .resolvesOnce({ VpcConnections: [], NextToken: 'c-2' })
      .resolvesOnce({ VpcConnections: [{ VpcConnectionArn: CONNECTION_ARN, TargetClusterArn: CLUSTER_ARN }] });
    kafka.on(DescribeVpcConnectionCommand).resolves({ SecurityGroups: ['sg-c'] });

    const result = await scanAndClassify(mskCrossVpcScanner, [group('sg-r'), group('sg-c')]);

    expect(result.verdictOf('sg-r').verdict).toBe('in-use');
    expect(result.verdictOf('sg-c').verdict).toBe('in-use');
    expect(kafka).toHaveReceivedCommandWith(ListReplicatorsCommand, { MaxResults: 100, NextToken: 'r-2' });
    expect(kafka).toHaveReceivedCommandWith(ListVpcConnectionsCommand, { MaxResults: 100, NextToken: 'c-2' });
  });

  it('skips a replicator deleted between the listing and its description', async () => {
    kafka.on(ListReplicatorsCommand).resolves({ Replicators: [{ ReplicatorArn: REPLICATOR_ARN }] });
    kafka.on(DescribeReplicatorCommand).rejects(awsError('NotFoundException'));

    const result = await scanAndClassify(mskCrossVpcScanner, [group('sg-free')]);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    kafka.on(ListVpcConnectionsCommand).rejects(awsError('ForbiddenException'));

    const result = await scanAndClassify(mskCrossVpcScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['msk-cross-vpc']);
  });
});
