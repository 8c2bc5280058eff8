import { GetEnvironmentCommand, ListEnvironmentsCommand, M2Client } from '@aws-sdk/client-m2';
import { mockClient } from 'aws-sdk-client-mock';
import { m2Scanner } from '../../../lambda/aws/scanners/m2';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const m2 = mockClient(M2Client);
const ARN = 'arn:aws:m2:us-east-1:123456789012:env/a1b2c3d4e5';

function summary(environmentId: string) {
  return { name: 'batch-env', environmentArn: ARN, environmentId, instanceType: 'M2.m5.large', status: 'Available' as const, engineType: 'microfocus' as const, engineVersion: '8.0.10', creationTime: new Date() };
}

beforeEach(() => m2.reset());

describe('m2 scanner', () => {
  it('marks a group used only by a runtime environment as in use, naming the environment', async () => {
    // Prepare
    m2.on(ListEnvironmentsCommand).resolves({ environments: [summary('a1b2c3d4e5')] });
    m2.on(GetEnvironmentCommand, { environmentId: 'a1b2c3d4e5' }).resolves({
      ...summary('a1b2c3d4e5'),
      vpcId: 'vpc-1',
      subnetIds: ['subnet-1'],
      securityGroupIds: ['sg-used'],
    });

    // Act
    const result = await scanAndClassify(m2Scanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'm2',
      resourceType: 'Mainframe Modernization environment',
      resourceId: ARN,
      resourceName: 'batch-env',
      detail: 'microfocus, status Available',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('asks for 2000 environments per page and follows nextToken', async () => {
    m2.on(ListEnvironmentsCommand)
      .resolvesOnce({ environments: [], nextToken: 'page-2' })
      .resolvesOnce({ environments: [summary('late')] });
    m2.on(GetEnvironmentCommand).resolves({ ...summary('late'), vpcId: 'vpc-1', subnetIds: [], securityGroupIds: ['sg-late'] });

    const result = await scanAndClassify(m2Scanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(m2).toHaveReceivedNthCommandWith(1, ListEnvironmentsCommand, { maxResults: 2000 });
    expect(m2).toHaveReceivedNthCommandWith(2, ListEnvironmentsCommand, { maxResults: 2000, nextToken: 'page-2' });
  });

  it('skips an environment deleted between the listing and its description', async () => {
    m2.on(ListEnvironmentsCommand).resolves({ environments: [summary('gone')] });
    m2.on(GetEnvironmentCommand).rejects(awsError('ResourceNotFoundException'));

    const result = await scanAndClassify(m2Scanner, [group('sg-free')]);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    m2.on(ListEnvironmentsCommand).resolves({ environments: [summary('a1b2c3d4e5')] });
    m2.on(GetEnvironmentCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(m2Scanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['m2']);
  });
});
