import { GetDataSourceCommand, ListApplicationsCommand, ListDataSourcesCommand, ListIndicesCommand, QBusinessClient } from '@aws-sdk/client-qbusiness';
import { mockClient } from 'aws-sdk-client-mock';
import { qbusinessScanner } from '../../../lambda/aws/scanners/qbusiness';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const q = mockClient(QBusinessClient);
const APP = 'a0000000-0000-0000-0000-000000000001';
const INDEX = 'i0000000-0000-0000-0000-000000000001';
const DS = 'd0000000-0000-0000-0000-000000000001';

beforeEach(() => {
  q.reset();
  q.on(ListApplicationsCommand).resolves({ applications: [{ applicationId: APP, displayName: 'assistant', status: 'ACTIVE' }] });
  q.on(ListIndicesCommand).resolves({ indices: [{ indexId: INDEX, displayName: 'main', status: 'ACTIVE' }] });
  q.on(ListDataSourcesCommand).resolves({ dataSources: [{ dataSourceId: DS, displayName: 'wiki', type: 'CONFLUENCE', status: 'ACTIVE' }] });
});

describe('qbusiness scanner', () => {
  it('marks a group held only by a data source VPC configuration as in use, naming the data source', async () => {
    // Prepare
    q.on(GetDataSourceCommand, { applicationId: APP, indexId: INDEX, dataSourceId: DS }).resolves({
      applicationId: APP,
      indexId: INDEX,
      dataSourceId: DS,
      dataSourceArn: `arn:aws:qbusiness:us-east-1:123456789012:application/${APP}/index/${INDEX}/data-source/${DS}`,
      displayName: 'wiki',
      type: 'CONFLUENCE',
      status: 'ACTIVE',
      vpcConfiguration: { subnetIds: ['subnet-1'], securityGroupIds: ['sg-wiki'] },
      configuration: { type: 'CONFLUENCE', connectionConfiguration: { repositoryEndpointMetadata: { hostUrl: 'https://wiki' } } },
    });

    // Act
    const result = await scanAndClassify(qbusinessScanner, [group('sg-wiki'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-wiki').verdict).toBe('in-use');
    expect(result.verdictOf('sg-wiki').usages[0]).toMatchObject({
      source: 'qbusiness',
      resourceType: 'Amazon Q Business data source',
      resourceName: 'wiki',
      detail: 'CONFLUENCE, application assistant, status ACTIVE',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('reads a group written as an ARN in the free-form connector configuration', async () => {
    q.on(GetDataSourceCommand).resolves({
      dataSourceId: DS,
      configuration: { additionalProperties: { securityGroupIds: ['arn:aws:ec2:us-east-1:123456789012:security-group/sg-0bbb2222'] } },
    });

    const result = await scanAndClassify(qbusinessScanner, [group('sg-0bbb2222')]);

    expect(result.verdictOf('sg-0bbb2222').verdict).toBe('in-use');
  });

  it('follows nextToken at every level, at the largest page each API allows', async () => {
    q.on(ListApplicationsCommand).resolvesOnce({ applications: [], nextToken: 'a2' }).resolvesOnce({ applications: [{ applicationId: APP }] });
    q.on(ListDataSourcesCommand).resolvesOnce({ dataSources: [], nextToken: 'd2' }).resolvesOnce({ dataSources: [{ dataSourceId: DS }] });
    q.on(GetDataSourceCommand).resolves({ dataSourceId: DS, vpcConfiguration: { subnetIds: ['subnet-1'], securityGroupIds: ['sg-late'] } });

    const result = await scanAndClassify(qbusinessScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(q).toHaveReceivedCommandWith(ListApplicationsCommand, { maxResults: 100, nextToken: 'a2' });
    expect(q).toHaveReceivedCommandWith(ListIndicesCommand, { applicationId: APP, maxResults: 100 });
    expect(q).toHaveReceivedCommandWith(ListDataSourcesCommand, { applicationId: APP, indexId: INDEX, maxResults: 10, nextToken: 'd2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    q.on(GetDataSourceCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(qbusinessScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
