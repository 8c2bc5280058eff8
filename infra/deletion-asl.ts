import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { buildApp } from './build-app';

/**
 * The deletion state machine's definition as CloudFormation would deploy it, made runnable
 * locally: the DefinitionString's Fn::Join parts flattened, each function ARN filled in with a
 * stable placeholder (the local runner binds task states by name, never by ARN).
 */

const CONTEXT = { notificationEmail: 'asl@example.com' };

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

/** Synthesizes the stack (no bundling) and returns the deletion state machine's ASL. */
export function synthesizeDeletionDefinition(): Record<string, unknown> {
  const { stack } = buildApp({ context: CONTEXT, code: () => lambda.Code.fromInline('exports.handler = async () => ({})') });
  const machines = Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine');
  const entries = Object.entries(machines).filter(([id]) => id.startsWith('Deletion'));
  if (entries.length !== 1) throw new Error(`expected one deletion state machine, found ${entries.length}`);
  const definition = (entries[0]?.[1] as { Properties: { DefinitionString: Cfn } }).Properties.DefinitionString;
  return JSON.parse(flatten(definition)) as Record<string, unknown>;
}
