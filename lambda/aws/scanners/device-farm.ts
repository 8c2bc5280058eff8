import { DeviceFarmClient, paginateListProjects, paginateListTestGridProjects } from '@aws-sdk/client-device-farm';
import type { Scanner } from './types';

// Confirmed in the AWS Device Farm API reference and botocore's model:
// - ListProjects: nextToken only (no page size); Project.vpcConfig {securityGroupIds, subnetIds, vpcId}.
// - ListTestGridProjects: maxResult (sic) 1–1000, nextToken; TestGridProject.vpcConfig, same shape.
// - IAM: devicefarm:ListProjects, devicefarm:ListTestGridProjects.
// Device Farm is offered in us-west-2 only; elsewhere the framework reports it not offered.
const TEST_GRID_PAGE_SIZE = 1000;

/**
 * AWS Device Farm projects and desktop-browser (test grid) projects with a VPC configuration: the
 * project holds the groups its test runs and sessions will use, while nothing runs.
 */
export const deviceFarmScanner: Scanner = {
  source: 'device-farm',
  service: 'devicefarm',
  covers: ['AWS::DeviceFarm::Project', 'AWS::DeviceFarm::TestGridProject'],
  actions: ['devicefarm:ListProjects', 'devicefarm:ListTestGridProjects'],
  async scan(clients, _region, ctx) {
    const devicefarm = clients.get(DeviceFarmClient);
    for await (const page of paginateListProjects({ client: devicefarm }, {})) {
      for (const project of page.projects ?? []) {
        ctx.found(project.vpcConfig?.securityGroupIds, {
          resourceType: 'Device Farm project',
          resourceId: project.arn ?? project.name ?? 'unknown',
          resourceName: project.name,
          detail: project.vpcConfig?.vpcId ? `VPC ${project.vpcConfig.vpcId}` : undefined,
        });
      }
    }
    for await (const page of paginateListTestGridProjects({ client: devicefarm, pageSize: TEST_GRID_PAGE_SIZE }, {})) {
      for (const project of page.testGridProjects ?? []) {
        ctx.found(project.vpcConfig?.securityGroupIds, {
          resourceType: 'Device Farm test grid project',
          resourceId: project.arn ?? project.name ?? 'unknown',
          resourceName: project.name,
          detail: project.vpcConfig?.vpcId ? `VPC ${project.vpcConfig.vpcId}` : undefined,
        });
      }
    }
  },
};
