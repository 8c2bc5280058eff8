import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';

/**
 * Runs a synthesized state machine definition on this machine with aws-local-stepfunctions,
 * each Task state bound by name to a local handler (the same task functions the Lambdas run).
 * Shared by the tests, `sg-audit serve`, `npm run demo` and any other workflow of the project.
 *
 * What it does not emulate: JSONata and Distributed Map features (the library ignores them:
 * write machines in JSONPath; assert Distributed Map fields on the ASL and run the item
 * processor as a machine of its own), Lambda's own timeout (a handler runs until it returns or
 * the state's TimeoutSeconds passes), and the EventBridge rule on failed executions (the
 * `onFailed` hook of LocalExecutions stands in for it).
 */

// aws-local-stepfunctions 3 calls Promise.withResolvers (Node 22); without it a throwing
// handler crashes the run on Node 20.
type WithResolvers = <T>() => { promise: Promise<T>; resolve: (value: T | PromiseLike<T>) => void; reject: (reason?: unknown) => void };
const promiseCtor = Promise as unknown as { withResolvers?: WithResolvers };
promiseCtor.withResolvers ??= <T>() => {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

/** A Task state's local implementation: the state's input in, the Lambda's payload out. */
export type TaskHandler = (input: never) => Promise<unknown> | unknown;

export interface LocalRunOptions {
  /** Milliseconds before each Retry (default: the definition's own intervals). */
  retryIntervalMs?: number;
}

export interface LocalRunResult {
  status: 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  error?: { Error: string; Cause: string };
}

type Json = Parameters<StateMachine['run']>[0];

/** Names of every Task state, nested Map and Parallel states included. */
export function taskStateNames(definition: { States: Record<string, unknown> }): string[] {
  const names: string[] = [];
  for (const [name, raw] of Object.entries(definition.States)) {
    const state = raw as { Type: string; ItemProcessor?: { States: Record<string, unknown> }; Iterator?: { States: Record<string, unknown> }; Branches?: Array<{ States: Record<string, unknown> }> };
    if (state.Type === 'Task') names.push(name);
    for (const inner of [state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])]) if (inner) names.push(...taskStateNames(inner));
  }
  return names;
}

/** Runs one execution to its end; every Task state must have a handler. */
export async function runLocally(
  definition: Record<string, unknown>,
  handlers: Readonly<Record<string, TaskHandler>>,
  input: unknown,
  options: LocalRunOptions = {},
): Promise<LocalRunResult> {
  const tasks = taskStateNames(definition as { States: Record<string, unknown> });
  const missing = tasks.filter((name) => !handlers[name]);
  if (missing.length > 0) throw new Error(`no local handler for task state(s) ${missing.join(', ')}`);
  const machine = new StateMachine(definition as unknown as StateMachineDefinition, { validationOptions: { checkArn: false } });
  const bound: Record<string, (input: Json) => Promise<Json>> = {};
  for (const name of tasks) {
    const handler = handlers[name] as (input: unknown) => unknown;
    bound[name] = async (value) => (await handler(value)) as Json;
  }
  const retryIntervalOverrides = options.retryIntervalMs === undefined ? undefined : Object.fromEntries(tasks.map((t) => [t, options.retryIntervalMs as number]));
  const execution = machine.run(input as Json, { overrides: { taskResourceLocalHandlers: bound, ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}) } });
  try {
    return { status: 'SUCCEEDED', output: await execution.result };
  } catch (error) {
    if (error instanceof ExecutionError) {
      const cause = (error as { cause?: { name?: string; message?: string } }).cause;
      return { status: 'FAILED', error: { Error: cause?.name ?? 'States.Runtime', Cause: cause?.message ?? error.message } };
    }
    throw error;
  }
}

export interface LocalExecution {
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  result: Promise<LocalRunResult>;
}

/**
 * Named executions in the background, like StartExecution/DescribeExecution: a name starts
 * once. `onFailed` runs after a failed execution, as the stack's EventBridge rule does.
 */
export class LocalExecutions {
  private readonly runs = new Map<string, LocalExecution>();

  constructor(
    private readonly definition: Record<string, unknown>,
    private readonly handlers: Readonly<Record<string, TaskHandler>>,
    private readonly options: LocalRunOptions & { onFailed?: (input: unknown, result: LocalRunResult) => Promise<unknown> } = {},
  ) {}

  start(name: string, input: unknown): LocalExecution {
    const existing = this.runs.get(name);
    if (existing) return existing;
    const execution: LocalExecution = { status: 'RUNNING', result: Promise.resolve({ status: 'FAILED' }) };
    execution.result = runLocally(this.definition, this.handlers, input, this.options)
      .catch((error: unknown): LocalRunResult => ({ status: 'FAILED', error: { Error: (error as Error).name, Cause: (error as Error).message } }))
      .then(async (result) => {
        if (result.status === 'FAILED' && this.options.onFailed) {
          await this.options.onFailed(input, result).catch(() => undefined);
        }
        execution.status = result.status;
        return result;
      });
    this.runs.set(name, execution);
    return execution;
  }

  status(name: string): LocalExecution['status'] | undefined {
    return this.runs.get(name)?.status;
  }

  /** Resolves when every execution started so far has ended. */
  async settled(): Promise<void> {
    await Promise.all([...this.runs.values()].map((r) => r.result));
  }
}
