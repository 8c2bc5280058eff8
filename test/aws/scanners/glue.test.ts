import { GetConnectionsCommand, GetDevEndpointsCommand, GlueClient } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { glueScanner } from '../../../lambda/aws/scanners/glue';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const glue = mockClient(GlueClient);

beforeEach(() => {
  glue.reset();
  glue.on(GetConnectionsCommand).resolves({ ConnectionList: [] });
  glue.on(GetDevEndpointsCommand).resolves({ DevEndpoints: [] });
});

describe('glue scanner', () => {
  it('marks the group of a JDBC connection as in use, naming the connection', async () => {
    // Prepare
    glue.on(GetConnectionsCommand).resolves({
      ConnectionList: [
        {
          Name: 'warehouse-jdbc',
          ConnectionType: 'JDBC',
          PhysicalConnectionRequirements: { SubnetId: 'subnet-1', SecurityGroupIdList: ['sg-used'], AvailabilityZone: 'us-east-1a' },
        },
      ],
    });

    // Act
    const result = await scanAndClassify(glueScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'glue',
      resourceType: 'Glue connection',
      resourceId: 'warehouse-jdbc',
      detail: 'JDBC',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('hides connection passwords and asks for 1000 per page', async () => {
    await scanAndClassify(glueScanner, [group('sg-a')]);

    expect(glue).toHaveReceivedCommandWith(GetConnectionsCommand, { HidePassword: true, MaxResults: 1000 });
    expect(glue).toHaveReceivedCommandWith(GetDevEndpointsCommand, { MaxResults: 1000 });
  });

  it('follows NextToken to the last page of connections', async () => {
    glue
      .on(GetConnectionsCommand)
      .resolvesOnce({ ConnectionList: [], NextToken: 'page-2' })
      .resolvesOnce({ ConnectionList: [{ Name: 'late', PhysicalConnectionRequirements: { SecurityGroupIdList: ['sg-late'] } }] });

    const result = await scanAndClassify(glueScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(glue).toHaveReceivedNthCommandWith(2, GetConnectionsCommand, { NextToken: 'page-2', HidePassword: true });
  });

  it('marks the groups of a legacy dev endpoint as in use', async () => {
    glue.on(GetDevEndpointsCommand).resolves({ DevEndpoints: [{ EndpointName: 'notebook-dev', Status: 'READY', SecurityGroupIds: ['sg-dev'] }] });

    const result = await scanAndClassify(glueScanner, [group('sg-dev')]);

    expect(result.verdictOf('sg-dev').usages[0]).toMatchObject({ resourceType: 'Glue dev endpoint', resourceId: 'notebook-dev', detail: 'status READY' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    glue.on(GetDevEndpointsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(glueScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['glue']);
  });
});
