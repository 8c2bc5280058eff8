import { Template } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { buildApp } from '../../infra/build-app';
import type { SgAuditorStack } from '../../infra/sg-auditor-stack';

/**
 * Builds the app as `cdk synth` does, cdk-nag included, but with inline Lambda code so no
 * test but the real-synth one pays for esbuild.
 */

export const EMAIL = 'ops@example.com';

export type Json = Record<string, unknown>;

export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface Synthesized {
  stack: SgAuditorStack;
  template: Template;
  resources: Record<string, { Type: string; Properties?: Json; [key: string]: unknown }>;
}

/** Synthesizes the stack with the given context (notificationEmail defaults to EMAIL). */
export function synthStack(context: Record<string, unknown> = {}): Synthesized {
  const { stack } = buildApp({
    context: { notificationEmail: EMAIL, ...context },
    code: () => Code.fromInline('exports.handler = async () => undefined;'),
  });
  const template = Template.fromStack(stack);
  return { stack, template, resources: template.toJSON().Resources };
}

/** The logical id of a construct's CloudFormation resource. */
export function logicalId(stack: SgAuditorStack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as Parameters<SgAuditorStack['getLogicalId']>[0]);
}

/** Every policy document anywhere in the template (IAM, bucket, topic and key policies), by resource. */
export function policyDocuments(resources: Synthesized['resources']): Array<{ resourceId: string; type: string; statements: Statement[] }> {
  const found: Array<{ resourceId: string; type: string; statements: Statement[] }> = [];
  const walk = (resourceId: string, type: string, value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(resourceId, type, item);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const object = value as Json;
    if (Array.isArray(object.Statement)) found.push({ resourceId, type, statements: object.Statement as Statement[] });
    for (const child of Object.values(object)) walk(resourceId, type, child);
  };
  for (const [id, resource] of Object.entries(resources)) walk(id, resource.Type, resource.Properties);
  return found;
}

export function actionsOf(statement: Statement): string[] {
  if (statement.Action === undefined) return [];
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** The statements of the policies attached to a role: inline, and the managed policies CDK spills a large role's statements into. */
export function roleStatements(resources: Synthesized['resources'], roleId: string): Statement[] {
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
    .filter((r) => ((r.Properties?.Roles as Array<{ Ref?: string }>) ?? []).some((role) => role.Ref === roleId))
    .flatMap((r) => (r.Properties?.PolicyDocument as { Statement: Statement[] }).Statement);
}

/** Finds the one statement with this Sid, failing loudly when it is missing. */
export function bySid(statements: readonly Statement[], sid: string): Statement {
  const statement = statements.find((s) => s.Sid === sid);
  if (!statement) throw new Error(`no statement ${sid}; have ${statements.map((s) => s.Sid ?? '(no sid)').join(', ')}`);
  return statement;
}
