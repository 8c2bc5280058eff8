import { DescribeBrokerCommand, ListBrokersCommand, MqClient } from '@aws-sdk/client-mq';
import { mockClient } from 'aws-sdk-client-mock';
import { mqScanner } from '../../../lambda/aws/scanners/mq';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const mq = mockClient(MqClient);

const BROKER_ARN = 'arn:aws:mq:us-east-1:123456789012:broker:orders:b-1234';

beforeEach(() => {
  mq.reset();
  mq.on(ListBrokersCommand).resolves({ BrokerSummaries: [{ BrokerId: 'b-1234', BrokerName: 'orders', BrokerArn: BROKER_ARN, DeploymentMode: 'SINGLE_INSTANCE', EngineType: 'RABBITMQ' }] });
  mq.on(DescribeBrokerCommand).resolves({ BrokerId: 'b-1234', BrokerName: 'orders', BrokerArn: BROKER_ARN, BrokerState: 'RUNNING', EngineType: 'RABBITMQ', SecurityGroups: ['sg-used'] });
});

describe('mq scanner', () => {
  it('marks a group used only by a broker as in use, naming the broker', async () => {
    // Act
    const result = await scanAndClassify(mqScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({ source: 'mq', resourceType: 'Amazon MQ broker', resourceId: BROKER_ARN, resourceName: 'orders' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
    expect(mq).toHaveReceivedCommandWith(DescribeBrokerCommand, { BrokerId: 'b-1234' });
  });

  it('counts groups pending for the next reboot', async () => {
    // Prepare
    mq.on(DescribeBrokerCommand).resolves({ BrokerId: 'b-1234', BrokerName: 'orders', SecurityGroups: ['sg-used'], PendingSecurityGroups: ['sg-pending'] });

    // Act
    const result = await scanAndClassify(mqScanner, [group('sg-pending')]);

    // Assess
    expect(result.verdictOf('sg-pending').verdict).toBe('in-use');
    expect(result.verdictOf('sg-pending').usages[0]?.detail).toContain('pending');
  });

  it('follows NextToken to the last page, 100 per page', async () => {
    // Prepare
    mq.on(ListBrokersCommand).resolvesOnce({ BrokerSummaries: [], NextToken: 'page-2' }).resolvesOnce({ BrokerSummaries: [{ BrokerId: 'b-late', DeploymentMode: 'SINGLE_INSTANCE', EngineType: 'ACTIVEMQ' }] });
    mq.on(DescribeBrokerCommand, { BrokerId: 'b-late' }).resolves({ BrokerId: 'b-late', SecurityGroups: ['sg-late'] });

    // Act
    const result = await scanAndClassify(mqScanner, [group('sg-late')]);

    // Assess
    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(mq).toHaveReceivedNthCommandWith(2, ListBrokersCommand, { NextToken: 'page-2', MaxResults: 100 });
  });

  it('passes over a broker deleted between listing and describing', async () => {
    // Prepare
    mq.on(DescribeBrokerCommand).rejects(awsError('NotFoundException'));

    // Act
    const result = await scanAndClassify(mqScanner, [group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    // Prepare
    mq.on(DescribeBrokerCommand).rejects(awsError('ForbiddenException'));

    // Act
    const result = await scanAndClassify(mqScanner, [group('sg-used')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-used').verdict).toBe('unknown');
  });
});
