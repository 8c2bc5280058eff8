import { GetInfrastructureConfigurationCommand, ImagebuilderClient, ListInfrastructureConfigurationsCommand } from '@aws-sdk/client-imagebuilder';
import { mockClient } from 'aws-sdk-client-mock';
import { imageBuilderScanner } from '../../../lambda/aws/scanners/image-builder';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const imagebuilder = mockClient(ImagebuilderClient);

const ARN = 'arn:aws:imagebuilder:us-east-1:123456789012:infrastructure-configuration/golden-ami';

beforeEach(() => {
  imagebuilder.reset();
  imagebuilder.on(ListInfrastructureConfigurationsCommand).resolves({ infrastructureConfigurationSummaryList: [{ arn: ARN, name: 'golden-ami' }] });
  imagebuilder.on(GetInfrastructureConfigurationCommand).resolves({ infrastructureConfiguration: { arn: ARN, name: 'golden-ami', securityGroupIds: ['sg-used'], subnetId: 'subnet-1' } });
});

describe('image-builder scanner', () => {
  it('marks a group used only by an infrastructure configuration as in use, naming it', async () => {
    // Act
    const result = await scanAndClassify(imageBuilderScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({ source: 'image-builder', resourceType: 'Image Builder infrastructure configuration', resourceId: ARN, resourceName: 'golden-ami' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
    expect(imagebuilder).toHaveReceivedCommandWith(GetInfrastructureConfigurationCommand, { infrastructureConfigurationArn: ARN });
  });

  it('follows nextToken to the last page, 25 per page', async () => {
    // Prepare
    const late = `${ARN}-late`;
    imagebuilder.on(ListInfrastructureConfigurationsCommand).resolvesOnce({ infrastructureConfigurationSummaryList: [], nextToken: 'page-2' }).resolvesOnce({ infrastructureConfigurationSummaryList: [{ arn: late }] });
    imagebuilder.on(GetInfrastructureConfigurationCommand, { infrastructureConfigurationArn: late }).resolves({ infrastructureConfiguration: { arn: late, securityGroupIds: ['sg-late'] } });

    // Act
    const result = await scanAndClassify(imageBuilderScanner, [group('sg-late')]);

    // Assess
    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(imagebuilder).toHaveReceivedNthCommandWith(2, ListInfrastructureConfigurationsCommand, { nextToken: 'page-2', maxResults: 25 });
  });

  it('passes over a configuration deleted between listing and reading', async () => {
    // Prepare
    imagebuilder.on(GetInfrastructureConfigurationCommand).rejects(awsError('ResourceNotFoundException'));

    // Act
    const result = await scanAndClassify(imageBuilderScanner, [group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown when Image Builder denies access', async () => {
    // Prepare
    imagebuilder.on(ListInfrastructureConfigurationsCommand).rejects(awsError('AccessDeniedException'));

    // Act
    const result = await scanAndClassify(imageBuilderScanner, [group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-free').verdict).toBe('unknown');
    expect(result.verdictOf('sg-free').failedSources).toEqual(['image-builder']);
  });
});
