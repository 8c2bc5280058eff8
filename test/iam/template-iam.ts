import { runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';

/**
 * The IAM of a synthesized CloudFormation template, as AWS would hold it once deployed: a small
 * resolver for the intrinsics the stacks use (Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select,
 * Fn::Split, the AWS::AccountId / Region / Partition pseudo-parameters, template parameters), and
 * the policies it attaches (role policies, trust policies, key, bucket and topic policies).
 * Requests are evaluated by @cloud-copilot/iam-simulate (AGPL-3.0: test-only, never bundled).
 * This is not an evaluator of our own: it only feeds the policies to one.
 */

export type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties?: Json;
}
export interface TemplateJson {
  Resources: Record<string, Resource>;
  Parameters?: Record<string, { Default?: string }>;
}

export interface Deployment {
  account: string;
  region: string;
  partition?: string;
  /** Values of the template's parameters (defaults apply otherwise). */
  parameters?: Record<string, string>;
}

export interface RoleInfo {
  logicalId: string;
  name: string;
  arn: string;
  trust: Json;
  policies: Json[];
}

/** A deployed template: resolved names, ARNs and policies. */
export class DeployedTemplate {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly roles = new Map<string, RoleInfo>();
  private readonly names = new Map<string, string>();

  constructor(
    readonly label: string,
    readonly template: TemplateJson,
    deployment: Deployment,
  ) {
    this.account = deployment.account;
    this.region = deployment.region;
    this.partition = deployment.partition ?? 'aws';
    for (const [id, p] of Object.entries(template.Parameters ?? {})) {
      const value = deployment.parameters?.[id] ?? p.Default;
      if (value !== undefined) this.names.set(`param:${id}`, value);
    }
    for (const [id, resource] of Object.entries(template.Resources)) {
      if (resource.Type !== 'AWS::IAM::Role') continue;
      const props = resource.Properties ?? {};
      const name = props.RoleName !== undefined ? String(this.resolve(props.RoleName)) : `${label}-${id}`;
      const path = props.Path !== undefined ? String(this.resolve(props.Path)) : '/';
      const role: RoleInfo = {
        logicalId: id,
        name,
        arn: `arn:${this.partition}:iam::${this.account}:role${path}${name}`,
        trust: this.resolve(props.AssumeRolePolicyDocument) as Json,
        policies: ((props.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? []).map((p) => this.resolve(p.PolicyDocument) as Json),
      };
      this.roles.set(id, role);
    }
    for (const resource of Object.values(template.Resources)) {
      // Inline policies, and the customer managed policies CDK spills a large role's statements into.
      if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
      const doc = this.resolve(resource.Properties?.PolicyDocument) as Json;
      for (const ref of (resource.Properties?.Roles as Array<{ Ref: string }>) ?? []) this.roles.get(ref.Ref)?.policies.push(doc);
    }
  }

  /** The physical name of a resource (what Ref gives for names). */
  physicalName(id: string): string {
    const resource = this.template.Resources[id];
    if (!resource) throw new Error(`${this.label}: no resource ${id}`);
    const props = resource.Properties ?? {};
    for (const key of ['RoleName', 'BucketName', 'TopicName', 'FunctionName', 'StateMachineName', 'LogGroupName']) {
      if (props[key] !== undefined) return String(this.resolve(props[key]));
    }
    return `${this.label.toLowerCase()}-${id.toLowerCase()}`;
  }

  private arnOf(id: string): string {
    const resource = this.template.Resources[id];
    const name = this.physicalName(id);
    const p = this.partition;
    switch (resource?.Type) {
      case 'AWS::IAM::Role':
        return this.roles.get(id)?.arn ?? `arn:${p}:iam::${this.account}:role/${name}`;
      case 'AWS::S3::Bucket':
        return `arn:${p}:s3:::${name}`;
      case 'AWS::KMS::Key':
        return `arn:${p}:kms:${this.region}:${this.account}:key/${name}`;
      case 'AWS::SNS::Topic':
        return `arn:${p}:sns:${this.region}:${this.account}:${name}`;
      case 'AWS::Lambda::Function':
        return `arn:${p}:lambda:${this.region}:${this.account}:function:${name}`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:${p}:states:${this.region}:${this.account}:stateMachine:${name}`;
      case 'AWS::Logs::LogGroup':
        return `arn:${p}:logs:${this.region}:${this.account}:log-group:${name}:*`;
      case 'AWS::CloudWatch::Alarm':
        return `arn:${p}:cloudwatch:${this.region}:${this.account}:alarm:${name}`;
      default:
        return `arn:${p}:cloudformation:${this.region}:${this.account}:resource/${id}`;
    }
  }

  /** Ref of a logical id, a parameter or a pseudo-parameter. */
  ref(id: string): string {
    switch (id) {
      case 'AWS::AccountId':
        return this.account;
      case 'AWS::Region':
        return this.region;
      case 'AWS::Partition':
        return this.partition;
      case 'AWS::URLSuffix':
        return 'amazonaws.com';
      case 'AWS::StackName':
        return this.label;
      case 'AWS::NoValue':
        return '';
    }
    const param = this.names.get(`param:${id}`);
    if (param !== undefined) return param;
    const resource = this.template.Resources[id];
    if (!resource) throw new Error(`${this.label}: Ref to unknown ${id}`);
    // Ref gives the ARN for topics and state machines, the name (or id) for the rest.
    if (resource.Type === 'AWS::SNS::Topic' || resource.Type === 'AWS::StepFunctions::StateMachine') return this.arnOf(id);
    return this.physicalName(id);
  }

  getAtt(id: string, attribute: string): string {
    if (attribute === 'Arn') return this.arnOf(id);
    if (attribute === 'Name' || attribute === 'TopicName') return this.physicalName(id);
    if (attribute === 'FunctionUrl') return `https://${id.toLowerCase()}.lambda-url.${this.region}.on.aws/`;
    return `${id}.${attribute}`;
  }

  /** Resolves every intrinsic in `value`. */
  resolve(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.resolve(v));
    if (value === null || typeof value !== 'object') return value;
    const object = value as Json;
    const keys = Object.keys(object);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const arg = object[key];
      switch (key) {
        case 'Ref':
          return this.ref(String(arg));
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(arg) ? (arg as string[]) : String(arg).split('.');
          return this.getAtt(String(id), String(attribute));
        }
        case 'Fn::Join': {
          const [sep, parts] = arg as [string, unknown[]];
          return (this.resolve(parts) as unknown[]).map(String).join(sep);
        }
        case 'Fn::Select': {
          const [index, list] = arg as [unknown, unknown];
          return (this.resolve(list) as unknown[])[Number(this.resolve(index))];
        }
        case 'Fn::Split': {
          const [sep, source] = arg as [string, unknown];
          return String(this.resolve(source)).split(sep);
        }
        case 'Fn::Sub': {
          const [text, vars] = Array.isArray(arg) ? (arg as [string, Json]) : [String(arg), {}];
          return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
            if (name in vars) return String(this.resolve(vars[name]));
            const dot = name.indexOf('.');
            return dot > 0 && !name.startsWith('AWS::') ? this.getAtt(name.slice(0, dot), name.slice(dot + 1)) : this.ref(name);
          });
        }
      }
      if (key.startsWith('Fn::')) throw new Error(`${this.label}: intrinsic ${key} is not resolved by this test's resolver`);
    }
    return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, this.resolve(v)]));
  }

  /** The one resource of a type whose logical id starts with `prefix`. */
  logicalIdOf(type: string, prefix: string): string {
    const found = Object.entries(this.template.Resources).filter(([id, r]) => r.Type === type && id.startsWith(prefix));
    if (found.length !== 1) throw new Error(`${this.label}: expected one ${type} named ${prefix}*, found ${found.map(([id]) => id).join(', ') || 'none'}`);
    return found[0]?.[0] as string;
  }

  role(prefix: string): RoleInfo {
    const id = this.logicalIdOf('AWS::IAM::Role', prefix);
    return this.roles.get(id) as RoleInfo;
  }

  /** The role of a physical name (member roles are named). */
  roleNamed(name: string): RoleInfo | undefined {
    return [...this.roles.values()].find((r) => r.name === name);
  }

  arn(id: string): string {
    return this.arnOf(id);
  }

  /** The resource policy attached to a bucket, key or topic (by the resource's logical id). */
  resourcePolicy(id: string): Json | undefined {
    const resource = this.template.Resources[id];
    if (resource?.Type === 'AWS::KMS::Key') return this.resolve(resource.Properties?.KeyPolicy) as Json;
    for (const r of Object.values(this.template.Resources)) {
      if (r.Type === 'AWS::S3::BucketPolicy' && (r.Properties?.Bucket as { Ref?: string })?.Ref === id) return this.resolve(r.Properties?.PolicyDocument) as Json;
      if (r.Type === 'AWS::SNS::TopicPolicy' && ((r.Properties?.Topics as Array<{ Ref?: string }>) ?? []).some((t) => t.Ref === id)) {
        return this.resolve(r.Properties?.PolicyDocument) as Json;
      }
    }
    return undefined;
  }
}

/** One request to evaluate: who asks what on which resource, with which context. */
export interface IamRequest {
  principal: RoleInfo;
  /** The account the principal's role lives in. */
  principalAccount: string;
  action: string;
  resource: string;
  resourceAccount: string;
  /** The resource's policy (bucket, key, topic or trust policy), if any. */
  resourcePolicy?: Json | undefined;
  region: string;
  context?: Record<string, string | string[]>;
  organizationId?: string;
}

export type Decision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** Evaluates one request as AWS would (identity + resource policy, explicit denies, conditions). */
export async function evaluate(request: IamRequest): Promise<Decision> {
  const context: Record<string, string | string[]> = {
    'aws:PrincipalArn': request.principal.arn,
    'aws:PrincipalAccount': request.principalAccount,
    'aws:RequestedRegion': request.region,
    'aws:SecureTransport': 'true',
    ...(request.organizationId ? { 'aws:PrincipalOrgID': request.organizationId } : {}),
    ...request.context,
  };
  const simulation: Simulation = {
    request: {
      principal: request.principal.arn,
      action: request.action,
      resource: { resource: request.resource, accountId: request.resourceAccount },
      contextVariables: context,
    },
    identityPolicies: request.principal.policies.map((policy, i) => ({ name: `policy${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(request.resourcePolicy ? { resourcePolicy: request.resourcePolicy } : {}),
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') throw new Error(`iam-simulate refused ${request.action} on ${request.resource}: ${JSON.stringify(result.errors).slice(0, 2000)}`);
  return result.overallResult;
}
