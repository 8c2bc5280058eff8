import { Template } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { App } from 'aws-cdk-lib';
import { buildApp } from '../../infra/build-app';
import { WORKER_ROLE_NAMES, WORKER_ROLE_PATH, type SgAuditorMemberStack } from '../../infra/member-stack';
import { definitionsOf } from '../../infra/local-asl';
import { auditReadActions } from '../../infra/permissions';
import type { SgAuditorStack } from '../../infra/sg-auditor-stack';
import { ORG_TUNING } from '../../lambda/core/org';
import { actionsOf, EMAIL, logicalId, policyDocuments, roleStatements, type Json, type Statement } from './infra-fixture';

// One synth for the whole file: organization mode with a StackSet target and a digest.
const OUS = ['ou-ab12-cdef3456', 'ou-ab12-ghij7890'];
let app: App;
let stack: SgAuditorStack;
let member: SgAuditorMemberStack;
let resources: Record<string, { Type: string; Properties?: Json }>;
let memberResources: Record<string, { Type: string; Properties?: Json }>;
let states: Record<string, Json>;

beforeAll(() => {
  const built = buildApp({
    context: {
      notificationEmail: EMAIL,
      organization: 'true',
      organizationId: 'o-a1b2c3d4e5',
      memberStackSetTargets: OUS.join(','),
      maxConcurrency: '60',
      emailPerAccount: 'false',
    },
    code: () => Code.fromInline('exports.handler = async () => undefined;'),
  });
  app = built.app;
  stack = built.stack;
  if (!built.member) throw new Error('no member stack in organization mode');
  member = built.member;
  const template = Template.fromStack(stack).toJSON() as Json;
  resources = template.Resources as typeof resources;
  memberResources = (Template.fromStack(member).toJSON() as Json).Resources as typeof memberResources;
  states = definitionsOf(stack, template).orgAudit?.States as Record<string, Json>;
}, 120_000);

const ofType = (all: typeof resources, type: string) => Object.entries(all).filter(([, r]) => r.Type === type);

describe('the audit state machine (organization=true)', () => {
  it('audits the (account, region) items from S3 in a Distributed Map, batched, bounded, tolerating every failure', () => {
    // Act
    const map = states.AuditRegions as Json;

    // Assess
    expect(map).toMatchObject({
      Type: 'Map',
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'AuditItems' },
      ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { 'Bucket.$': '$.bucket', 'Key.$': '$.itemsKey' } },
      ItemSelector: { 'item.$': '$$.Map.Item.Value' },
      ItemBatcher: { MaxItemsPerBatch: ORG_TUNING.itemsPerBatch, BatchInput: { 'auditId.$': '$.auditId' } },
      MaxConcurrency: 60,
      ToleratedFailurePercentage: 100,
      ResultPath: null,
    });
  });

  it('assembles each account in a second Distributed Map whose ItemSelector passes the audit id and start time', () => {
    // Act
    const map = states.AssembleAccounts as Json;

    // Assess
    expect(map).toMatchObject({
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, StartAt: 'AssembleAccount' },
      ItemReader: { Parameters: { 'Bucket.$': '$.bucket', 'Key.$': '$.accountsKey' } },
      ItemSelector: { 'auditId.$': '$.auditId', 'startedAt.$': '$.startedAt', 'account.$': '$$.Map.Item.Value' },
      MaxConcurrency: ORG_TUNING.assembleConcurrency,
      ToleratedFailurePercentage: 100,
    });
  });

  it('retries Lambda throttling on every task and sends every failure path to the failure email', () => {
    // Act
    const tasks = ['Plan', 'Summarize'].map((name) => states[name] as { Retry: Array<{ ErrorEquals: string[] }>; Catch: Array<{ Next: string }> });
    const items = ((states.AuditRegions as Json).ItemProcessor as { States: Record<string, { Retry: Array<{ ErrorEquals: string[] }> }> }).States.AuditItems;

    // Assess
    for (const task of [...tasks, items]) expect(task?.Retry[0]?.ErrorEquals).toContain('Lambda.TooManyRequestsException');
    for (const task of tasks) expect(task.Catch[0]?.Next).toBe('ReportFailure');
    expect((states.AuditRegions as { Catch: Array<{ Next: string }> }).Catch[0]?.Next).toBe('ReportFailure');
  });

  it('lets its ItemReaders read only the org work files of the artifact bucket', () => {
    // Act
    const statements = roleStatements(resources as never, logicalId(stack, stack.orgAudit?.stateMachine.role ?? { node: {} }));
    const reads = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));

    // Assess
    expect(reads).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalId(stack, stack.bucket), 'Arn'] }, '/audits/_org/*']] } }),
    ]);
  });

  it('is started by the schedule', () => {
    // Act
    const [, rule] = ofType(resources, 'AWS::Events::Rule').find(([, r]) => r.Properties?.ScheduleExpression) ?? [];

    // Assess
    expect(rule?.Properties?.ScheduleExpression).toBe('cron(0 2 1 * ? *)');
    expect(JSON.stringify(rule?.Properties?.Targets)).toContain(logicalId(stack, stack.orgAudit?.stateMachine ?? { node: {} }));
  });

  it('passes the organization settings to the task Lambdas', () => {
    // Act
    const plan = resources[logicalId(stack, stack.orgAudit?.functions.plan.function ?? { node: {} })];

    // Assess
    expect((plan?.Properties?.Environment as { Variables: Json }).Variables).toMatchObject({
      ACCOUNTS: 'all',
      MEMBER_ROLE_NAME: 'sg-auditor-member',
      EMAIL_PER_ACCOUNT: 'false',
    });
  });

  it('puts only the worker roles that assume member roles on the trusted path', () => {
    // Act
    const paths = Object.fromEntries(
      Object.entries(stack.orgAudit?.functions ?? {}).map(([name, fn]) => [name, resources[logicalId(stack, fn.role)]?.Properties?.Path]),
    );

    // Assess
    expect(paths).toEqual({ plan: WORKER_ROLE_PATH, regionItems: WORKER_ROLE_PATH, assemble: undefined, notify: undefined });
  });
});

describe('the deletion workflow (organization=true)', () => {
  const assumers = (fns: Record<string, { role: { node: { defaultChild?: unknown } } }>) =>
    Object.fromEntries(
      Object.entries(fns).map(([name, fn]) => {
        const roleId = logicalId(stack, fn.role);
        const assume = roleStatements(resources as never, roleId).filter((s) => actionsOf(s).some((a) => a.startsWith('sts:')));
        return [name, { path: resources[roleId]?.Properties?.Path, assume }];
      }),
    );

  it('lets the keep tagging and the re-audit assume only the member reader and the batch only the member deleter, from the named worker roles', () => {
    // Act
    const tasks = assumers(stack.deletion.functions);
    const names = Object.fromEntries(Object.entries(stack.deletion.functions).map(([name, fn]) => [name, resources[logicalId(stack, fn.role)]?.Properties?.RoleName]));

    // Assess
    const assume = (role: string) => [
      { Sid: 'AssumeMemberRole', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::*:role/${role}`]] } },
    ];
    expect(tasks).toEqual({
      started: { path: undefined, assume: [] },
      keep: { path: WORKER_ROLE_PATH, assume: assume('sg-auditor-member-reader') },
      reaudit: { path: WORKER_ROLE_PATH, assume: assume('sg-auditor-member-reader') },
      backup: { path: undefined, assume: [] },
      batch: { path: WORKER_ROLE_PATH, assume: assume('sg-auditor-member-deleter') },
      finish: { path: undefined, assume: [] },
      abort: { path: undefined, assume: [] },
    });
    expect(names).toMatchObject({ keep: WORKER_ROLE_NAMES.keep, reaudit: WORKER_ROLE_NAMES.reaudit, batch: WORKER_ROLE_NAMES.batch, started: undefined });
  });

  it('tells the tasks and the approval front that links and deletions may be for member accounts', () => {
    // Act
    const env = (fn: { node: { defaultChild?: unknown } }) => (resources[logicalId(stack, fn)]?.Properties?.Environment as { Variables: Json }).Variables;

    // Assess
    expect(env(stack.deletion.functions.batch.function)).toMatchObject({ ORGANIZATION: 'true', MEMBER_ROLE_NAME: 'sg-auditor-member' });
    expect(env(stack.approve.function)).toMatchObject({ ORGANIZATION: 'true' });
  });
});

describe('the member roles', () => {
  const role = (name: string) => Object.entries(memberResources).find(([, r]) => r.Type === 'AWS::IAM::Role' && r.Properties?.RoleName === name);
  const statementsOf = (name: string) => {
    const [id] = role(name) ?? [];
    return Object.values(memberResources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles).includes(`"${id}"`))
      .flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
  };
  const policies = () => Object.values(memberResources).filter((r) => r.Type === 'AWS::IAM::Policy');
  const workerArn = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AuditorAccountId' }, `:role${WORKER_ROLE_PATH}${name}`]] });

  it.each([
    ['sg-auditor-member-reader', [WORKER_ROLE_NAMES.plan, WORKER_ROLE_NAMES.regionItems, WORKER_ROLE_NAMES.keep, WORKER_ROLE_NAMES.reaudit]],
    ['sg-auditor-member-deleter', [WORKER_ROLE_NAMES.batch]],
  ])('%s trusts exactly the named worker roles of the auditor account, inside the organization', (name, workers) => {
    // Act
    const trust = (role(name)?.[1].Properties?.AssumeRolePolicyDocument as { Statement: Statement[] }).Statement;

    // Assess
    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AuditorAccountId' }, ':root']] } },
        Condition: {
          ArnEquals: { 'aws:PrincipalArn': workers.map(workerArn) },
          StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } },
        },
      },
    ]);
  });

  it('gives the reader every read action the scanners declare and no deletion, and no wildcard action anywhere', () => {
    // Act
    const reader = [...new Set(statementsOf('sg-auditor-member-reader').filter((s) => s.Effect === 'Allow').flatMap(actionsOf))];
    const allowed = [...new Set(policies().flatMap((p) => (p.Properties?.PolicyDocument as { Statement: Statement[] }).Statement).filter((s) => s.Effect === 'Allow').flatMap(actionsOf))];

    // Assess
    expect(reader).toEqual(expect.arrayContaining(auditReadActions()));
    expect(reader.filter((a) => /Delete|Revoke/.test(a))).toEqual([]);
    expect(allowed.filter((a) => a.includes('*'))).toEqual([]);
  });

  it('gives the deleter only deletion, revocation and the describe a resumed batch needs, in the configured regions', () => {
    // Act
    const deleter = statementsOf('sg-auditor-member-deleter');
    const allowed = [...new Set(deleter.filter((s) => s.Effect === 'Allow').flatMap(actionsOf))].sort();

    // Assess
    // Re-check (interfaces, instances) and re-adding revoked cycle rules to a group then not deleted, as the home batch does.
    expect(allowed).toEqual([
      'ec2:AuthorizeSecurityGroupEgress',
      'ec2:AuthorizeSecurityGroupIngress',
      'ec2:DeleteSecurityGroup',
      'ec2:DescribeInstances',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeSecurityGroups',
      'ec2:RevokeSecurityGroupEgress',
      'ec2:RevokeSecurityGroupIngress',
    ]);
    expect(deleter.filter((s) => s.Effect === 'Deny').map((s) => s.Sid)).toEqual([
      'DenyDeletingProductionSecurityGroups',
      'DenyDeletingProtectedSecurityGroups',
      'DenyDeletingStackManagedSecurityGroups',
    ]);
  });

  it('deletes only as the auditor account does: not production-tagged, never the protection tag', () => {
    // Act
    const statements = statementsOf('sg-auditor-member-deleter');

    // Assess
    expect(statements.find((s) => s.Sid === 'DeleteUnprotectedSecurityGroups')?.Condition).toBeDefined();
    expect(statements.find((s) => s.Sid === 'DenyDeletingProtectedSecurityGroups')).toMatchObject({ Effect: 'Deny' });
  });

  it('lets the reader tag security groups only with the two keep keys', () => {
    // Act
    const statements = statementsOf('sg-auditor-member-reader');
    const tagging = statements.filter((s) => actionsOf(s).includes('ec2:CreateTags'));

    // Assess
    expect(tagging).toHaveLength(1);
    expect(tagging[0]?.Condition?.['ForAllValues:StringEquals']).toEqual({ 'aws:TagKeys': ['sg-auditor:kept-until', 'sg-auditor:kept-reason'] });
  });

  it('is offered as a service-managed StackSet auto-deployed to the target OUs, with the auditor account and organization as parameters', () => {
    // Act
    const [, stackSet] = ofType(resources, 'AWS::CloudFormation::StackSet')[0] ?? [];
    const props = stackSet?.Properties ?? {};
    const body = JSON.parse(props.TemplateBody as string) as { Resources: Record<string, { Type: string; Properties: Json }>; Parameters: Json };

    // Assess
    expect(props).toMatchObject({
      PermissionModel: 'SERVICE_MANAGED',
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      CallAs: 'DELEGATED_ADMIN',
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      StackInstancesGroup: [{ DeploymentTargets: { OrganizationalUnitIds: OUS } }],
      Parameters: [
        { ParameterKey: 'AuditorAccountId', ParameterValue: { Ref: 'AWS::AccountId' } },
        { ParameterKey: 'OrganizationId', ParameterValue: 'o-a1b2c3d4e5' },
      ],
    });
    expect(Object.keys(body.Parameters).sort()).toEqual(['AuditorAccountId', 'OrganizationId']);
    expect(Object.values(body.Resources).filter((r) => r.Type === 'AWS::IAM::Role').map((r) => r.Properties.RoleName)).toEqual(['sg-auditor-member-reader', 'sg-auditor-member-deleter']);
  });
});

describe('organization mode and cdk-nag', () => {
  it('reports no unacknowledged finding in either stack', () => {
    // Act
    const findings = new AwsSolutionsChecks()
      .validateScope(app)
      .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath ?? '?'}`));

    // Assess
    expect(findings).toEqual([]);
  });

  it('grants no wildcard action in any policy of the org audit', () => {
    // Act
    const wildcards = policyDocuments(resources as never)
      .flatMap((d) => d.statements.filter((s) => s.Effect === 'Allow').flatMap(actionsOf))
      .filter((a) => a.includes('*'));

    // Assess
    expect(wildcards).toEqual([]);
  });
});
