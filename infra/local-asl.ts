import { Template } from 'aws-cdk-lib/assertions';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { buildApp } from './build-app';
import type { SgAuditorStack } from './sg-auditor-stack';

/**
 * The synthesized state machine definitions, as JSON a local runner executes: the
 * DefinitionString's `Fn::Join` parts flattened, references filled in with placeholder ARNs
 * named after their logical ids. Synthesized with inline code, so nothing is bundled.
 */

const PLACEHOLDER_ACCOUNT = '123456789012';
const PLACEHOLDER_REGION = 'us-east-1';

function resolve(part: unknown, refs: Record<string, string>): string {
  if (typeof part === 'string') return part;
  const token = part as Record<string, unknown>;
  if ('Ref' in token) {
    const ref = String(token.Ref);
    if (ref === 'AWS::Partition') return 'aws';
    if (ref === 'AWS::Region') return PLACEHOLDER_REGION;
    if (ref === 'AWS::AccountId') return PLACEHOLDER_ACCOUNT;
    if (ref === 'AWS::URLSuffix') return 'amazonaws.com';
    return refs[ref] ?? ref;
  }
  if ('Fn::GetAtt' in token) {
    const [id, attribute] = token['Fn::GetAtt'] as [string, string];
    if (attribute === 'Arn') return `arn:aws:lambda:${PLACEHOLDER_REGION}:${PLACEHOLDER_ACCOUNT}:function:${id}`;
    return `${id}.${attribute}`;
  }
  if ('Fn::Join' in token) {
    const [separator, parts] = token['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolve(p, refs)).join(separator);
  }
  throw new Error(`cannot flatten ${JSON.stringify(part)}`);
}

/** The definition of the state machine resource `logicalId` in a synthesized template. */
export function definitionOf(template: Record<string, unknown>, logicalId: string, refs: Record<string, string> = {}): Record<string, unknown> {
  const resources = template.Resources as Record<string, { Type: string; Properties: { DefinitionString: unknown } }>;
  const resource = resources[logicalId];
  if (resource?.Type !== 'AWS::StepFunctions::StateMachine') throw new Error(`${logicalId} is not a state machine`);
  return JSON.parse(resolve(resource.Properties.DefinitionString, refs)) as Record<string, unknown>;
}

/**
 * Synthesizes the app in organization mode (with `context` on top) and returns the stack and the
 * org audit's definition, its artifact bucket reference replaced by `bucketName` when given.
 */
export function synthOrgAudit(
  context: Record<string, unknown> = {},
  bucketName?: string,
): { stack: SgAuditorStack; template: Record<string, unknown>; definition: Record<string, unknown> } {
  const { stack } = buildApp({
    context: { notificationEmail: 'ops@example.com', organization: 'true', organizationId: 'o-a1b2c3d4e5', ...context },
    code: () => Code.fromInline('exports.handler = async () => undefined;'),
  });
  if (!stack.orgAudit) throw new Error('organization mode did not create the audit state machine');
  const template = Template.fromStack(stack).toJSON() as Record<string, unknown>;
  const logicalId = stack.getLogicalId(stack.orgAudit.stateMachine.node.defaultChild as Parameters<SgAuditorStack['getLogicalId']>[0]);
  const bucketId = stack.getLogicalId(stack.bucket.node.defaultChild as Parameters<SgAuditorStack['getLogicalId']>[0]);
  return { stack, template, definition: definitionOf(template, logicalId, bucketName ? { [bucketId]: bucketName } : {}) };
}
