import { networkInterfacesScanner } from './network-interfaces';
import { ec2InstancesScanner } from './ec2-instances';
import { launchTemplatesScanner } from './launch-templates';
import { launchConfigurationsScanner } from './launch-configurations';
import { spotFleetsScanner } from './spot-fleets';
import { elbv2Scanner } from './elbv2';
import { classicElbScanner } from './classic-elb';
import { rdsScanner } from './rds';
import { ecsServicesScanner } from './ecs-services';
import { ecsScheduledTasksScanner } from './ecs-scheduled-tasks';
import { lambdaScanner } from './lambda';
import { eksScanner } from './eks';
import { elasticacheScanner } from './elasticache';
import { redshiftScanner } from './redshift';
import { redshiftServerlessScanner } from './redshift-serverless';
import { opensearchScanner } from './opensearch';
import { mskScanner } from './msk';
import { mqScanner } from './mq';
import { efsScanner } from './efs';
import { vpcEndpointsScanner } from './vpc-endpoints';
import { batchScanner } from './batch';
import { emrScanner } from './emr';
import { sagemakerScanner } from './sagemaker';
import { codebuildScanner } from './codebuild';
import { glueScanner } from './glue';
import { dmsScanner } from './dms';
import { apprunnerScanner } from './apprunner';
import { route53ResolverScanner } from './route53-resolver';
import { clientVpnScanner } from './client-vpn';
import { directoryServiceScanner } from './directory-service';
import { mwaaScanner } from './mwaa';
import { transferScanner } from './transfer';
import { apigatewayVpcLinksScanner } from './apigateway-vpc-links';
import { memorydbScanner } from './memorydb';
import { daxScanner } from './dax';
import { sgRuleReferencesScanner } from './sg-rule-references';
import { peeredReferencesScanner } from './peered-references';
import { cloudtrailAgeScanner } from './cloudtrail-age';
import { vpcAssociationsScanner } from './vpc-associations';
import { spotInstanceRequestsScanner } from './spot-instance-requests';
import { instanceConnectEndpointsScanner } from './instance-connect-endpoints';
import { verifiedAccessScanner } from './verified-access';
import { eventbridgePipesScanner } from './eventbridge-pipes';
import { docdbElasticScanner } from './docdb-elastic';
import { mskConnectScanner } from './msk-connect';
import { emrServerlessScanner } from './emr-serverless';
import { vpcLatticeScanner } from './vpc-lattice';
import { workspacesScanner } from './workspaces';
import { ramSharesScanner } from './ram-shares';
import { stepFunctionsScanner } from './step-functions';
import { cloudformationParametersScanner } from './cloudformation-parameters';
import { imageBuilderScanner } from './image-builder';
import { lambdaEventSourceMappingsScanner } from './lambda-event-source-mappings';
import { appstreamScanner } from './appstream';
import { managedFlinkScanner } from './managed-flink';
import { drsScanner } from './drs';
import { mgnScanner } from './mgn';
import { codestarConnectionsScanner } from './codestar-connections';
import { deadlineScanner } from './deadline';
import { deviceFarmScanner } from './device-farm';
import { elasticBeanstalkScanner } from './elastic-beanstalk';
import { groundstationScanner } from './groundstation';
import { m2Scanner } from './m2';
import { mskCrossVpcScanner } from './msk-cross-vpc';
import { mediaconnectScanner } from './mediaconnect';
import { medialiveScanner } from './medialive';
import { transferWebAppsScanner } from './transfer-web-apps';
import { workspacesWebScanner } from './workspaces-web';
import { applicationStatusChecksScanner } from './application-status-checks';
import { s3filesScanner } from './s3files';
import { kendraScanner } from './kendra';
import { qbusinessScanner } from './qbusiness';
import { comprehendScanner } from './comprehend';
import { omicsScanner } from './omics';
import { bedrockAgentCoreScanner } from './bedrock-agentcore';
import { emrContainersScanner } from './emr-containers';
import { datasyncScanner } from './datasync';
import { datazoneScanner } from './datazone';
import { lookoutmetricsScanner } from './lookoutmetrics';
import { firehoseScanner } from './firehose';
import { osisScanner } from './osis';
import { opensearchServerlessScanner } from './opensearch-serverless';
import { syntheticsScanner } from './synthetics';
import { grafanaScanner } from './grafana';
import { apsScrapersScanner } from './aps-scrapers';
import { iotTopicRuleDestinationsScanner } from './iot-topic-rule-destinations';
import { timestreamInfluxdbScanner } from './timestream-influxdb';
import { quicksightScanner } from './quicksight';
import { ssmParametersScanner } from './ssm-parameters';
import { resourceTagsScanner } from './resource-tags';
import { batchJobDefinitionsScanner } from './batch-job-definitions';
import { ecsTaskDefinitionsScanner } from './ecs-task-definitions';
import { glueJobsScanner } from './glue-jobs';
// issue 21: activity in the idle window
import { recentActivityScanner } from './recent-activity';
import type { Scanner } from './types';

/** Every usage source, in report order (DESIGN.md source ids). Adding a source is adding one file and one line here. */
export const SCANNERS: readonly Scanner[] = [
  networkInterfacesScanner,
  ec2InstancesScanner,
  launchTemplatesScanner,
  launchConfigurationsScanner,
  spotFleetsScanner,
  elbv2Scanner,
  classicElbScanner,
  rdsScanner,
  ecsServicesScanner,
  ecsScheduledTasksScanner,
  lambdaScanner,
  eksScanner,
  elasticacheScanner,
  redshiftScanner,
  redshiftServerlessScanner,
  opensearchScanner,
  mskScanner,
  mqScanner,
  efsScanner,
  vpcEndpointsScanner,
  batchScanner,
  emrScanner,
  sagemakerScanner,
  codebuildScanner,
  glueScanner,
  dmsScanner,
  apprunnerScanner,
  route53ResolverScanner,
  clientVpnScanner,
  directoryServiceScanner,
  mwaaScanner,
  transferScanner,
  apigatewayVpcLinksScanner,
  memorydbScanner,
  daxScanner,
  sgRuleReferencesScanner,
  peeredReferencesScanner,
  cloudtrailAgeScanner,
  vpcAssociationsScanner,
  spotInstanceRequestsScanner,
  instanceConnectEndpointsScanner,
  verifiedAccessScanner,
  eventbridgePipesScanner,
  docdbElasticScanner,
  mskConnectScanner,
  emrServerlessScanner,
  vpcLatticeScanner,
  workspacesScanner,
  ramSharesScanner,
  stepFunctionsScanner,
  cloudformationParametersScanner,
  imageBuilderScanner,
  lambdaEventSourceMappingsScanner,
  appstreamScanner,
  managedFlinkScanner,
  drsScanner,
  mgnScanner,
  codestarConnectionsScanner,
  deadlineScanner,
  deviceFarmScanner,
  elasticBeanstalkScanner,
  groundstationScanner,
  m2Scanner,
  mskCrossVpcScanner,
  mediaconnectScanner,
  medialiveScanner,
  transferWebAppsScanner,
  workspacesWebScanner,
  applicationStatusChecksScanner,
  s3filesScanner,
  kendraScanner,
  qbusinessScanner,
  comprehendScanner,
  omicsScanner,
  bedrockAgentCoreScanner,
  emrContainersScanner,
  datasyncScanner,
  datazoneScanner,
  lookoutmetricsScanner,
  firehoseScanner,
  osisScanner,
  opensearchServerlessScanner,
  syntheticsScanner,
  grafanaScanner,
  apsScrapersScanner,
  iotTopicRuleDestinationsScanner,
  timestreamInfluxdbScanner,
  quicksightScanner,
  ssmParametersScanner,
  resourceTagsScanner,
  batchJobDefinitionsScanner,
  ecsTaskDefinitionsScanner,
  glueJobsScanner,
  // issue 21: activity in the idle window
  recentActivityScanner,
];

/** The union of every scanner's IAM actions (the stack grants exactly these). */
export function scannerActions(scanners: readonly Scanner[] = SCANNERS): string[] {
  return [...new Set(scanners.flatMap((s) => s.actions))].sort();
}
