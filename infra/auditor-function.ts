import * as path from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The repository root: entries, the lock file and esbuild all resolve from here. */
export const PROJECT_ROOT = path.resolve(__dirname, '..');

/**
 * Replaces the bundled code of a function (tests pass `Code.fromInline` to skip esbuild).
 * Receives the entry path relative to the project root; returning undefined bundles it.
 */
export type FunctionCodeFactory = (entry: string) => lambda.Code | undefined;

export interface AuditorFunctionProps {
  /** Handler file relative to the project root; it must export `handler` (or `handler` below). */
  entry: string;
  /** The export to run (default `handler`): functions sharing one entry share its bundle. */
  handler?: string;
  description: string;
  timeout: Duration;
  memorySize: number;
  environment: Record<string, string>;
  logRetention: logs.RetentionDays;
  reservedConcurrentExecutions?: number;
  /** Async retries of a failed invocation (EventBridge invokes asynchronously). */
  retryAttempts?: number;
  code?: FunctionCodeFactory;
  /** IAM path of the role (organization mode: the worker roles the member roles trust). */
  rolePath?: string;
  /** A fixed role name (organization mode: member roles trust these exact worker role ARNs). */
  roleName?: string;
}

/**
 * One Lambda with its own role and log group. The role starts empty (no managed policy):
 * it gets write access to its log group here and everything else from the stack, explicitly.
 */
export class AuditorFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AuditorFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      // The durable trail (reports, deletions) lives in the retained S3 bucket, not in logs.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (least privilege, derived from the code)`,
      ...(props.rolePath ? { path: props.rolePath } : {}),
      ...(props.roleName ? { roleName: props.roleName } : {}),
    });
    this.logGroup.grantWrite(this.role);

    const code = props.code?.(props.entry);
    this.function = new NodejsFunction(this, 'Function', {
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      ...(props.reservedConcurrentExecutions !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions } : {}),
      ...(props.retryAttempts !== undefined ? { retryAttempts: props.retryAttempts } : {}),
      ...(code
        ? { code, handler: `index.${props.handler ?? 'handler'}` }
        : {
            entry: path.join(PROJECT_ROOT, props.entry),
            handler: props.handler ?? 'handler',
            projectRoot: PROJECT_ROOT,
            depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
            bundling: {
              format: OutputFormat.CJS,
              target: 'node24',
              // Maps without the sources' text: stack traces still point at file:line, and the
              // asset is not 26 MB of SDK source per function (sourcesContent would embed it all).
              sourceMap: true,
              esbuildArgs: { '--sources-content': 'false' },
              minify: true,
              // Bundle the SDK too: the Lambdas run the exact client versions the tests ran.
              externalModules: [],
            },
          }),
    });
    // The role's policy must exist before the function can run with it.
    this.function.node.addDependency(this.role);
  }
}
