import {
  GetEnvironmentCommand,
  ListEnvironmentsCommand,
  MWAAClient,
  type GetEnvironmentCommandInput,
  type GetEnvironmentCommandOutput,
  type ListEnvironmentsCommandInput,
  type ListEnvironmentsCommandOutput,
} from '@aws-sdk/client-mwaa';
import { mockClient, type AwsCommand } from 'aws-sdk-client-mock';
import { mwaaScanner } from '../../../lambda/aws/scanners/mwaa';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

// package.json pins @aws-sdk/client-mwaa at 3.523, which bundles its own @smithy/types that
// aws-sdk-client-mock's types reject (the runtime works): these casts only re-type the classes.
type CommandCtor<I extends object, O extends object> = new (input: I) => AwsCommand<I, O & { $metadata: object }>;
const ListEnvironments = ListEnvironmentsCommand as unknown as CommandCtor<ListEnvironmentsCommandInput, ListEnvironmentsCommandOutput>;
const GetEnvironment = GetEnvironmentCommand as unknown as CommandCtor<GetEnvironmentCommandInput, GetEnvironmentCommandOutput>;
const mwaa = mockClient(MWAAClient as unknown as Parameters<typeof mockClient>[0]);
const ARN = 'arn:aws:airflow:us-east-1:123456789012:environment';

beforeEach(() => mwaa.reset());

describe('mwaa scanner', () => {
  it('marks the group of an Airflow environment as in use, naming the environment', async () => {
    // Prepare
    mwaa.on(ListEnvironments).resolves({ Environments: ['pipelines'] });
    mwaa.on(GetEnvironment, { Name: 'pipelines' }).resolves({
      Environment: {
        Name: 'pipelines',
        Arn: `${ARN}/pipelines`,
        Status: 'AVAILABLE',
        AirflowVersion: '2.10.3',
        NetworkConfiguration: { SubnetIds: ['subnet-1', 'subnet-2'], SecurityGroupIds: ['sg-used'] },
      },
    });

    // Act
    const result = await scanAndClassify(mwaaScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'mwaa',
      resourceType: 'MWAA environment',
      resourceId: `${ARN}/pipelines`,
      resourceName: 'pipelines',
      detail: 'status AVAILABLE, Airflow 2.10.3',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('asks for 25 environments per page and follows NextToken', async () => {
    mwaa
      .on(ListEnvironments)
      .resolvesOnce({ Environments: [], NextToken: 'page-2' })
      .resolvesOnce({ Environments: ['late'] });
    mwaa.on(GetEnvironment).resolves({ Environment: { Name: 'late', NetworkConfiguration: { SecurityGroupIds: ['sg-late'] } } });

    const result = await scanAndClassify(mwaaScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(mwaa).toHaveReceivedNthCommandWith(1, ListEnvironments, { MaxResults: 25 });
    expect(mwaa).toHaveReceivedNthCommandWith(2, ListEnvironments, { NextToken: 'page-2' });
  });

  it('skips an environment deleted between the listing and its description', async () => {
    mwaa.on(ListEnvironments).resolves({ Environments: ['gone', 'kept'] });
    mwaa.on(GetEnvironment, { Name: 'gone' }).rejects(awsError('ResourceNotFoundException'));
    mwaa.on(GetEnvironment, { Name: 'kept' }).resolves({ Environment: { Name: 'kept', NetworkConfiguration: { SecurityGroupIds: ['sg-kept'] } } });

    const result = await scanAndClassify(mwaaScanner, [group('sg-kept'), group('sg-free')]);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-kept').verdict).toBe('in-use');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    mwaa.on(ListEnvironments).resolves({ Environments: ['pipelines'] });
    mwaa.on(GetEnvironment).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(mwaaScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['mwaa']);
  });
});
