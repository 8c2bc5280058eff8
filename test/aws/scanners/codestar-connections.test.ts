import { CodeStarConnectionsClient, ListHostsCommand } from '@aws-sdk/client-codestar-connections';
import { mockClient } from 'aws-sdk-client-mock';
import { codestarConnectionsScanner } from '../../../lambda/aws/scanners/codestar-connections';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const codestar = mockClient(CodeStarConnectionsClient);
const HOST_ARN = 'arn:aws:codeconnections:us-east-1:123456789012:host/ghes-1a2b3c';

beforeEach(() => codestar.reset());

describe('codestar-connections scanner', () => {
  it('marks a group used only by a host VPC configuration as in use, naming the host', async () => {
    // Prepare
    codestar.on(ListHostsCommand).resolves({
      Hosts: [
        {
          Name: 'ghes',
          HostArn: HOST_ARN,
          ProviderType: 'GitHubEnterpriseServer',
          ProviderEndpoint: 'https://ghes.internal',
          Status: 'AVAILABLE',
          VpcConfiguration: { VpcId: 'vpc-1', SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-used'] },
        },
      ],
    });

    // Act
    const result = await scanAndClassify(codestarConnectionsScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'codestar-connections',
      resourceType: 'CodeConnections host',
      resourceId: HOST_ARN,
      resourceName: 'ghes',
      detail: 'GitHubEnterpriseServer, status AVAILABLE, VPC vpc-1',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('reads a group written as an ARN', async () => {
    codestar.on(ListHostsCommand).resolves({
      Hosts: [{ Name: 'gitlab', HostArn: HOST_ARN, VpcConfiguration: { VpcId: 'vpc-1', SubnetIds: ['subnet-1'], SecurityGroupIds: ['arn:aws:ec2:us-east-1:123456789012:security-group/sg-0123abcd'] } }],
    });

    const result = await scanAndClassify(codestarConnectionsScanner, [group('sg-0123abcd')]);

    expect(result.verdictOf('sg-0123abcd').verdict).toBe('in-use');
  });

  it('asks for 100 hosts per page and follows NextToken', async () => {
    codestar
      .on(ListHostsCommand)
      .resolvesOnce({ Hosts: [], NextToken: 'page-2' })
      .resolvesOnce({ Hosts: [{ Name: 'late', HostArn: HOST_ARN, VpcConfiguration: { VpcId: 'vpc-1', SubnetIds: [], SecurityGroupIds: ['sg-late'] } }] });

    const result = await scanAndClassify(codestarConnectionsScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(codestar).toHaveReceivedNthCommandWith(1, ListHostsCommand, { MaxResults: 100 });
    expect(codestar).toHaveReceivedNthCommandWith(2, ListHostsCommand, { MaxResults: 100, NextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    codestar.on(ListHostsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(codestarConnectionsScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['codestar-connections']);
  });
});
