import {
  DescribeClusterCommand,
  DescribeDomainCommand,
  DescribeModelCommand,
  DescribeNotebookInstanceCommand,
  DescribeUserProfileCommand,
  ListClustersCommand,
  ListDomainsCommand,
  ListModelsCommand,
  ListNotebookInstancesCommand,
  ListUserProfilesCommand,
  ListWorkforcesCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { sagemakerScanner } from '../../../lambda/aws/scanners/sagemaker';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const sm = mockClient(SageMakerClient);
const ARN = 'arn:aws:sagemaker:us-east-1:123456789012';
const CREATED = new Date('2026-01-01T00:00:00Z');

beforeEach(() => {
  sm.reset();
  sm.on(ListNotebookInstancesCommand).resolves({ NotebookInstances: [] });
  sm.on(ListDomainsCommand).resolves({ Domains: [] });
  sm.on(ListUserProfilesCommand).resolves({ UserProfiles: [] });
  sm.on(ListModelsCommand).resolves({ Models: [] });
  sm.on(ListClustersCommand).resolves({ ClusterSummaries: [] });
  sm.on(ListWorkforcesCommand).resolves({ Workforces: [] });
});

describe('sagemaker scanner', () => {
  it('marks the group of a stopped notebook instance as in use, naming the notebook', async () => {
    // Prepare
    sm.on(ListNotebookInstancesCommand).resolves({
      NotebookInstances: [{ NotebookInstanceName: 'research', NotebookInstanceArn: `${ARN}:notebook-instance/research` }],
    });
    sm.on(DescribeNotebookInstanceCommand, { NotebookInstanceName: 'research' }).resolves({
      NotebookInstanceName: 'research',
      NotebookInstanceArn: `${ARN}:notebook-instance/research`,
      NotebookInstanceStatus: 'Stopped',
      SecurityGroups: ['sg-used'],
    });

    // Act
    const result = await scanAndClassify(sagemakerScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'sagemaker',
      resourceType: 'SageMaker notebook instance',
      resourceId: `${ARN}:notebook-instance/research`,
      resourceName: 'research',
      detail: 'status Stopped',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('asks every listing for 100 per page', async () => {
    await scanAndClassify(sagemakerScanner, [group('sg-a')]);

    expect(sm).toHaveReceivedCommandWith(ListNotebookInstancesCommand, { MaxResults: 100 });
    expect(sm).toHaveReceivedCommandWith(ListDomainsCommand, { MaxResults: 100 });
    expect(sm).toHaveReceivedCommandWith(ListUserProfilesCommand, { MaxResults: 100 });
    expect(sm).toHaveReceivedCommandWith(ListModelsCommand, { MaxResults: 100 });
    expect(sm).toHaveReceivedCommandWith(ListClustersCommand, { MaxResults: 100 });
    expect(sm).toHaveReceivedCommandWith(ListWorkforcesCommand, { MaxResults: 100 });
  });

  it('follows NextToken to the last page of models', async () => {
    sm.on(ListModelsCommand)
      .resolvesOnce({ Models: [], NextToken: 'page-2' })
      .resolvesOnce({ Models: [{ ModelName: 'churn', ModelArn: `${ARN}:model/churn`, CreationTime: CREATED }] });
    sm.on(DescribeModelCommand, { ModelName: 'churn' }).resolves({
      ModelName: 'churn',
      ModelArn: `${ARN}:model/churn`,
      CreationTime: CREATED,
      VpcConfig: { SecurityGroupIds: ['sg-late'], Subnets: ['subnet-1'] },
    });

    const result = await scanAndClassify(sagemakerScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').usages[0]).toMatchObject({ resourceType: 'SageMaker model', resourceName: 'churn' });
    expect(sm).toHaveReceivedCommandTimes(ListModelsCommand, 2);
    expect(sm).toHaveReceivedCommandWith(ListModelsCommand, { NextToken: 'page-2' });
  });

  it('marks every group a Studio domain names, the SageMaker-created boundary group included', async () => {
    sm.on(ListDomainsCommand).resolves({ Domains: [{ DomainId: 'd-1', DomainName: 'studio', DomainArn: `${ARN}:domain/d-1` }] });
    sm.on(DescribeDomainCommand, { DomainId: 'd-1' }).resolves({
      DomainId: 'd-1',
      DomainArn: `${ARN}:domain/d-1`,
      DomainName: 'studio',
      Status: 'InService',
      DomainSettings: { SecurityGroupIds: ['sg-domain'] },
      DefaultUserSettings: { SecurityGroups: ['sg-user-default'] },
      DefaultSpaceSettings: { SecurityGroups: ['sg-space-default'] },
      SecurityGroupIdForDomainBoundary: 'sg-boundary',
    });
    const ids = ['sg-domain', 'sg-user-default', 'sg-space-default', 'sg-boundary'];

    const result = await scanAndClassify(sagemakerScanner, ids.map((id) => group(id)));

    for (const id of ids) {
      expect(result.verdictOf(id).usages[0]).toMatchObject({ resourceType: 'SageMaker domain', resourceName: 'studio' });
    }
  });

  it('reads every user profile of the account in one listing and describes each', async () => {
    sm.on(ListUserProfilesCommand).resolves({ UserProfiles: [{ DomainId: 'd-1', UserProfileName: 'alice' }] });
    sm.on(DescribeUserProfileCommand, { DomainId: 'd-1', UserProfileName: 'alice' }).resolves({
      DomainId: 'd-1',
      UserProfileName: 'alice',
      UserProfileArn: `${ARN}:user-profile/d-1/alice`,
      Status: 'InService',
      UserSettings: { SecurityGroups: ['sg-alice'] },
    });

    const result = await scanAndClassify(sagemakerScanner, [group('sg-alice')]);

    expect(sm).toHaveReceivedCommandTimes(ListUserProfilesCommand, 1);
    expect(result.verdictOf('sg-alice').usages[0]).toMatchObject({
      resourceType: 'SageMaker user profile',
      resourceId: `${ARN}:user-profile/d-1/alice`,
      resourceName: 'alice',
    });
  });

  it('marks the cluster-wide and per-instance-group groups of a HyperPod cluster', async () => {
    sm.on(ListClustersCommand).resolves({
      ClusterSummaries: [{ ClusterName: 'llm', ClusterArn: `${ARN}:cluster/abc`, CreationTime: CREATED, ClusterStatus: 'InService' }],
    });
    sm.on(DescribeClusterCommand, { ClusterName: `${ARN}:cluster/abc` }).resolves({
      ClusterArn: `${ARN}:cluster/abc`,
      ClusterName: 'llm',
      ClusterStatus: 'InService',
      VpcConfig: { SecurityGroupIds: ['sg-cluster'], Subnets: ['subnet-1'] },
      InstanceGroups: [{ InstanceGroupName: 'workers', OverrideVpcConfig: { SecurityGroupIds: ['sg-workers'], Subnets: ['subnet-2'] } }],
      RestrictedInstanceGroups: [{ InstanceGroupName: 'nova', OverrideVpcConfig: { SecurityGroupIds: ['sg-restricted'], Subnets: ['subnet-3'] } }],
    });

    const result = await scanAndClassify(sagemakerScanner, [group('sg-cluster'), group('sg-workers'), group('sg-restricted')]);

    expect(result.verdictOf('sg-cluster').usages[0]).toMatchObject({ resourceType: 'SageMaker HyperPod cluster', resourceName: 'llm' });
    expect(result.verdictOf('sg-workers').usages[0]?.detail).toContain('instance group workers');
    expect(result.verdictOf('sg-restricted').usages[0]?.detail).toContain('instance group nova');
  });

  it('marks the groups of a private workforce from the listing alone', async () => {
    sm.on(ListWorkforcesCommand).resolves({
      Workforces: [
        {
          WorkforceName: 'labelers',
          WorkforceArn: `${ARN}:workforce/labelers`,
          Status: 'Active',
          WorkforceVpcConfig: { VpcId: 'vpc-1', SecurityGroupIds: ['sg-workforce'], Subnets: ['subnet-1'] },
        },
      ],
    });

    const result = await scanAndClassify(sagemakerScanner, [group('sg-workforce')]);

    expect(result.verdictOf('sg-workforce').usages[0]).toMatchObject({ resourceType: 'SageMaker workforce', resourceName: 'labelers' });
  });

  it('skips a domain deleted between its listing and its description', async () => {
    sm.on(ListDomainsCommand).resolves({ Domains: [{ DomainId: 'd-gone' }] });
    sm.on(DescribeDomainCommand).rejects(awsError('ResourceNotFound'));

    const result = await scanAndClassify(sagemakerScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-a').verdict).toBe('candidate');
  });

  it('fails the scan when a model cannot be described, since that API has no not-found code', async () => {
    sm.on(ListModelsCommand).resolves({ Models: [{ ModelName: 'm', ModelArn: `${ARN}:model/m`, CreationTime: CREATED }] });
    sm.on(DescribeModelCommand).rejects(awsError('ValidationException'));

    const result = await scanAndClassify(sagemakerScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    sm.on(ListWorkforcesCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(sagemakerScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['sagemaker']);
  });

  it('makes otherwise-unproven groups unknown when describing a notebook is throttled', async () => {
    sm.on(ListNotebookInstancesCommand).resolves({ NotebookInstances: [{ NotebookInstanceName: 'nb', NotebookInstanceArn: `${ARN}:notebook-instance/nb` }] });
    sm.on(DescribeNotebookInstanceCommand).rejects(awsError('ThrottlingException'));

    const result = await scanAndClassify(sagemakerScanner, [group('sg-a')]);

    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
