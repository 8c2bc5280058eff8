import {
  AuthorizeSecurityGroupEgressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateLaunchTemplateCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DescribeAvailabilityZonesCommand,
  DescribeImagesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RunInstancesCommand,
  StopInstancesCommand,
  type Tag,
} from '@aws-sdk/client-ec2';
import { CreateClusterCommand, CreateServiceCommand, ECSClient, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateLoadBalancerCommand as CreateClassicLbCommand, ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { CreateLoadBalancerCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import { deflateRawSync } from 'node:zlib';

/**
 * Seeds an emulated (moto) account region with groups used in many different ways, unused
 * groups and protected groups, and returns what a correct audit must conclude for each.
 * Used by the integration tests and `npm run demo`.
 */

export type Expected = 'in-use' | 'candidate' | 'protected';

export interface SeededGroup {
  groupId: string;
  name: string;
  expected: Expected;
  /** How the group is used or why it is expected so, for test messages and the demo. */
  why: string;
}

export interface SeededRegion {
  region: string;
  vpcId: string;
  groups: SeededGroup[];
}

const ROLE_NAME = 'sg-auditor-demo-lambda';
const client = <C>(Ctor: new (config: { region: string }) => C, region: string): C => new Ctor({ region });

/** A zip archive holding one small index.js (Lambda's CreateFunction wants a zip). */
export function tinyZip(): Uint8Array {
  const name = Buffer.from('index.js');
  const data = Buffer.from('exports.handler = async () => ({ ok: true });\n');
  const compressed = deflateRawSync(data);
  const crc = crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(compressed.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(compressed.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(name.length, 28);
  const centralOffset = local.length + name.length + compressed.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, name, compressed, central, name, end]);
}

function crc32(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

async function lambdaRoleArn(): Promise<string> {
  const iam = client(IAMClient, 'us-east-1');
  try {
    return (await iam.send(new GetRoleCommand({ RoleName: ROLE_NAME }))).Role?.Arn ?? '';
  } catch {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    const out = await iam.send(new CreateRoleCommand({ RoleName: ROLE_NAME, AssumeRolePolicyDocument: policy }));
    return out.Role?.Arn ?? '';
  }
}

/** Seeds one region; the same names are used in every region (the report shows the region). */
/**
 * An ECS service `apps/reports` scaled to 0 in awsvpc mode with this group: no network interface
 * shows the group, only the service's configuration does.
 */
export async function seedScaledToZeroService(ecs: ECSClient, subnets: string[], groupId: string): Promise<void> {
  await ecs.send(new CreateClusterCommand({ clusterName: 'apps' }));
  await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'reports',
      networkMode: 'awsvpc',
      containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/docker/library/busybox', memory: 128 }],
    }),
  );
  await ecs.send(
    new CreateServiceCommand({
      cluster: 'apps',
      serviceName: 'reports',
      taskDefinition: 'reports',
      desiredCount: 0,
      networkConfiguration: { awsvpcConfiguration: { subnets, securityGroups: [groupId] } },
    }),
  );
}

export async function seedRegion(region: string): Promise<SeededRegion> {
  const ec2 = client(EC2Client, region);
  const groups: SeededGroup[] = [];
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc?.VpcId ?? '';
  const zones = (await ec2.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones ?? [];
  const subnets: string[] = [];
  for (const [i, zone] of zones.slice(0, 2).entries()) {
    const out = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.20.${i}.0/24`, AvailabilityZone: zone.ZoneName }));
    subnets.push(out.Subnet?.SubnetId ?? '');
  }
  const imageId = (await ec2.send(new DescribeImagesCommand({}))).Images?.[0]?.ImageId ?? 'ami-12c6146b';

  const make = async (name: string, expected: Expected, why: string, tags: Tag[] = []): Promise<string> => {
    const out = await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: name,
        Description: why.slice(0, 200).replace(/[^a-zA-Z0-9 ._\-:/()#,@[\]+=&;{}!$*]/g, ' '),
        VpcId: vpcId,
        ...(tags.length > 0 ? { TagSpecifications: [{ ResourceType: 'security-group', Tags: tags }] } : {}),
      }),
    );
    const groupId = out.GroupId ?? '';
    groups.push({ groupId, name, expected, why });
    return groupId;
  };

  const web = await make('web', 'in-use', 'a running EC2 instance');
  await ec2.send(new RunInstancesCommand({ ImageId: imageId, MinCount: 1, MaxCount: 1, SubnetId: subnets[0], SecurityGroupIds: [web] }));

  const stopped = await make('batch-worker', 'in-use', 'a stopped EC2 instance');
  const run = await ec2.send(new RunInstancesCommand({ ImageId: imageId, MinCount: 1, MaxCount: 1, SubnetId: subnets[0], SecurityGroupIds: [stopped] }));
  const stoppedId = run.Instances?.[0]?.InstanceId;
  if (stoppedId) await ec2.send(new StopInstancesCommand({ InstanceIds: [stoppedId] }));

  const alb = await make('public-alb', 'in-use', 'an application load balancer');
  await client(ElasticLoadBalancingV2Client, region).send(
    new CreateLoadBalancerCommand({ Name: 'shop-alb', Subnets: subnets, SecurityGroups: [alb], Type: 'application' }),
  );

  const clb = await make('legacy-elb', 'in-use', 'a classic load balancer');
  await client(ElasticLoadBalancingClient, region).send(
    new CreateClassicLbCommand({
      LoadBalancerName: 'legacy-clb',
      Listeners: [{ Protocol: 'HTTP', LoadBalancerPort: 80, InstancePort: 80 }],
      Subnets: subnets,
      SecurityGroups: [clb],
    }),
  );

  const rds = await make('orders-db', 'in-use', 'an RDS database instance');
  await client(RDSClient, region).send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: 'orders',
      DBInstanceClass: 'db.t3.micro',
      Engine: 'postgres',
      AllocatedStorage: 20,
      MasterUsername: 'app',
      MasterUserPassword: 'not-a-secret-123',
      VpcSecurityGroupIds: [rds],
    }),
  );

  const ecsGroup = await make('reports-svc', 'in-use', 'an ECS service scaled to 0');
  await seedScaledToZeroService(client(ECSClient, region), subnets, ecsGroup);

  const fn = await make('billing-fn', 'in-use', 'a Lambda function in the VPC');
  await client(LambdaClient, region).send(
    new CreateFunctionCommand({
      FunctionName: 'billing-sync',
      Runtime: 'nodejs20.x',
      Role: await lambdaRoleArn(),
      Handler: 'index.handler',
      Code: { ZipFile: tinyZip() },
      VpcConfig: { SubnetIds: subnets, SecurityGroupIds: [fn] },
    }),
  );

  const lt = await make('asg-template', 'in-use', 'only a launch template');
  await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'workers',
      LaunchTemplateData: { ImageId: imageId, InstanceType: 't3.micro', SecurityGroupIds: [lt] },
    }),
  );

  const eni = await make('spare-eni', 'in-use', 'only an unattached network interface');
  await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnets[0], Groups: [eni], Description: 'kept for failover' }));

  const vpce = await make('s3-endpoint', 'in-use', 'an interface VPC endpoint');
  await ec2.send(
    new CreateVpcEndpointCommand({
      VpcId: vpcId,
      ServiceName: `com.amazonaws.${region}.ssm`,
      VpcEndpointType: 'Interface',
      SubnetIds: [subnets[0] ?? ''],
      SecurityGroupIds: [vpce],
    }),
  );

  // References: an in-use group's egress keeps its target; an unused pair keeps nothing.
  const app = await make('app', 'in-use', 'a running EC2 instance that talks to cache-clients');
  await ec2.send(new RunInstancesCommand({ ImageId: imageId, MinCount: 1, MaxCount: 1, SubnetId: subnets[1], SecurityGroupIds: [app] }));
  const cacheClients = await make('cache-clients', 'in-use', 'referenced by the egress rule of app (in use)');
  await ec2.send(
    new AuthorizeSecurityGroupEgressCommand({
      GroupId: app,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, UserIdGroupPairs: [{ GroupId: cacheClients }] }],
    }),
  );
  const pairA = await make('old-frontend', 'candidate', 'unused; references old-backend');
  const pairB = await make('old-backend', 'candidate', 'unused; references old-frontend');
  for (const [from, to] of [
    [pairA, pairB],
    [pairB, pairA],
  ] as const) {
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: from,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: to }] }],
      }),
    );
  }
  const unused = await make('launch-wizard-3', 'candidate', 'unused, with an SSH rule open to the world');
  await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: unused,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'ssh from anywhere' }] }],
    }),
  );
  await make('temp-debug', 'candidate', 'unused and without rules');

  await make('break-glass', 'protected', 'tagged DoNotDelete=true', [{ Key: 'DoNotDelete', Value: 'true' }]);
  await make('prod-payments', 'protected', 'name matches prod-*');
  // moto 5.2.1 accepts aws: tags on CreateSecurityGroup (AWS reserves them for CloudFormation).
  await make('shop-stack-web', 'protected', 'managed by CloudFormation stack shop (unused, but delete it through its stack)', [
    { Key: 'aws:cloudformation:stack-name', Value: 'shop' },
    { Key: 'aws:cloudformation:stack-id', Value: `arn:aws:cloudformation:${region}:123456789012:stack/shop/5a1e2b3c-demo` },
  ]);

  const defaults = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: ['default'] }] }));
  const defaultId = defaults.SecurityGroups?.[0]?.GroupId;
  if (defaultId) groups.push({ groupId: defaultId, name: 'default', expected: 'protected', why: "the VPC's default group" });

  return { region, vpcId, groups };
}

/** Sources whose service moto 5.2.1 does not emulate at all: audits of moto skip them. */
export const MOTO_MISSING_SOURCES = [
  'redshift-serverless',
  'apprunner',
  'mwaa',
  'docdb-elastic',
  'msk-connect',
  'vpc-lattice',
  'image-builder',
  'appstream',
  'drs',
  'mgn',
  'codestar-connections',
  'deadline',
  'device-farm',
  'groundstation',
  'm2',
  'msk-cross-vpc',
  'transfer-web-apps',
  'workspaces-web',
  'application-status-checks',
  's3files',
  // moto has no CloudTrail LookupEvents (issue 21's source is tested against a local stub of it)
  'recent-activity',
  // Services moto 5.2.1 does not emulate (HTTP 500/404; Q Business's HTTP/2 client cannot reach
  // its HTTP/1.1 server): their scanners are tested with aws-sdk-client-mock.
  'kendra',
  'qbusiness',
  'omics',
  'bedrock-agentcore',
  'datasync',
  'datazone',
  'lookoutmetrics',
  'opensearch-serverless',
  'grafana',
  'aps-scrapers',
  'iot-topic-rule-destinations',
  'quicksight',
  // moto serves these only in the regions botocore lists for them (HTTP 500 elsewhere, e.g.
  // eu-west-3, sa-east-1, ap-southeast-1), and the tests own regions across the map.
  'comprehend',
  'osis',
  'timestream-influxdb',
  // moto's Resource Groups Tagging API answers GetResources with HTTP 500 on the seeded account
  // (one of its per-service tag readers fails); the source is tested with aws-sdk-client-mock.
  'resource-tags',
] as const;
