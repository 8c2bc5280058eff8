import { DeviceFarmClient, ListProjectsCommand, ListTestGridProjectsCommand } from '@aws-sdk/client-device-farm';
import { mockClient } from 'aws-sdk-client-mock';
import { deviceFarmScanner } from '../../../lambda/aws/scanners/device-farm';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const devicefarm = mockClient(DeviceFarmClient);
const PROJECT_ARN = 'arn:aws:devicefarm:us-west-2:123456789012:project:5e01a8c7-c861-4c0a-b1d5-12345EXAMPLE';
const GRID_ARN = 'arn:aws:devicefarm:us-west-2:123456789012:testgrid-project:1b2c3d4e-5f60-7182-9abc-12345EXAMPLE';

beforeEach(() => {
  devicefarm.reset();
  devicefarm.on(ListProjectsCommand).resolves({ projects: [] });
  devicefarm.on(ListTestGridProjectsCommand).resolves({ testGridProjects: [] });
});

describe('device-farm scanner', () => {
  it('marks a group used only by a project VPC configuration as in use, naming the project', async () => {
    // Prepare
    devicefarm.on(ListProjectsCommand).resolves({
      projects: [{ arn: PROJECT_ARN, name: 'mobile-e2e', defaultJobTimeoutMinutes: 150, vpcConfig: { vpcId: 'vpc-1', subnetIds: ['subnet-1'], securityGroupIds: ['sg-used'] } }],
    });

    // Act
    const result = await scanAndClassify(deviceFarmScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({ source: 'device-farm', resourceType: 'Device Farm project', resourceId: PROJECT_ARN, resourceName: 'mobile-e2e', detail: 'VPC vpc-1' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('marks a group used only by a test grid project as in use', async () => {
    devicefarm.on(ListTestGridProjectsCommand).resolves({
      testGridProjects: [{ arn: GRID_ARN, name: 'browser-tests', vpcConfig: { vpcId: 'vpc-1', subnetIds: ['subnet-1'], securityGroupIds: ['sg-grid'] } }],
    });

    const result = await scanAndClassify(deviceFarmScanner, [group('sg-grid')]);

    expect(result.verdictOf('sg-grid').verdict).toBe('in-use');
    expect(result.verdictOf('sg-grid').usages[0]).toMatchObject({ resourceType: 'Device Farm test grid project', resourceName: 'browser-tests' });
  });

  it('follows nextToken on both listings, asking for 1000 test grid projects per page', async () => {
    devicefarm
      .on(ListProjectsCommand)
      .resolvesOnce({ projects: [], nextToken: 'projects-2' })
      .resolvesOnce({ projects: [{ arn: PROJECT_ARN, vpcConfig: { vpcId: 'vpc-1', subnetIds: [], securityGroupIds: ['sg-late'] } }] });
    devicefarm
      .on(ListTestGridProjectsCommand)
      .resolvesOnce({ testGridProjects: [], nextToken: 'grid-2' })
      .resolvesOnce({ testGridProjects: [{ arn: GRID_ARN, vpcConfig: { vpcId: 'vpc-1', subnetIds: [], securityGroupIds: ['sg-late-grid'] } }] });

    const result = await scanAndClassify(deviceFarmScanner, [group('sg-late'), group('sg-late-grid')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(result.verdictOf('sg-late-grid').verdict).toBe('in-use');
    expect(devicefarm).toHaveReceivedCommandWith(ListProjectsCommand, { nextToken: 'projects-2' });
    expect(devicefarm).toHaveReceivedCommandWith(ListTestGridProjectsCommand, { maxResult: 1000, nextToken: 'grid-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    devicefarm.on(ListTestGridProjectsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(deviceFarmScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['device-farm']);
  });
});
