import {
  DescribeApplicationsCommand,
  DescribeConfigurationSettingsCommand,
  DescribeEnvironmentsCommand,
  ElasticBeanstalkClient,
} from '@aws-sdk/client-elastic-beanstalk';
import { mockClient } from 'aws-sdk-client-mock';
import { elasticBeanstalkScanner } from '../../../lambda/aws/scanners/elastic-beanstalk';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const eb = mockClient(ElasticBeanstalkClient);
const ENV_ARN = 'arn:aws:elasticbeanstalk:us-east-1:123456789012:environment/shop/shop-prod';

beforeEach(() => {
  eb.reset();
  eb.on(DescribeApplicationsCommand).resolves({ Applications: [] });
  eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [] });
});

describe('elastic-beanstalk scanner', () => {
  it('marks groups named only by a saved configuration as in use, naming the option, never its value', async () => {
    // Prepare
    eb.on(DescribeApplicationsCommand).resolves({ Applications: [{ ApplicationName: 'shop', ConfigurationTemplates: ['blue'] }] });
    eb.on(DescribeConfigurationSettingsCommand, { ApplicationName: 'shop', TemplateName: 'blue' }).resolves({
      ConfigurationSettings: [
        {
          ApplicationName: 'shop',
          TemplateName: 'blue',
          OptionSettings: [
            { Namespace: 'aws:autoscaling:launchconfiguration', OptionName: 'SecurityGroups', Value: 'sg-0aaaaaaa,sg-0bbbbbbb' },
            { Namespace: 'aws:elbv2:loadbalancer', OptionName: 'ManagedSecurityGroup', Value: 'sg-0ccccccc' },
            { Namespace: 'aws:elasticbeanstalk:application:environment', OptionName: 'DB_PASSWORD', Value: 'hunter2' },
          ],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(elasticBeanstalkScanner, [group('sg-0aaaaaaa'), group('sg-0bbbbbbb'), group('sg-0ccccccc'), group('sg-0ddddddd')]);

    // Assess
    for (const id of ['sg-0aaaaaaa', 'sg-0bbbbbbb', 'sg-0ccccccc']) expect(result.verdictOf(id).verdict).toBe('in-use');
    expect(result.verdictOf('sg-0aaaaaaa').usages[0]).toMatchObject({
      source: 'elastic-beanstalk',
      resourceType: 'Elastic Beanstalk saved configuration',
      resourceId: 'shop/blue',
      resourceName: 'blue',
      detail: 'application shop, option aws:autoscaling:launchconfiguration SecurityGroups',
    });
    expect(result.verdictOf('sg-0ddddddd').verdict).toBe('candidate');
    expect(JSON.stringify(result.groups)).not.toContain('hunter2');
  });

  it('marks a group named only in an environment property (an id or an ARN) as in use', async () => {
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [{ ApplicationName: 'shop', EnvironmentName: 'shop-prod', EnvironmentArn: ENV_ARN, Status: 'Ready' }] });
    eb.on(DescribeConfigurationSettingsCommand, { ApplicationName: 'shop', EnvironmentName: 'shop-prod' }).resolves({
      ConfigurationSettings: [
        {
          DeploymentStatus: 'deployed',
          OptionSettings: [
            { Namespace: 'aws:elasticbeanstalk:application:environment', OptionName: 'WORKER_SG', Value: 'arn:aws:ec2:us-east-1:123456789012:security-group/sg-0eeeeeee' },
          ],
        },
      ],
    });

    const result = await scanAndClassify(elasticBeanstalkScanner, [group('sg-0eeeeeee')]);

    expect(result.verdictOf('sg-0eeeeeee').verdict).toBe('in-use');
    expect(result.verdictOf('sg-0eeeeeee').usages[0]).toMatchObject({
      resourceType: 'Elastic Beanstalk environment',
      resourceId: ENV_ARN,
      resourceName: 'shop-prod',
      detail: 'status Ready, option aws:elasticbeanstalk:application:environment WORKER_SG',
    });
  });

  it('marks a group an environment names by its group name as in use', async () => {
    eb.on(DescribeEnvironmentsCommand).resolves({ Environments: [{ ApplicationName: 'shop', EnvironmentName: 'legacy', Status: 'Ready' }] });
    eb.on(DescribeConfigurationSettingsCommand).resolves({
      ConfigurationSettings: [{ OptionSettings: [{ Namespace: 'aws:autoscaling:launchconfiguration', OptionName: 'SecurityGroups', Value: 'web-servers, other' }] }],
    });

    const result = await scanAndClassify(elasticBeanstalkScanner, [group('sg-0fffffff', { groupName: 'web-servers' }), group('sg-01111111', { groupName: 'unrelated' })]);

    expect(result.verdictOf('sg-0fffffff').verdict).toBe('in-use');
    expect(result.verdictOf('sg-01111111').verdict).toBe('candidate');
  });

  it('asks for 1000 environments per page, follows NextToken and leaves terminated environments out', async () => {
    eb.on(DescribeEnvironmentsCommand)
      .resolvesOnce({ Environments: [{ ApplicationName: 'shop', EnvironmentName: 'old', Status: 'Terminated' }], NextToken: 'page-2' })
      .resolvesOnce({ Environments: [{ ApplicationName: 'shop', EnvironmentName: 'late', Status: 'Ready' }] });
    eb.on(DescribeConfigurationSettingsCommand).resolves({
      ConfigurationSettings: [{ OptionSettings: [{ Namespace: 'aws:elbv2:loadbalancer', OptionName: 'SecurityGroups', Value: 'sg-02222222' }] }],
    });

    const result = await scanAndClassify(elasticBeanstalkScanner, [group('sg-02222222')]);

    expect(result.verdictOf('sg-02222222').verdict).toBe('in-use');
    expect(eb).toHaveReceivedNthCommandWith(2, DescribeEnvironmentsCommand, { IncludeDeleted: false, MaxRecords: 1000 });
    expect(eb).toHaveReceivedCommandWith(DescribeEnvironmentsCommand, { IncludeDeleted: false, MaxRecords: 1000, NextToken: 'page-2' });
    expect(eb).toHaveReceivedCommandTimes(DescribeConfigurationSettingsCommand, 1);
    expect(eb).toHaveReceivedCommandWith(DescribeConfigurationSettingsCommand, { ApplicationName: 'shop', EnvironmentName: 'late' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    eb.on(DescribeApplicationsCommand).rejects(awsError('AccessDenied'));

    const result = await scanAndClassify(elasticBeanstalkScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['elastic-beanstalk']);
  });
});
