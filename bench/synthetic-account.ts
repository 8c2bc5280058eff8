import {
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  type Instance,
  type LaunchTemplate,
  type LaunchTemplateVersion,
  type NetworkInterface,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import {
  DescribeLoadBalancersCommand as DescribeClassicLoadBalancersCommand,
  ElasticLoadBalancingClient,
  type LoadBalancerDescription,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
  type LoadBalancer,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeFileSystemsCommand, DescribeMountTargetsCommand, EFSClient } from '@aws-sdk/client-efs';
import { LambdaClient, ListFunctionsCommand, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { DescribeDBInstancesCommand, RDSClient, type DBInstance } from '@aws-sdk/client-rds';
import { BatchClient, DescribeJobDefinitionsCommand, type JobDefinition } from '@aws-sdk/client-batch';
import { DescribeTaskDefinitionCommand, ECSClient, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { GetJobsCommand, GlueClient, type Job } from '@aws-sdk/client-glue';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient, type ResourceTagMapping } from '@aws-sdk/client-resource-groups-tagging-api';
import { DescribeParametersCommand, GetParametersCommand, SSMClient, type ParameterMetadata } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { nextTurn, paged, type Listing, type PageLedger } from './paged';

export const BENCH_ACCOUNT = '123456789012';
export const BENCH_REGION = 'us-east-1';

/** How many of each resource the synthetic account holds. */
export interface AccountShape {
  groups: number;
  vpcs: number;
  rules: number;
  networkInterfaces: number;
  instances: number;
  launchTemplates: number;
  loadBalancers: number;
  classicLoadBalancers: number;
  dbInstances: number;
  functions: number;
}

/**
 * The free-form stores and definitions the sweep's sources read: a fixed number whatever the group
 * count (a platform team's parameters, tags and definitions grow with its resources, not with its
 * groups), so their calls must stay the same at every size. One parameter in four is a
 * SecureString (counted, never requested); one String value in ten and one tag in twenty name a
 * group, through the sweep.
 */
export const FREE_FORM_STORES = {
  parameters: 400,
  taggedResources: 1000,
  jobDefinitions: 150,
  taskDefinitions: 120,
  glueJobs: 60,
} as const;

/** Resource counts proportional to the group count (the ratios of a large, busy account). */
export function accountShape(groups: number): AccountShape {
  return {
    groups,
    vpcs: Math.max(1, Math.ceil(groups / 2500)),
    rules: groups * 4,
    networkInterfaces: Math.floor(groups * 1.5),
    instances: Math.floor(groups / 2),
    launchTemplates: Math.floor(groups / 10),
    loadBalancers: 3 + Math.floor(groups / 1000),
    classicLoadBalancers: 2,
    dbInstances: Math.max(2, Math.floor(groups / 100)),
    functions: Math.max(4, Math.floor(groups / 50)),
  };
}

/** Ports of the four rules every group has: egress all, 443, 22, then 5432 (a reference) or 80. */
const RULE_PORTS = [-1, 443, 22, 5432] as const;
const hex = (n: number): string => n.toString(16).padStart(17, '0');
const arn = (service: string, resource: string): string => `arn:aws:${service}:${BENCH_REGION}:${BENCH_ACCOUNT}:${resource}`;

/**
 * Item factories for one account shape. Groups are laid out by index: the first half is used by
 * instances, the next 15% by service ENIs (ELB, RDS, Lambda), the next 10% only by launch
 * templates, the last quarter by nothing; some are protected, a third reference another group.
 */
function resources(shape: AccountShape) {
  const n = shape.groups;
  const groupId = (i: number): string => `sg-${hex(i % n)}`;
  const vpcId = (i: number): string => `vpc-${hex(i % shape.vpcs)}`;
  const serviceBase = Math.floor(n * 0.5);
  const serviceSpan = Math.max(1, Math.floor(n * 0.15));
  const templateBase = Math.floor(n * 0.65);
  const instanceGroups = (k: number): string[] => (k % 7 === 0 ? [groupId(k), groupId((k + 1) % Math.max(1, shape.instances))] : [groupId(k)]);

  const securityGroup = (i: number): SecurityGroup => {
    const tags = [{ Key: 'team', Value: `team-${i % 17}` }];
    if (i % 50 === 2) tags.push({ Key: 'DoNotDelete', Value: 'true' });
    if (i % 40 === 3) tags.push({ Key: 'aws:cloudformation:stack-name', Value: `stack-${i}` });
    return {
      GroupId: groupId(i),
      GroupName: i < shape.vpcs ? 'default' : i % 20 === 1 ? `prod-app-${i}` : `app-${i}`,
      Description: `bench group ${i}`,
      VpcId: vpcId(i),
      OwnerId: BENCH_ACCOUNT,
      SecurityGroupArn: arn('ec2', `security-group/${groupId(i)}`),
      Tags: tags,
    };
  };

  // Object literals of one shape per kind: the fixture should cost little next to the audit.
  const rule = (r: number): SecurityGroupRule => {
    const g = Math.floor(r / 4);
    const id = `sgr-${hex(r)}`;
    const kind = r % 4;
    const referenced = kind === 3 && g % 3 === 0;
    const port = kind === 3 && !referenced ? 80 : RULE_PORTS[kind];
    return {
      SecurityGroupRuleId: id,
      GroupId: groupId(g),
      GroupOwnerId: BENCH_ACCOUNT,
      SecurityGroupRuleArn: `arn:aws:ec2:${BENCH_REGION}:${BENCH_ACCOUNT}:security-group-rule/${id}`,
      IsEgress: kind === 0,
      IpProtocol: kind === 0 ? '-1' : 'tcp',
      FromPort: port,
      ToPort: port,
      CidrIpv4: kind === 3 ? undefined : kind === 0 ? '0.0.0.0/0' : kind === 1 ? '10.0.0.0/8' : '10.1.0.0/16',
      CidrIpv6: kind === 3 && !referenced ? '::/0' : undefined,
      ReferencedGroupInfo: referenced ? { GroupId: groupId(g * 7 + 1), UserId: BENCH_ACCOUNT } : undefined,
      Description: kind === 2 ? 'bastion' : undefined,
      Tags: [],
    };
  };

  const instance = (k: number): Instance => ({
    InstanceId: `i-${hex(k)}`,
    InstanceType: 't3.micro',
    State: k % 10 === 9 ? { Code: 80, Name: 'stopped' } : { Code: 16, Name: 'running' },
    VpcId: vpcId(k),
    SecurityGroups: instanceGroups(k).map((GroupId) => ({ GroupId, GroupName: `app-${k}` })),
    NetworkInterfaces: [{ NetworkInterfaceId: `eni-${hex(k)}`, Groups: instanceGroups(k).map((GroupId) => ({ GroupId })) }],
    Tags: [{ Key: 'Name', Value: `worker-${k}` }],
  });

  const serviceKinds = [
    { type: 'lambda', requester: 'AROAEXAMPLE:lambda', description: 'AWS Lambda VPC ENI-fn' },
    { type: 'interface', requester: 'amazon-elb', description: 'ELB app/bench-lb' },
    { type: 'interface', requester: 'amazon-rds', description: 'RDSNetworkInterface' },
    { type: 'vpc_endpoint', requester: 'amazon-vpce', description: 'VPC Endpoint Interface' },
  ] as const;
  const networkInterface = (j: number): NetworkInterface => {
    if (j < shape.instances) {
      return {
        NetworkInterfaceId: `eni-${hex(j)}`,
        InterfaceType: 'interface',
        Status: 'in-use',
        VpcId: vpcId(j),
        OwnerId: BENCH_ACCOUNT,
        RequesterManaged: false,
        Attachment: { InstanceId: `i-${hex(j)}`, InstanceOwnerId: BENCH_ACCOUNT, Status: 'attached' },
        Groups: instanceGroups(j).map((GroupId) => ({ GroupId })),
      };
    }
    const kind = serviceKinds[j % serviceKinds.length] ?? serviceKinds[0];
    const g = serviceBase + ((j - shape.instances) % serviceSpan);
    return {
      NetworkInterfaceId: `eni-${hex(j)}`,
      InterfaceType: kind.type,
      Status: 'in-use',
      VpcId: vpcId(g),
      OwnerId: BENCH_ACCOUNT,
      RequesterManaged: true,
      RequesterId: kind.requester,
      Description: `${kind.description} ${j}`,
      Groups: [{ GroupId: groupId(g), GroupName: `app-${g}` }],
    };
  };

  const templateName = (t: number): string => `lt-bench-${t}`;
  const launchTemplate = (t: number): LaunchTemplate => ({
    LaunchTemplateId: `lt-${hex(t)}`,
    LaunchTemplateName: templateName(t),
    DefaultVersionNumber: 1,
    LatestVersionNumber: 1,
    CreatedBy: arn('iam', 'user/bench').replace(`:${BENCH_REGION}:`, '::'),
  });
  const launchTemplateVersion = (t: number): LaunchTemplateVersion => ({
    LaunchTemplateId: `lt-${hex(t)}`,
    LaunchTemplateName: templateName(t),
    VersionNumber: 1,
    DefaultVersion: true,
    LaunchTemplateData: { ImageId: 'ami-0123456789abcdef0', InstanceType: 't3.small', SecurityGroupIds: [groupId(templateBase + t)] },
  });

  const loadBalancer = (l: number): LoadBalancer => ({
    LoadBalancerArn: arn('elasticloadbalancing', `loadbalancer/app/bench-lb-${l}/${hex(l)}`),
    LoadBalancerName: `bench-lb-${l}`,
    Type: 'application',
    Scheme: 'internet-facing',
    VpcId: vpcId(serviceBase + l),
    State: { Code: 'active' },
    SecurityGroups: [groupId(serviceBase + l)],
  });
  const classicLoadBalancer = (c: number): LoadBalancerDescription => ({
    LoadBalancerName: `bench-classic-${c}`,
    VPCId: vpcId(serviceBase + shape.loadBalancers + c),
    SecurityGroups: [groupId(serviceBase + shape.loadBalancers + c)],
  });
  const dbInstance = (d: number): DBInstance => ({
    DBInstanceIdentifier: `bench-db-${d}`,
    DBInstanceArn: arn('rds', `db:bench-db-${d}`),
    Engine: 'postgres',
    DBInstanceStatus: 'available',
    VpcSecurityGroups: [{ VpcSecurityGroupId: groupId(serviceBase + Math.floor(serviceSpan / 3) + (d % serviceSpan)), Status: 'active' }],
  });
  const lambdaFunction = (f: number): FunctionConfiguration => ({
    FunctionName: `bench-fn-${f}`,
    FunctionArn: arn('lambda', `function:bench-fn-${f}`),
    Version: '$LATEST',
    Runtime: 'nodejs20.x',
    VpcConfig: { SubnetIds: ['subnet-0123456789abcdef0'], SecurityGroupIds: [groupId(serviceBase + Math.floor((2 * serviceSpan) / 3) + (f % serviceSpan))] },
  });

  return {
    securityGroup,
    rule,
    instance,
    networkInterface,
    launchTemplate,
    launchTemplateVersion,
    loadBalancer,
    classicLoadBalancer,
    dbInstance,
    lambdaFunction,
  };
}

/** EC2 style: NextToken in and out, MaxResults up to `max`; no MaxResults returns everything. */
function ec2Listing<T>(name: string, listKey: string, total: number, item: (i: number) => T, max = 1000): Listing<T> {
  return {
    name: `ec2:${name}`,
    listKey,
    total,
    item,
    tokenIn: 'NextToken',
    tokenOut: 'NextToken',
    sizeKey: 'MaxResults',
    maxPage: max,
    defaultPage: max < 1000 ? max : Math.max(total, 1),
  };
}

type Fake = (input: Record<string, unknown>) => Promise<Record<string, unknown>>;
interface LooseStub {
  on(command: unknown): { callsFake(fn: Fake): unknown };
  send: { callsFake(fn: (command: { constructor: { name: string }; input?: unknown }) => unknown): unknown };
  resetHistory(): unknown;
  restore(): void;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyClientClass = new (...args: any[]) => { send: unknown };

/** The SDK client classes loaded in this process: every client the registry's scanners import. */
function loadedClientClasses(): AnyClientClass[] {
  const found = new Set<AnyClientClass>();
  for (const path of Object.keys(require.cache)) {
    if (!/[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-cjs[\\/]index\.js$/.test(path)) continue;
    const exports = (require.cache[path]?.exports ?? {}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(exports)) {
      if (key.endsWith('Client') && !key.startsWith('__') && typeof value === 'function' && 'send' in value.prototype) {
        found.add(value as AnyClientClass);
      }
    }
  }
  return [...found];
}

export interface SyntheticAccount {
  shape: AccountShape;
  /** Clears the mocks' call history (sinon keeps every response; the bench must not measure that). */
  forgetCalls(): void;
  restore(): void;
}

/**
 * Mocks every loaded SDK client so that one region looks like an account with `groups` security
 * groups: EC2, ELB, RDS and Lambda listings are populated and paginated like the real APIs; every
 * other command of every client answers an empty page, which ends any paginator.
 */
export function mockSyntheticAccount(groups: number, ledger: PageLedger): SyntheticAccount {
  const shape = accountShape(groups);
  const r = resources(shape);
  const stubs = new Map<AnyClientClass, LooseStub>();
  const stubFor = (ctor: AnyClientClass): LooseStub => {
    let stub = stubs.get(ctor);
    if (!stub) {
      stub = mockClient(ctor as unknown as typeof EC2Client) as unknown as LooseStub;
      // Every command not populated below: an empty page, which ends any paginator.
      stub.send.callsFake(async (command) => {
        ledger.called(command.constructor.name.replace(/Command$/, ''), command.input, ctor.name);
        await nextTurn();
        return {};
      });
      stubs.set(ctor, stub);
    }
    return stub;
  };
  for (const ctor of [EC2Client, SSMClient, ElasticLoadBalancingV2Client, ElasticLoadBalancingClient, RDSClient, LambdaClient, EFSClient, ResourceGroupsTaggingAPIClient, BatchClient, ECSClient, GlueClient, ...loadedClientClasses()]) {
    stubFor(ctor);
  }

  let forgetting = false;
  const forgetCalls = (): void => {
    for (const stub of stubs.values()) stub.resetHistory();
  };
  const fake =
    (listing: Fake): Fake =>
    (input) => {
      if (!forgetting) {
        forgetting = true;
        setImmediate(() => {
          forgetting = false;
          forgetCalls();
        });
      }
      return listing(input);
    };

  const ec2 = stubFor(EC2Client);
  ec2.on(DescribeSecurityGroupsCommand).callsFake(fake(paged(ledger, ec2Listing('DescribeSecurityGroups', 'SecurityGroups', shape.groups, r.securityGroup))));
  // The inventory asks for rules by group-id chunks (up to 200 values, as EC2 allows): each
  // chunk pages the rules of its groups, 4 a group, as the API would.
  const allRules = paged(ledger, ec2Listing('DescribeSecurityGroupRules', 'SecurityGroupRules', shape.rules, r.rule));
  const rulesOf = (input: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const filter = (input.Filters as Array<{ Name?: string; Values?: string[] }> | undefined)?.find((f) => f.Name === 'group-id');
    if (!filter) return allRules(input);
    const groups = (filter.Values ?? []).map((v) => parseInt(v.slice(3), 16)).filter((i) => Number.isInteger(i) && i < shape.groups);
    const listing = ec2Listing('DescribeSecurityGroupRules', 'SecurityGroupRules', groups.length * 4, (j) => r.rule(4 * (groups[Math.floor(j / 4)] as number) + (j % 4)));
    return paged(ledger, listing, ['Filter group-id'])(input);
  };
  ec2.on(DescribeSecurityGroupRulesCommand).callsFake(fake(rulesOf));
  // The interface listing asks by group-id chunks too: each chunk pages the interfaces that carry
  // any of its groups (an interface with two groups matches both of their chunks), as EC2 would.
  const allInterfaces = paged(ledger, ec2Listing('DescribeNetworkInterfaces', 'NetworkInterfaces', shape.networkInterfaces, r.networkInterface));
  let interfacesByGroup: Map<string, number[]> | undefined;
  const interfacesOf = (input: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const filter = (input.Filters as Array<{ Name?: string; Values?: string[] }> | undefined)?.find((f) => f.Name === 'group-id');
    if (!filter) return allInterfaces(input);
    if (!interfacesByGroup) {
      interfacesByGroup = new Map();
      for (let j = 0; j < shape.networkInterfaces; j++) {
        for (const g of r.networkInterface(j).Groups ?? []) {
          const list = interfacesByGroup.get(g.GroupId ?? '') ?? [];
          list.push(j);
          interfacesByGroup.set(g.GroupId ?? '', list);
        }
      }
    }
    const matched = [...new Set((filter.Values ?? []).flatMap((v) => interfacesByGroup?.get(v) ?? []))].sort((a, b) => a - b);
    const listing = ec2Listing('DescribeNetworkInterfaces', 'NetworkInterfaces', matched.length, (j) => r.networkInterface(matched[j] as number));
    return paged(ledger, listing, ['Filter group-id'])(input);
  };
  ec2.on(DescribeNetworkInterfacesCommand).callsFake(fake(interfacesOf));
  ec2.on(DescribeInstancesCommand).callsFake(
    fake(
      paged(ledger, {
        ...ec2Listing('DescribeInstances', 'Reservations', shape.instances, r.instance),
        body: (instances) => ({ Reservations: instances.map((i) => ({ ReservationId: `r-${i.InstanceId?.slice(2)}`, OwnerId: BENCH_ACCOUNT, Instances: [i] })) }),
      }),
    ),
  );
  ec2.on(DescribeLaunchTemplatesCommand).callsFake(fake(paged(ledger, ec2Listing('DescribeLaunchTemplates', 'LaunchTemplates', shape.launchTemplates, r.launchTemplate, 200))));
  const allVersions = paged(ledger, ec2Listing('DescribeLaunchTemplateVersions', 'LaunchTemplateVersions', shape.launchTemplates, r.launchTemplateVersion, 200));
  ec2.on(DescribeLaunchTemplateVersionsCommand).callsFake(
    fake(async (input) => {
      const id = input.LaunchTemplateId ?? input.LaunchTemplateName;
      if (typeof id !== 'string') return allVersions(input);
      // One template's versions: a per-resource call, needed only for pinned version numbers.
      const pages = ledger.called('DescribeLaunchTemplateVersions', input, 'EC2Client');
      pages.listingCalls += 1;
      const note = 'ec2:DescribeLaunchTemplateVersions {LaunchTemplateId}';
      if (!pages.perResource.includes(note)) pages.perResource.push(note);
      const t = Number.parseInt(id.replace(/^lt-(bench-)?/, ''), id.startsWith('lt-bench-') ? 10 : 16);
      return { LaunchTemplateVersions: Number.isInteger(t) && t < shape.launchTemplates ? [r.launchTemplateVersion(t)] : [] };
    }),
  );

  const pageOf = { tokenIn: 'Marker', sizeKey: 'PageSize', maxPage: 400, defaultPage: 400 };
  stubFor(ElasticLoadBalancingV2Client)
    .on(DescribeLoadBalancersCommand)
    .callsFake(fake(paged(ledger, { ...pageOf, name: 'elasticloadbalancing:DescribeLoadBalancers (v2)', listKey: 'LoadBalancers', tokenOut: 'NextMarker', total: shape.loadBalancers, item: r.loadBalancer })));
  stubFor(ElasticLoadBalancingClient)
    .on(DescribeClassicLoadBalancersCommand)
    .callsFake(
      fake(paged(ledger, { ...pageOf, name: 'elasticloadbalancing:DescribeLoadBalancers (classic)', listKey: 'LoadBalancerDescriptions', tokenOut: 'NextMarker', total: shape.classicLoadBalancers, item: r.classicLoadBalancer })),
    );
  stubFor(RDSClient)
    .on(DescribeDBInstancesCommand)
    .callsFake(
      fake(paged(ledger, { name: 'rds:DescribeDBInstances', listKey: 'DBInstances', total: shape.dbInstances, item: r.dbInstance, tokenIn: 'Marker', tokenOut: 'Marker', sizeKey: 'MaxRecords', maxPage: 100, defaultPage: 100 })),
    );
  stubFor(LambdaClient)
    .on(ListFunctionsCommand)
    .callsFake(
      fake(paged(ledger, { name: 'lambda:ListFunctions', listKey: 'Functions', total: shape.functions, item: r.lambdaFunction, tokenIn: 'Marker', tokenOut: 'NextMarker', sizeKey: 'MaxItems', maxPage: 50, defaultPage: 50 })),
    );

  // The sweep's free-form stores (FREE_FORM_STORES), populated and paged like the real APIs.
  const stores = FREE_FORM_STORES;
  const bareGroupId = (i: number): string => `sg-${i.toString(16).padStart(17, '0')}`;
  const parameter = (i: number): ParameterMetadata => ({ Name: `/platform/param-${i}`, Type: i % 4 === 3 ? 'SecureString' : 'String' });
  stubFor(SSMClient)
    .on(DescribeParametersCommand)
    .callsFake(fake(paged(ledger, { name: 'ssm:DescribeParameters', listKey: 'Parameters', total: stores.parameters, item: parameter, tokenIn: 'NextToken', tokenOut: 'NextToken', sizeKey: 'MaxResults', maxPage: 50, defaultPage: 10 })));
  stubFor(SSMClient)
    .on(GetParametersCommand)
    .callsFake(
      fake(async (input) => {
        await nextTurn();
        // At most 10 names a call (the API's limit): calls = String parameters / 10, whatever the group count.
        ledger.called('GetParameters', input, 'SSMClient');
        const names = Array.isArray(input.Names) ? (input.Names as string[]) : [];
        return {
          Parameters: names.map((Name) => {
            const i = Number(Name.slice(Name.lastIndexOf('-') + 1));
            return { Name, Type: 'String', ARN: `arn:aws:ssm:${BENCH_REGION}:${BENCH_ACCOUNT}:parameter${Name}`, Value: i % 10 === 0 ? bareGroupId(i % shape.groups) : `value-${i}` };
          }),
          InvalidParameters: [],
        };
      }),
    );
  const tagged = (i: number): ResourceTagMapping => ({
    ResourceARN: `arn:aws:s3:::bench-bucket-${i}`,
    Tags: [
      { Key: 'team', Value: `team-${i % 7}` },
      ...(i % 20 === 0 ? [{ Key: 'allowed-from', Value: bareGroupId(i % shape.groups) }] : []),
    ],
  });
  stubFor(ResourceGroupsTaggingAPIClient)
    .on(GetResourcesCommand)
    .callsFake(
      fake(
        paged(ledger, { name: 'tag:GetResources', listKey: 'ResourceTagMappingList', total: stores.taggedResources, item: tagged, tokenIn: 'PaginationToken', tokenOut: 'PaginationToken', sizeKey: 'ResourcesPerPage', maxPage: 100, defaultPage: 50 }),
      ),
    );
  const jobDefinition = (i: number): JobDefinition => ({
    jobDefinitionName: `job-${i}`,
    jobDefinitionArn: `arn:aws:batch:${BENCH_REGION}:${BENCH_ACCOUNT}:job-definition/job-${i}:1`,
    revision: 1,
    type: 'container',
    status: 'ACTIVE',
    containerProperties: { image: 'busybox', environment: [{ name: 'MODE', value: 'batch' }] },
  });
  stubFor(BatchClient)
    .on(DescribeJobDefinitionsCommand)
    .callsFake(
      fake(paged(ledger, { name: 'batch:DescribeJobDefinitions', listKey: 'jobDefinitions', total: stores.jobDefinitions, item: jobDefinition, tokenIn: 'nextToken', tokenOut: 'nextToken', sizeKey: 'maxResults', maxPage: 100, defaultPage: 100 }, ['jobDefinitionName'])),
    );
  const taskDefinitionArn = (i: number): string => `arn:aws:ecs:${BENCH_REGION}:${BENCH_ACCOUNT}:task-definition/app-${i}:1`;
  stubFor(ECSClient)
    .on(ListTaskDefinitionsCommand)
    .callsFake(
      fake(paged(ledger, { name: 'ecs:ListTaskDefinitions', listKey: 'taskDefinitionArns', total: stores.taskDefinitions, item: taskDefinitionArn, tokenIn: 'nextToken', tokenOut: 'nextToken', sizeKey: 'maxResults', maxPage: 100, defaultPage: 100 })),
    );
  stubFor(ECSClient)
    .on(DescribeTaskDefinitionCommand)
    .callsFake(
      fake(async (input) => {
        await nextTurn();
        // One call per active revision: ECS has no bulk describe. Grows with revisions, never with groups.
        ledger.called('DescribeTaskDefinition', input, 'ECSClient');
        const arn = String(input.taskDefinition);
        return { taskDefinition: { taskDefinitionArn: arn, family: arn.split('/')[1]?.split(':')[0], revision: 1, status: 'ACTIVE', containerDefinitions: [{ name: 'app', environment: [{ name: 'PORT', value: '8080' }] }] }, tags: [] };
      }),
    );
  const glueJob = (i: number): Job => ({ Name: `etl-${i}`, Command: { Name: 'glueetl' }, DefaultArguments: { '--job-language': 'python', '--stage': `s${i % 3}` } });
  stubFor(GlueClient)
    .on(GetJobsCommand)
    .callsFake(fake(paged(ledger, { name: 'glue:GetJobs', listKey: 'Jobs', total: stores.glueJobs, item: glueJob, tokenIn: 'NextToken', tokenOut: 'NextToken', sizeKey: 'MaxResults', maxPage: 1000, defaultPage: 100 })));

  // One EFS file system with two mount targets on interfaces of the ENI listing, so that efs
  // reads the interface listing it shares with network-interfaces.
  const efs = stubFor(EFSClient);
  efs.on(DescribeFileSystemsCommand).callsFake(
    fake(async (input) => {
      await nextTurn();
      ledger.called('DescribeFileSystems', input, 'EFSClient');
      return { FileSystems: [{ FileSystemId: 'fs-bench', Name: 'bench-home', NumberOfMountTargets: 2, LifeCycleState: 'available' }] };
    }),
  );
  efs.on(DescribeMountTargetsCommand).callsFake(
    fake(async (input) => {
      await nextTurn();
      ledger.called('DescribeMountTargets', input, 'EFSClient');
      const eni = (k: number): string => `eni-${(shape.instances + k).toString(16).padStart(17, '0')}`;
      return {
        MountTargets: [0, 1].map((k) => ({ MountTargetId: `fsmt-bench-${k}`, FileSystemId: 'fs-bench', LifeCycleState: 'available', NetworkInterfaceId: eni(k) })),
      };
    }),
  );

  return {
    shape,
    forgetCalls,
    restore() {
      for (const stub of stubs.values()) stub.restore();
      stubs.clear();
    },
  };
}
