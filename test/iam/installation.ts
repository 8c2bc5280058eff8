import { Template } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { buildApp } from '../../infra/build-app';
import type { SgAuditorStack } from '../../infra/sg-auditor-stack';
import { EMAIL, logicalId } from '../infra/infra-fixture';
import { DeployedTemplate, evaluate, type Decision, type Json, type RoleInfo, type TemplateJson } from './template-iam';

/** The accounts and organization of the installations the IAM tests deploy (on paper). */
export const AUDITOR = '111111111111';
export const MEMBER = '222222222222';
export const ORG_ID = 'o-a1b2c3d4e5';
export const HOME = 'us-east-1';
export const CONFIGURED_REGIONS = ['us-east-1', 'eu-west-1'];

/** The Lambdas and state machines whose calls are evaluated, by the name the tests use. */
export type Actor = string;

export interface Installation {
  label: string;
  stack: SgAuditorStack;
  auditor: DeployedTemplate;
  /** Organization mode: the member stack, deployed in MEMBER. */
  member?: DeployedTemplate;
  /** Actor -> its role in the auditor account. */
  actors: Record<Actor, RoleInfo>;
}

/** Synthesizes an installation (as `cdk synth` would, inline code) and deploys it on paper. */
export function install(label: string, context: Record<string, string> = {}, accounts: { auditor?: string; member?: string; region?: string } = {}): Installation {
  const auditorAccount = accounts.auditor ?? AUDITOR;
  const region = accounts.region ?? HOME;
  const built = buildApp({ context: { notificationEmail: EMAIL, ...context }, code: () => Code.fromInline('exports.handler = async () => undefined;') });
  const { stack } = built;
  const auditor = new DeployedTemplate(stack.stackName, Template.fromStack(stack).toJSON() as TemplateJson, { account: auditorAccount, region });
  const member = built.member
    ? new DeployedTemplate(built.member.stackName, Template.fromStack(built.member).toJSON() as TemplateJson, {
        account: accounts.member ?? MEMBER,
        region,
        parameters: { AuditorAccountId: auditorAccount, OrganizationId: ORG_ID },
      })
    : undefined;
  const roleOf = (construct: { node: { defaultChild?: unknown } }): RoleInfo => {
    const role = auditor.roles.get(logicalId(stack, construct));
    if (!role) throw new Error(`${label}: no role ${logicalId(stack, construct)}`);
    return role;
  };
  const actors: Record<Actor, RoleInfo> = {
    audit: roleOf(stack.audit.role),
    approve: roleOf(stack.approve.role),
    deletionStateMachine: roleOf(stack.deletion.stateMachine.role),
  };
  for (const [task, fn] of Object.entries(stack.deletion.functions)) actors[task] = roleOf(fn.role);
  if (stack.orgAudit) {
    for (const [task, fn] of Object.entries(stack.orgAudit.functions)) actors[task] = roleOf(fn.role);
    actors.orgStateMachine = roleOf(stack.orgAudit.stateMachine.role);
  }
  return { label, stack, auditor, ...(member ? { member } : {}), actors };
}

/** Every role of the auditor account by actor name (roles no actor owns by logical id: custom resources, event rules). */
export function everyRole(inst: Installation): Array<[string, RoleInfo]> {
  const named = new Map(Object.entries(inst.actors).map(([actor, role]) => [role.logicalId, actor]));
  return [...inst.auditor.roles.values()].map((role) => [named.get(role.logicalId) ?? role.logicalId, role]);
}

const ADMIN_POLICY: Json = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

/** A role the stack does not own, with AdministratorAccess: what an operator or a compromised role of the account holds. */
export function administrator(account: string, path = '/', name = 'intruder'): RoleInfo {
  return { logicalId: `${name}@${path}`, name, arn: `arn:aws:iam::${account}:role${path}${name}`, trust: {}, policies: [ADMIN_POLICY] };
}

/** The security group ARN of a group in the account and region. */
export const groupArn = (account: string, region: string, id = 'sg-0123456789abcdef0') => `arn:aws:ec2:${region}:${account}:security-group/${id}`;

/** Names of the principals among `roles` that the request allows. */
export async function allowedAmong(roles: Array<[string, RoleInfo]>, ask: (role: RoleInfo) => Promise<Decision>): Promise<string[]> {
  const allowed: string[] = [];
  for (const [name, role] of roles) if ((await ask(role)) === 'Allowed') allowed.push(name);
  return allowed.sort();
}

export { evaluate };
