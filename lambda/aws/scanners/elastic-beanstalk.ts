import {
  DescribeApplicationsCommand,
  DescribeConfigurationSettingsCommand,
  DescribeEnvironmentsCommand,
  ElasticBeanstalkClient,
  type ConfigurationOptionSetting,
} from '@aws-sdk/client-elastic-beanstalk';
import type { Evidence, ScanContext, Scanner } from './types';
import { groupIdTokens } from '../../core/group-id-sweep';

// Confirmed in the AWS Elastic Beanstalk API reference and botocore's model:
// - DescribeApplications (no paging): Applications[].{ApplicationName, ConfigurationTemplates[]}
//   (the names of the application's saved configurations).
// - DescribeEnvironments: MaxRecords 1–1000, NextToken; IncludeDeleted false leaves terminated
//   environments out. No SDK v3 paginator.
// - DescribeConfigurationSettings(ApplicationName, TemplateName | EnvironmentName):
//   ConfigurationSettings[].OptionSettings[].{Namespace, OptionName, ResourceName, Value}; for an
//   environment it can return two sets (deployed and draft). No bulk form: one call per saved
//   configuration and per environment.
// - Groups are option values: aws:autoscaling:launchconfiguration SecurityGroups (ids, or names
//   in a default VPC), aws:elbv2:loadbalancer and aws:elb:loadbalancer SecurityGroups and
//   ManagedSecurityGroup, and any other option a platform or a person set to a group id.
// - IAM: elasticbeanstalk:DescribeApplications, elasticbeanstalk:DescribeEnvironments,
//   elasticbeanstalk:DescribeConfigurationSettings. The API reference notes these calls return
//   only the resources the caller may access (an empty answer otherwise), so the stack grants
//   them on every resource.
const PAGE_SIZE = 1000;

/** Options whose value is a comma-separated list of group ids or names. */
const GROUP_LIST_OPTIONS: ReadonlySet<string> = new Set([
  'aws:autoscaling:launchconfiguration/SecurityGroups',
  'aws:elbv2:loadbalancer/SecurityGroups',
  'aws:elbv2:loadbalancer/ManagedSecurityGroup',
  'aws:elb:loadbalancer/SecurityGroups',
  'aws:elb:loadbalancer/ManagedSecurityGroup',
]);

/**
 * Records every group an option set names. Only the namespace and option name reach the
 * evidence: option values include environment properties, which may hold secrets.
 */
function recordOptions(ctx: ScanContext, options: readonly ConfigurationOptionSetting[], evidence: Evidence): void {
  const idsByName = new Map<string, string[]>();
  for (const group of ctx.groups) idsByName.set(group.groupName, [...(idsByName.get(group.groupName) ?? []), group.groupId]);
  for (const option of options) {
    if (!option.Value) continue;
    const key = `${option.Namespace ?? ''}/${option.OptionName ?? ''}`;
    const ids = new Set(groupIdTokens(option.Value));
    if (GROUP_LIST_OPTIONS.has(key)) {
      // A default-VPC environment may name its instances' groups by name.
      for (const token of option.Value.split(',')) for (const id of idsByName.get(token.trim()) ?? []) ids.add(id);
    }
    if (ids.size === 0) continue;
    ctx.found(ids, { ...evidence, detail: [evidence.detail, `option ${option.Namespace ?? '?'} ${option.OptionName ?? '?'}`].filter(Boolean).join(', ') });
  }
}

/**
 * AWS Elastic Beanstalk saved configurations (configuration templates) and environments: their
 * option settings name the groups of the instances and load balancers they launch, also while an
 * environment is scaled to zero and for a saved configuration nothing runs from yet.
 */
export const elasticBeanstalkScanner: Scanner = {
  source: 'elastic-beanstalk',
  service: 'elasticbeanstalk',
  // Environments hold groups in option settings, which the resource model does not mark as groups: a place.
  covers: ['AWS::ElasticBeanstalk::ConfigurationTemplate', 'place:elastic-beanstalk-environment-options'],
  actions: ['elasticbeanstalk:DescribeApplications', 'elasticbeanstalk:DescribeEnvironments', 'elasticbeanstalk:DescribeConfigurationSettings'],
  async scan(clients, _region, ctx) {
    const eb = clients.get(ElasticBeanstalkClient);

    const { Applications } = await eb.send(new DescribeApplicationsCommand({}));
    for (const application of Applications ?? []) {
      const applicationName = application.ApplicationName;
      if (!applicationName) continue;
      for (const templateName of application.ConfigurationTemplates ?? []) {
        const out = await eb.send(new DescribeConfigurationSettingsCommand({ ApplicationName: applicationName, TemplateName: templateName }));
        for (const settings of out.ConfigurationSettings ?? []) {
          recordOptions(ctx, settings.OptionSettings ?? [], {
            resourceType: 'Elastic Beanstalk saved configuration',
            resourceId: `${applicationName}/${templateName}`,
            resourceName: templateName,
            detail: `application ${applicationName}`,
          });
        }
      }
    }

    let nextToken: string | undefined;
    do {
      const page = await eb.send(new DescribeEnvironmentsCommand({ IncludeDeleted: false, MaxRecords: PAGE_SIZE, NextToken: nextToken }));
      for (const environment of page.Environments ?? []) {
        const { ApplicationName: applicationName, EnvironmentName: environmentName } = environment;
        if (!applicationName || !environmentName || environment.Status === 'Terminated') continue;
        const out = await eb.send(new DescribeConfigurationSettingsCommand({ ApplicationName: applicationName, EnvironmentName: environmentName }));
        for (const settings of out.ConfigurationSettings ?? []) {
          recordOptions(ctx, settings.OptionSettings ?? [], {
            resourceType: 'Elastic Beanstalk environment',
            resourceId: environment.EnvironmentArn ?? environment.EnvironmentId ?? environmentName,
            resourceName: environmentName,
            detail: [`status ${environment.Status ?? 'unknown'}`, settings.DeploymentStatus && settings.DeploymentStatus !== 'deployed' ? `${settings.DeploymentStatus} configuration` : undefined]
              .filter(Boolean)
              .join(', '),
          });
        }
      }
      nextToken = page.NextToken;
    } while (nextToken);
  },
};
