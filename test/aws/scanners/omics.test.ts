import { GetConfigurationCommand, ListConfigurationsCommand, OmicsClient } from '@aws-sdk/client-omics';
import { mockClient } from 'aws-sdk-client-mock';
import { omicsScanner } from '../../../lambda/aws/scanners/omics';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const omics = mockClient(OmicsClient);
const ARN = 'arn:aws:omics:us-east-1:123456789012:configuration/vpc-runs';

beforeEach(() => omics.reset());

describe('omics scanner', () => {
  it('marks a group held only by a HealthOmics configuration as in use, naming the configuration', async () => {
    // Prepare
    omics.on(ListConfigurationsCommand).resolves({ items: [{ name: 'vpc-runs', arn: ARN, status: 'ACTIVE' }] });
    omics.on(GetConfigurationCommand, { name: 'vpc-runs' }).resolves({
      name: 'vpc-runs',
      arn: ARN,
      status: 'ACTIVE',
      runConfigurations: { vpcConfig: { securityGroupIds: ['sg-runs'], subnetIds: ['subnet-1'] } },
    });

    // Act
    const result = await scanAndClassify(omicsScanner, [group('sg-runs'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-runs').verdict).toBe('in-use');
    expect(result.verdictOf('sg-runs').usages[0]).toMatchObject({ source: 'omics', resourceType: 'HealthOmics configuration', resourceId: ARN, resourceName: 'vpc-runs', detail: 'status ACTIVE' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('follows nextToken back as startingToken, asking for 10 per page', async () => {
    omics.on(ListConfigurationsCommand).resolvesOnce({ items: [], nextToken: 'p2' }).resolvesOnce({ items: [{ name: 'late' }] });
    omics.on(GetConfigurationCommand).resolves({ name: 'late', runConfigurations: { vpcConfig: { securityGroupIds: ['sg-late'] } } });

    const result = await scanAndClassify(omicsScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(omics).toHaveReceivedCommandWith(ListConfigurationsCommand, { maxResults: 10, startingToken: 'p2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    omics.on(ListConfigurationsCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(omicsScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
