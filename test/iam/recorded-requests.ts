import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedCall } from '../../lambda/aws/client-factory';
import { logicalId } from '../infra/infra-fixture';
import type { Installation } from './installation';
import { evaluate, type Decision, type IamRequest, type Json, type RoleInfo } from './template-iam';

/**
 * Turns a recorded SDK call into the IAM request AWS authorizes (action, resource ARN, condition
 * keys), against the installation's deployed names: the local run's bucket, key and topic stand
 * for the stack's. What AWS authorizes without a policy (sts:GetCallerIdentity) is left out.
 */

const PREFIX: Record<string, string> = { EC2: 'ec2', S3: 's3', KMS: 'kms', SNS: 'sns', STS: 'sts', SSM: 'ssm', CloudTrail: 'cloudtrail', Organizations: 'organizations', SFN: 'states', EventBridge: 'events', SecurityHub: 'securityhub' };
/** S3 operations authorized under another action's name. */
const S3_ACTIONS: Record<string, string> = { HeadObject: 's3:GetObject', ListObjectsV2: 's3:ListBucket', HeadBucket: 's3:ListBucket' };
const NO_POLICY = new Set(['sts:GetCallerIdentity']);

export interface LocalNames {
  bucket: string;
  macKeyId: string;
  topicArn: string;
}

export interface EvaluatedCall {
  /** Who: the actor, and the member role it acted as. */
  who: string;
  action: string;
  /** The resource with run-time ids generalized (for the docs table). */
  resource: string;
  decision: Decision;
  /** The request as evaluated (for a failure message). */
  detail: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function requestsOf(call: RecordedCall, inst: Installation, names: LocalNames): Array<Omit<IamRequest, 'principal' | 'principalAccount'> & { shown: string }> {
  const prefix = PREFIX[call.serviceId] ?? call.serviceId.toLowerCase().replace(/\s+/g, '');
  const action = prefix === 's3' ? (S3_ACTIONS[call.operation] ?? `s3:${call.operation}`) : `${prefix}:${call.operation}`;
  if (NO_POLICY.has(action)) return [];
  const t = inst.auditor;
  const account = call.identity ? (call.identity.split(':')[4] ?? t.account) : t.account;
  const base = { action, region: call.region, resourceAccount: account };
  const input = call.input;
  switch (prefix) {
    case 's3': {
      if (str(input.Bucket) !== names.bucket) throw new Error(`a call to an unknown bucket ${str(input.Bucket)}`);
      const bucketId = logicalId(inst.stack, inst.stack.bucket);
      const bucketArn = t.arn(bucketId);
      const policy = t.resourcePolicy(bucketId);
      if (action === 's3:ListBucket') {
        return [{ ...base, resourceAccount: t.account, resource: bucketArn, resourcePolicy: policy, context: input.Prefix ? { 's3:prefix': str(input.Prefix) } : {}, shown: 'bucket' }];
      }
      const key = str(input.Key);
      const context: Record<string, string> = input.IfNoneMatch ? { 's3:if-none-match': str(input.IfNoneMatch) } : {};
      const shown = `bucket/${key.split('/')[0]}/…${input.IfNoneMatch ? ' (If-None-Match)' : ''}`;
      return [{ ...base, resourceAccount: t.account, resource: `${bucketArn}/${key}`, resourcePolicy: policy, context, shown }];
    }
    case 'kms': {
      const keyId = str(input.KeyId);
      if (!keyId.endsWith(names.macKeyId)) throw new Error(`a call to an unknown KMS key ${keyId}`);
      const id = logicalId(inst.stack, inst.stack.macKey);
      return [{ ...base, resourceAccount: t.account, resource: t.arn(id), resourcePolicy: t.resourcePolicy(id), shown: 'approval MAC key' }];
    }
    case 'sns': {
      if (str(input.TopicArn) !== names.topicArn) throw new Error(`a call to an unknown topic ${str(input.TopicArn)}`);
      const id = logicalId(inst.stack, inst.stack.topic);
      return [{ ...base, resourceAccount: t.account, resource: t.arn(id), resourcePolicy: t.resourcePolicy(id), shown: 'notification topic' }];
    }
    case 'sts': {
      const roleArn = str(input.RoleArn);
      const name = roleArn.split('/').pop() ?? '';
      const target = inst.member?.roleNamed(name);
      if (!target) throw new Error(`AssumeRole of ${roleArn}, which no member template deploys`);
      return [{ ...base, resourceAccount: roleArn.split(':')[4] ?? '', resource: roleArn, resourcePolicy: target.trust, shown: `member role ${name}` }];
    }
    case 'ssm': {
      const path = str(input.Path ?? input.Name);
      return [{ ...base, resource: `arn:aws:ssm:${call.region}::parameter${path}`, shown: `parameter ${path.replace(/regions\/[^/]+/, 'regions/<region>')}` }];
    }
    case 'ec2': {
      if (/^(Describe|Get)/.test(call.operation)) return [{ ...base, resource: '*', shown: '*' }];
      const groups = call.operation === 'CreateTags' ? (input.Resources as string[]) : [str(input.GroupId)];
      const tags = (input.Tags as Array<{ Key: string; Value: string }> | undefined) ?? [];
      const context: Record<string, string | string[]> = tags.length
        ? { 'aws:TagKeys': tags.map((x) => x.Key), ...Object.fromEntries(tags.map((x) => [`aws:RequestTag/${x.Key}`, x.Value])) }
        : {};
      return groups.map((g) => ({ ...base, resource: `arn:aws:ec2:${call.region}:${account}:security-group/${g}`, context, shown: 'security-group/*' }));
    }
    case 'events': {
      // PutEvents on the default bus, with the events:source of each entry.
      const sources = [...new Set(((input.Entries as Array<{ Source?: string }> | undefined) ?? []).map((e) => str(e.Source)))];
      return [{ ...base, resource: `arn:aws:events:${call.region}:${account}:event-bus/default`, context: { 'events:source': sources }, shown: `default bus, source ${sources.join(', ')}` }];
    }
    case 'securityhub': {
      // BatchImportFindings authorizes on the product the findings are imported under; the rest on the hub.
      if (call.operation === 'BatchImportFindings') {
        const products = [...new Set(((input.Findings as Array<{ ProductArn?: string }> | undefined) ?? []).map((f) => str(f.ProductArn)))];
        return products.map((product) => ({ ...base, resource: product, shown: 'this account default product' }));
      }
      return [{ ...base, resource: `arn:aws:securityhub:${call.region}:${account}:hub/default`, shown: 'this account hub' }];
    }
    default:
      return [{ ...base, resource: '*', shown: '*' }];
  }
}

/** Evaluates every distinct request the recorded calls make, each as the role that made it. */
export async function evaluateCalls(calls: readonly RecordedCall[], inst: Installation, names: LocalNames, actors: Record<string, RoleInfo>): Promise<EvaluatedCall[]> {
  const seen = new Map<string, EvaluatedCall>();
  for (const call of calls) {
    const memberRole = call.identity ? inst.member?.roleNamed(call.identity.split('/').pop() ?? '') : undefined;
    if (call.identity && !memberRole) throw new Error(`a call signed as ${call.identity}, which no member template deploys`);
    const principal = memberRole ?? actors[call.actor];
    if (!principal) throw new Error(`no role for actor ${call.actor}`);
    const principalAccount = principal.arn.split(':')[4] ?? '';
    for (const request of requestsOf(call, inst, names)) {
      const { shown, ...rest } = request;
      const key = JSON.stringify([call.actor, principal.arn, rest.action, rest.resource, rest.context, rest.region]);
      if (seen.has(key)) continue;
      const decision = await evaluate({ ...rest, principal, principalAccount, organizationId: 'o-a1b2c3d4e5' });
      const who = memberRole ? `${call.actor} as ${memberRole.name}` : call.actor;
      seen.set(key, { who, action: rest.action, resource: shown, decision, detail: `${who} ${rest.action} ${rest.resource} ${JSON.stringify(rest.context ?? {})} in ${rest.region}: ${decision}` });
    }
  }
  return [...seen.values()];
}

/** One line per (who, action, resource), sorted: the docs table's rows. */
export function tableRows(evaluated: readonly EvaluatedCall[]): string[] {
  return [...new Set(evaluated.map((e) => `| ${e.who} | \`${e.action}\` | ${e.resource} |`))].sort();
}

export type { Json };

const CONFORMANCE_DOC = join(__dirname, '../../docs/iam-conformance.md');

/**
 * The docs/iam-conformance.md section between `begin` and `end` as the evaluated calls make it,
 * and the file as it is (rewritten first when UPDATE_IAM_DOCS=1).
 */
export function conformanceDocSection(evaluated: readonly EvaluatedCall[], begin: string, end: string): { expected: string; current: string } {
  const doc = readFileSync(CONFORMANCE_DOC, 'utf8');
  const table = ['| role | action | resource |', '|---|---|---|', ...tableRows(evaluated)].join('\n');
  const expected = `${doc.slice(0, doc.indexOf(begin) + begin.length)}\n${table}\n${doc.slice(doc.indexOf(end))}`;
  if (process.env.UPDATE_IAM_DOCS === '1') writeFileSync(CONFORMANCE_DOC, expected);
  return { expected, current: readFileSync(CONFORMANCE_DOC, 'utf8') };
}
