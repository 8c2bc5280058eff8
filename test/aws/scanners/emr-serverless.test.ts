import { EMRServerlessClient, GetApplicationCommand, ListApplicationsCommand, type Application } from '@aws-sdk/client-emr-serverless';
import { mockClient } from 'aws-sdk-client-mock';
import { emrServerlessScanner } from '../../../lambda/aws/scanners/emr-serverless';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const emr = mockClient(EMRServerlessClient);

beforeEach(() => emr.reset());

const CREATED = new Date('2026-01-01T00:00:00Z');

function summary(id: string, state: Application['state'] = 'CREATED') {
  return {
    id,
    name: `app-${id}`,
    arn: `arn:aws:emr-serverless:us-east-1:123456789012:/applications/${id}`,
    releaseLabel: 'emr-7.1.0',
    type: 'Spark',
    state,
    createdAt: CREATED,
    updatedAt: CREATED,
  };
}

function application(id: string, securityGroupIds: string[]): Application {
  const { id: applicationId, ...rest } = summary(id);
  return { ...rest, applicationId, networkConfiguration: { subnetIds: ['subnet-1'], securityGroupIds } };
}

describe('emr-serverless scanner', () => {
  it('marks a group of an application as in use, naming the application, and leaves another group a candidate', async () => {
    // Prepare
    emr.on(ListApplicationsCommand).resolves({ applications: [summary('00f1')] });
    emr.on(GetApplicationCommand, { applicationId: '00f1' }).resolves({ application: application('00f1', ['sg-used']) });

    // Act
    const result = await scanAndClassify(emrServerlessScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'emr-serverless',
      resourceType: 'EMR Serverless application',
      resourceId: 'arn:aws:emr-serverless:us-east-1:123456789012:/applications/00f1',
      resourceName: 'app-00f1',
      detail: 'Spark, release emr-7.1.0, state CREATED',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('does not read terminated applications', async () => {
    emr.on(ListApplicationsCommand).resolves({ applications: [summary('dead', 'TERMINATED')] });

    await scanAndClassify(emrServerlessScanner, [group('sg-a')]);

    expect(emr).toHaveReceivedCommandTimes(GetApplicationCommand, 0);
  });

  it('follows nextToken to the last page, asking for 50 applications per page', async () => {
    emr
      .on(ListApplicationsCommand)
      .resolvesOnce({ applications: [], nextToken: 'page-2' })
      .resolvesOnce({ applications: [summary('late')] });
    emr.on(GetApplicationCommand).resolves({ application: application('late', ['sg-late']) });

    const result = await scanAndClassify(emrServerlessScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(emr).toHaveReceivedNthCommandWith(1, ListApplicationsCommand, { maxResults: 50 });
    expect(emr).toHaveReceivedNthCommandWith(2, ListApplicationsCommand, { nextToken: 'page-2' });
  });

  it('skips an application deleted between the listing and its read', async () => {
    emr.on(ListApplicationsCommand).resolves({ applications: [summary('gone')] });
    emr.on(GetApplicationCommand).rejects(awsError('ResourceNotFoundException'));

    const result = await scanAndClassify(emrServerlessScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-a').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    emr.on(ListApplicationsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(emrServerlessScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
