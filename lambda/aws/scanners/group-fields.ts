import { groupIdOfRef } from '../../core/group-ref';
import { isNamed } from '../errors';

/** A property whose name says it holds groups: SecurityGroupIds, securityGroups, SecurityGroupArns, securityGroup, SecurityGroupIdList, ... */
const GROUP_FIELD = /securitygroup/i;

/**
 * Every security-group reference (id or ARN) held in a field whose name mentions a security
 * group, anywhere inside `value`. The newer services nest the same VPC configuration under many
 * connector, destination or authorizer kinds (Kendra has ten connector configurations, Bedrock
 * AgentCore three authorizer paths per resource), and add kinds over time: reading every such
 * field of the documented response covers a new kind the day AWS adds it. Strings that name no
 * group (an enum such as SageMaker's AppSecurityGroupManagement) are left out.
 */
export function groupRefsIn(value: unknown): string[] {
  const refs = new Set<string>();
  const collect = (node: unknown, underGroupField: boolean): void => {
    if (typeof node === 'string') {
      if (underGroupField && groupIdOfRef(node).startsWith('sg-')) refs.add(node);
    } else if (Array.isArray(node)) {
      for (const item of node) collect(item, underGroupField);
    } else if (node && typeof node === 'object' && !(node instanceof Date)) {
      for (const [key, child] of Object.entries(node)) collect(child, underGroupField || GROUP_FIELD.test(key));
    }
  };
  collect(value, false);
  return [...refs];
}

/**
 * Runs one per-resource read; undefined only when the service answers with one of `goneCodes`
 * (the resource was deleted between its listing and the read, so it holds no group). Every other
 * error propagates and fails the source (fail closed).
 */
export async function unlessGone<T>(call: () => Promise<T>, goneCodes: readonly string[] = ['ResourceNotFoundException']): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (goneCodes.some((code) => isNamed(error, code))) return undefined;
    throw error;
  }
}
