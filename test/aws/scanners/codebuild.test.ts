import {
  BatchGetFleetsCommand,
  BatchGetProjectsCommand,
  CodeBuildClient,
  ListFleetsCommand,
  ListProjectsCommand,
} from '@aws-sdk/client-codebuild';
import { mockClient } from 'aws-sdk-client-mock';
import { codebuildScanner } from '../../../lambda/aws/scanners/codebuild';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const codebuild = mockClient(CodeBuildClient);
const ARN = 'arn:aws:codebuild:us-east-1:123456789012';

beforeEach(() => {
  codebuild.reset();
  codebuild.on(ListProjectsCommand).resolves({ projects: [] });
  codebuild.on(ListFleetsCommand).resolves({ fleets: [] });
});

describe('codebuild scanner', () => {
  it('marks the VPC group of a project as in use, naming the project', async () => {
    // Prepare
    codebuild.on(ListProjectsCommand).resolves({ projects: ['api-build'] });
    codebuild.on(BatchGetProjectsCommand).resolves({
      projects: [
        {
          name: 'api-build',
          arn: `${ARN}:project/api-build`,
          vpcConfig: { vpcId: 'vpc-1', subnets: ['subnet-1'], securityGroupIds: ['sg-used'] },
        },
      ],
    });

    // Act
    const result = await scanAndClassify(codebuildScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'codebuild',
      resourceType: 'CodeBuild project',
      resourceId: `${ARN}:project/api-build`,
      resourceName: 'api-build',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('marks the groups of a project Docker server as in use', async () => {
    codebuild.on(ListProjectsCommand).resolves({ projects: ['images'] });
    codebuild.on(BatchGetProjectsCommand).resolves({
      projects: [
        {
          name: 'images',
          arn: `${ARN}:project/images`,
          environment: {
            type: 'LINUX_CONTAINER',
            image: 'aws/codebuild/standard:7.0',
            computeType: 'BUILD_GENERAL1_SMALL',
            dockerServer: { computeType: 'BUILD_GENERAL1_LARGE', securityGroupIds: ['sg-docker'] },
          },
        },
      ],
    });

    const result = await scanAndClassify(codebuildScanner, [group('sg-docker')]);

    expect(result.verdictOf('sg-docker').usages[0]).toMatchObject({ resourceName: 'images', detail: 'Docker server' });
  });

  it('follows nextToken and describes each page of project names in one batch', async () => {
    codebuild
      .on(ListProjectsCommand)
      .resolvesOnce({ projects: ['first'], nextToken: 'page-2' })
      .resolvesOnce({ projects: ['second'] });
    codebuild.on(BatchGetProjectsCommand, { names: ['first'] }).resolves({ projects: [{ name: 'first' }] });
    codebuild.on(BatchGetProjectsCommand, { names: ['second'] }).resolves({
      projects: [{ name: 'second', vpcConfig: { securityGroupIds: ['sg-late'] } }],
    });

    const result = await scanAndClassify(codebuildScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(codebuild).toHaveReceivedCommandWith(ListProjectsCommand, { nextToken: 'page-2' });
    expect(codebuild).toHaveReceivedCommandTimes(BatchGetProjectsCommand, 2);
  });

  it('describes at most 100 projects per BatchGetProjects call', async () => {
    const names = Array.from({ length: 150 }, (_, i) => `p${i}`);
    codebuild.on(ListProjectsCommand).resolves({ projects: names });
    codebuild.on(BatchGetProjectsCommand).resolves({ projects: [] });

    await scanAndClassify(codebuildScanner, [group('sg-a')]);

    expect(codebuild).toHaveReceivedCommandWith(BatchGetProjectsCommand, { names: names.slice(0, 100) });
    expect(codebuild).toHaveReceivedCommandWith(BatchGetProjectsCommand, { names: names.slice(100) });
  });

  it('marks the group of a reserved capacity fleet, asking for 100 fleets per page', async () => {
    codebuild.on(ListFleetsCommand).resolves({ fleets: [`${ARN}:fleet/arm:1`] });
    codebuild.on(BatchGetFleetsCommand).resolves({
      fleets: [{ name: 'arm', arn: `${ARN}:fleet/arm:1`, status: { statusCode: 'ACTIVE' }, vpcConfig: { securityGroupIds: ['sg-fleet'] } }],
    });

    const result = await scanAndClassify(codebuildScanner, [group('sg-fleet')]);

    expect(codebuild).toHaveReceivedCommandWith(ListFleetsCommand, { maxResults: 100 });
    expect(result.verdictOf('sg-fleet').usages[0]).toMatchObject({ resourceType: 'CodeBuild fleet', resourceName: 'arm', detail: 'status ACTIVE' });
  });

  it('passes over a project deleted between ListProjects and BatchGetProjects, reading the others', async () => {
    // Prepare
    codebuild.on(ListProjectsCommand).resolves({ projects: ['gone', 'api-build'] });
    codebuild.on(BatchGetProjectsCommand).resolves({
      projects: [{ name: 'api-build', vpcConfig: { vpcId: 'vpc-1', securityGroupIds: ['sg-used'] } }],
      projectsNotFound: ['gone'],
    });

    // Act
    const result = await scanAndClassify(codebuildScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    codebuild.on(ListFleetsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(codebuildScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['codebuild']);
  });
});
