import { DescribePipeCommand, ListPipesCommand, PipesClient } from '@aws-sdk/client-pipes';
import { mockClient } from 'aws-sdk-client-mock';
import { eventbridgePipesScanner } from '../../../lambda/aws/scanners/eventbridge-pipes';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const pipes = mockClient(PipesClient);

beforeEach(() => pipes.reset());

const PIPE_ARN = 'arn:aws:pipes:us-east-1:123456789012:pipe/orders-to-ecs';

describe('eventbridge-pipes scanner', () => {
  it('marks a group of a pipe ECS task target as in use, naming the pipe, and leaves another group a candidate', async () => {
    // Prepare
    pipes.on(ListPipesCommand).resolves({ Pipes: [{ Name: 'orders-to-ecs', Arn: PIPE_ARN, CurrentState: 'RUNNING' }] });
    pipes.on(DescribePipeCommand, { Name: 'orders-to-ecs' }).resolves({
      Name: 'orders-to-ecs',
      Arn: PIPE_ARN,
      CurrentState: 'RUNNING',
      Source: 'arn:aws:sqs:us-east-1:123456789012:orders',
      Target: 'arn:aws:ecs:us-east-1:123456789012:cluster/workers',
      TargetParameters: {
        EcsTaskParameters: {
          TaskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/worker:3',
          NetworkConfiguration: { awsvpcConfiguration: { Subnets: ['subnet-1'], SecurityGroups: ['sg-used'] } },
        },
      },
    });

    // Act
    const result = await scanAndClassify(eventbridgePipesScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'eventbridge-pipes',
      resourceType: 'EventBridge pipe',
      resourceId: PIPE_ARN,
      resourceName: 'orders-to-ecs',
      detail: 'ECS task target arn:aws:ecs:us-east-1:123456789012:cluster/workers, state RUNNING',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('marks a group of a self-managed Kafka source VPC as in use', async () => {
    pipes.on(ListPipesCommand).resolves({ Pipes: [{ Name: 'kafka-in', Arn: 'arn:kafka-in' }] });
    pipes.on(DescribePipeCommand).resolves({
      Name: 'kafka-in',
      Arn: 'arn:kafka-in',
      SourceParameters: {
        SelfManagedKafkaParameters: { TopicName: 'orders', Vpc: { Subnets: ['subnet-1'], SecurityGroup: ['sg-kafka'] } },
      },
    });

    const result = await scanAndClassify(eventbridgePipesScanner, [group('sg-kafka')]);

    expect(result.verdictOf('sg-kafka').verdict).toBe('in-use');
    expect(result.verdictOf('sg-kafka').usages[0]?.detail).toContain('self-managed Kafka source');
  });

  it('follows NextToken to the last page, asking for 100 pipes per page', async () => {
    pipes
      .on(ListPipesCommand)
      .resolvesOnce({ Pipes: [], NextToken: 'page-2' })
      .resolvesOnce({ Pipes: [{ Name: 'late' }] });
    pipes.on(DescribePipeCommand, { Name: 'late' }).resolves({
      Name: 'late',
      TargetParameters: {
        EcsTaskParameters: { TaskDefinitionArn: 'arn:td', NetworkConfiguration: { awsvpcConfiguration: { Subnets: [], SecurityGroups: ['sg-late'] } } },
      },
    });

    const result = await scanAndClassify(eventbridgePipesScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(pipes).toHaveReceivedNthCommandWith(1, ListPipesCommand, { Limit: 100 });
    expect(pipes).toHaveReceivedNthCommandWith(2, ListPipesCommand, { NextToken: 'page-2' });
  });

  it('skips a pipe deleted between the listing and its description', async () => {
    pipes.on(ListPipesCommand).resolves({ Pipes: [{ Name: 'gone' }] });
    pipes.on(DescribePipeCommand).rejects(awsError('NotFoundException'));

    const result = await scanAndClassify(eventbridgePipesScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-a').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when a description is throttled', async () => {
    pipes.on(ListPipesCommand).resolves({ Pipes: [{ Name: 'busy' }] });
    pipes.on(DescribePipeCommand).rejects(awsError('ThrottlingException'));

    const result = await scanAndClassify(eventbridgePipesScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
