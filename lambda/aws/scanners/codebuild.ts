import {
  BatchGetFleetsCommand,
  BatchGetProjectsCommand,
  CodeBuildClient,
  paginateListFleets,
  paginateListProjects,
} from '@aws-sdk/client-codebuild';
import type { Scanner } from './types';
import { chunks } from '../../core/concurrency';

/** BatchGetProjects and BatchGetFleets take at most 100 names (model 1–100). */
const BATCH_SIZE = 100;

/**
 * CodeBuild projects (their VPC config and the groups of a project's Docker server) and reserved
 * capacity fleets. The lists return names only, so they are described in batches of 100; names
 * that vanished in between come back in `projectsNotFound`/`fleetsNotFound` and hold no group.
 */
export const codebuildScanner: Scanner = {
  source: 'codebuild',
  service: 'codebuild',
  covers: ['AWS::CodeBuild::Project', 'AWS::CodeBuild::Fleet'],
  actions: ['codebuild:ListProjects', 'codebuild:BatchGetProjects', 'codebuild:ListFleets', 'codebuild:BatchGetFleets'],
  async scan(clients, _region, ctx) {
    const codebuild = clients.get(CodeBuildClient);

    // ListProjects has no page-size parameter (100 names per page, fixed by the service).
    for await (const page of paginateListProjects({ client: codebuild }, {})) {
      for (const names of chunks(page.projects ?? [], BATCH_SIZE)) {
        const { projects } = await codebuild.send(new BatchGetProjectsCommand({ names }));
        for (const project of projects ?? []) {
          const base = {
            resourceType: 'CodeBuild project',
            resourceId: project.arn ?? project.name ?? 'project-?',
            ...(project.name ? { resourceName: project.name } : {}),
          };
          ctx.found(project.vpcConfig?.securityGroupIds, { ...base, detail: `VPC ${project.vpcConfig?.vpcId ?? '?'}` });
          ctx.found(project.environment?.dockerServer?.securityGroupIds, { ...base, detail: 'Docker server' });
        }
      }
    }

    for await (const page of paginateListFleets({ client: codebuild, pageSize: BATCH_SIZE }, {})) {
      for (const names of chunks(page.fleets ?? [], BATCH_SIZE)) {
        const { fleets } = await codebuild.send(new BatchGetFleetsCommand({ names }));
        for (const fleet of fleets ?? []) {
          ctx.found(fleet.vpcConfig?.securityGroupIds, {
            resourceType: 'CodeBuild fleet',
            resourceId: fleet.arn ?? fleet.name ?? 'fleet-?',
            ...(fleet.name ? { resourceName: fleet.name } : {}),
            detail: `status ${fleet.status?.statusCode ?? 'unknown'}`,
          });
        }
      }
    }
  },
};
