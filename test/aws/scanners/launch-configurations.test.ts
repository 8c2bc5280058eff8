import { AutoScalingClient, DescribeLaunchConfigurationsCommand, type LaunchConfiguration } from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import { launchConfigurationsScanner } from '../../../lambda/aws/scanners/launch-configurations';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const autoscaling = mockClient(AutoScalingClient);

function config(name: string, securityGroups: string[]): LaunchConfiguration {
  return {
    LaunchConfigurationName: name,
    LaunchConfigurationARN: `arn:aws:autoscaling:us-east-1:123456789012:launchConfiguration:0000:launchConfigurationName/${name}`,
    ImageId: 'ami-0abc',
    InstanceType: 't3.micro',
    CreatedTime: new Date('2025-01-01T00:00:00Z'),
    SecurityGroups: securityGroups,
  };
}

beforeEach(() => autoscaling.reset());

describe('launch-configurations scanner', () => {
  it('marks a group of a launch configuration as in use, naming the configuration', async () => {
    // Prepare
    autoscaling.on(DescribeLaunchConfigurationsCommand).resolves({ LaunchConfigurations: [config('web-lc', ['sg-used'])] });

    // Act
    const result = await scanAndClassify(launchConfigurationsScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'launch-configurations',
      resourceType: 'launch configuration',
      resourceId: expect.stringContaining('launchConfigurationName/web-lc'),
      resourceName: 'web-lc',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('resolves group names to every group that has that name', async () => {
    autoscaling.on(DescribeLaunchConfigurationsCommand).resolves({ LaunchConfigurations: [config('classic-lc', ['web'])] });
    const groups = [group('sg-1', { groupName: 'web' }), group('sg-2', { groupName: 'web', vpcId: 'vpc-2' }), group('sg-3')];

    const result = await scanAndClassify(launchConfigurationsScanner, groups);

    expect(result.verdictOf('sg-1').verdict).toBe('in-use');
    expect(result.verdictOf('sg-2').verdict).toBe('in-use');
    expect(result.verdictOf('sg-3').verdict).toBe('candidate');
  });

  it('asks for 100 per page and follows NextToken to the last page', async () => {
    autoscaling
      .on(DescribeLaunchConfigurationsCommand)
      .resolvesOnce({ LaunchConfigurations: [], NextToken: 'page-2' })
      .resolvesOnce({ LaunchConfigurations: [config('late-lc', ['sg-late'])] });

    const result = await scanAndClassify(launchConfigurationsScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(autoscaling).toHaveReceivedNthCommandWith(1, DescribeLaunchConfigurationsCommand, { MaxRecords: 100 });
    expect(autoscaling).toHaveReceivedNthCommandWith(2, DescribeLaunchConfigurationsCommand, { NextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    autoscaling.on(DescribeLaunchConfigurationsCommand).rejects(awsError('AccessDenied'));

    const result = await scanAndClassify(launchConfigurationsScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
