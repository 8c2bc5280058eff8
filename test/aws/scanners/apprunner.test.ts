import { AppRunnerClient, ListVpcConnectorsCommand } from '@aws-sdk/client-apprunner';
import { mockClient } from 'aws-sdk-client-mock';
import { apprunnerScanner } from '../../../lambda/aws/scanners/apprunner';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const apprunner = mockClient(AppRunnerClient);
const ARN = 'arn:aws:apprunner:us-east-1:123456789012:vpcconnector';

beforeEach(() => apprunner.reset());

describe('apprunner scanner', () => {
  it('marks the group of an active VPC connector as in use, naming the connector', async () => {
    // Prepare
    apprunner.on(ListVpcConnectorsCommand).resolves({
      VpcConnectors: [
        { VpcConnectorName: 'web-egress', VpcConnectorArn: `${ARN}/web-egress/2/abc`, VpcConnectorRevision: 2, Status: 'ACTIVE', SecurityGroups: ['sg-used'] },
      ],
    });

    // Act
    const result = await scanAndClassify(apprunnerScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'apprunner',
      resourceType: 'App Runner VPC connector',
      resourceId: `${ARN}/web-egress/2/abc`,
      resourceName: 'web-egress',
      detail: 'revision 2, status ACTIVE',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('asks for 100 connectors per page and follows NextToken', async () => {
    apprunner
      .on(ListVpcConnectorsCommand)
      .resolvesOnce({ VpcConnectors: [], NextToken: 'page-2' })
      .resolvesOnce({ VpcConnectors: [{ VpcConnectorName: 'late', Status: 'ACTIVE', SecurityGroups: ['sg-late'] }] });

    const result = await scanAndClassify(apprunnerScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(apprunner).toHaveReceivedNthCommandWith(1, ListVpcConnectorsCommand, { MaxResults: 100 });
    expect(apprunner).toHaveReceivedNthCommandWith(2, ListVpcConnectorsCommand, { NextToken: 'page-2' });
  });

  it('ignores an inactive (deleted) connector', async () => {
    apprunner.on(ListVpcConnectorsCommand).resolves({
      VpcConnectors: [{ VpcConnectorName: 'old', VpcConnectorRevision: 1, Status: 'INACTIVE', SecurityGroups: ['sg-old'] }],
    });

    const result = await scanAndClassify(apprunnerScanner, [group('sg-old')]);

    expect(result.verdictOf('sg-old').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    apprunner.on(ListVpcConnectorsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(apprunnerScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['apprunner']);
  });
});
