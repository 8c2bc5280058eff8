import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { CfnElement } from 'aws-cdk-lib';
import { buildApp } from './build-app';
import type { SgAuditorStack } from './sg-auditor-stack';

/**
 * The synthesized state machine definitions as CloudFormation would deploy them, made runnable
 * locally: the DefinitionString's Fn::Join parts flattened, each function ARN filled in with a
 * stable placeholder (the local runner binds task states by name, never by ARN). One way for
 * every machine: `npm run asl` writes them to the committed files below, which the local runs
 * (tests, `sg-audit serve`, the demos) read without CDK; tests check the files against a synth.
 */

/** The committed definitions, by machine. */
export const ASL_FILES = {
  deletion: join(__dirname, '..', 'lambda', 'workflows', 'deletion', 'definition.asl.json'),
  orgAudit: join(__dirname, '..', 'lambda', 'workflows', 'org-audit', 'definition.asl.json'),
} as const;

export type Definition = Record<string, unknown>;
type Cfn = string | { 'Fn::Join'?: [string, Cfn[]]; 'Fn::GetAtt'?: [string, string]; Ref?: string };

function flatten(value: Cfn): string {
  if (typeof value === 'string') return value;
  if (value['Fn::Join']) return value['Fn::Join'][1].map(flatten).join(value['Fn::Join'][0]);
  if (value['Fn::GetAtt']) return `arn:aws:lambda:us-east-1:000000000000:function:${value['Fn::GetAtt'][0]}`;
  if (value.Ref === 'AWS::Partition') return 'aws';
  if (value.Ref === 'AWS::Region') return 'us-east-1';
  if (value.Ref === 'AWS::AccountId') return '000000000000';
  if (value.Ref) return value.Ref;
  throw new Error(`unexpected token in the definition: ${JSON.stringify(value)}`);
}

/** The definition of the state machine resource `logicalId` in a synthesized template. */
export function definitionOf(template: Record<string, unknown>, logicalId: string): Definition {
  const resource = (template.Resources as Record<string, { Type: string; Properties: { DefinitionString: Cfn } }>)[logicalId];
  if (resource?.Type !== 'AWS::StepFunctions::StateMachine') throw new Error(`${logicalId} is not a state machine`);
  return JSON.parse(flatten(resource.Properties.DefinitionString)) as Definition;
}

/** The definitions of a synthesized stack: the deletion machine, and the org audit in organization mode. */
export function definitionsOf(stack: SgAuditorStack, template: Record<string, unknown> = Template.fromStack(stack).toJSON()): { deletion: Definition; orgAudit?: Definition } {
  const of = (sm: { node: { defaultChild?: unknown } }) => definitionOf(template, stack.getLogicalId(sm.node.defaultChild as CfnElement));
  return { deletion: of(stack.deletion.stateMachine), ...(stack.orgAudit ? { orgAudit: of(stack.orgAudit.stateMachine) } : {}) };
}

/**
 * Synthesizes the stack in organization mode (so both machines exist; the deletion machine is
 * the same in both modes) without bundling, and returns every definition.
 */
export function synthesizeDefinitions(): { deletion: Definition; orgAudit: Definition } {
  const { stack } = buildApp({
    context: { notificationEmail: 'asl@example.com', organization: 'true', organizationId: 'o-a1b2c3d4e5' },
    code: () => lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  const { deletion, orgAudit } = definitionsOf(stack);
  if (!orgAudit) throw new Error('organization mode did not create the audit state machine');
  return { deletion, orgAudit };
}
