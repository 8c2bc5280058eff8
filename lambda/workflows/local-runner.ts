import { ExecutionError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { mapLimit } from '../core/concurrency';

/**
 * Runs a synthesized state machine definition on this machine with aws-local-stepfunctions,
 * each Task state bound by name to a local handler (the same task functions the Lambdas run).
 * One runner for every workflow of the project: the deletion machine (tests, `sg-audit serve`,
 * `npm run demo`) and the organization audit (tests, `npm run demo -- --org`).
 *
 * aws-local-stepfunctions ignores every Distributed Map feature, so each Distributed Map state
 * is run here instead: its items are read as its ItemReader would (from S3, through
 * `readItems`), shaped by its ItemSelector, batched by its ItemBatcher, and each batch or item
 * runs its ItemProcessor as a state machine of its own, at most MaxConcurrency at once; failed
 * children beyond ToleratedFailureCount/Percentage fail the state with
 * States.ExceedToleratedFailureThreshold. Every other state runs as defined.
 *
 * What it does not emulate: JSONata (write machines in JSONPath), ResultWriter, Lambda's own
 * timeout (a handler runs until it returns or the state's TimeoutSeconds passes), and the
 * EventBridge rules on failed executions (the `onFailed` hook of LocalExecutions stands in).
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
  /** What an S3 ItemReader reads: the JSON array at s3://bucket/key (Distributed Maps). */
  readItems?: (bucket: string, key: string) => Promise<unknown[]>;
  /** Caps a Distributed Map's MaxConcurrency locally (one process, two cores; default 8). */
  maxLocalConcurrency?: number;
  /** Called as each Task state (or Distributed Map) starts: progress in the demo. */
  onState?: (name: string) => void;
}

export interface LocalRunResult {
  status: 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  error?: { Error: string; Cause: string };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
type Bound = Record<string, (input: Json) => Promise<Json>>;
type States = Record<string, unknown>;

/** A named error the state machine's Retry and Catch can match. */
export class StatesError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** Names of every Task state, nested Map and Parallel states included. */
export function taskStateNames(definition: { States: States }): string[] {
  const names: string[] = [];
  for (const [name, raw] of Object.entries(definition.States)) {
    const state = raw as { Type: string; ItemProcessor?: { States: States }; Iterator?: { States: States }; Branches?: Array<{ States: States }> };
    if (state.Type === 'Task') names.push(name);
    for (const inner of [state.ItemProcessor, state.Iterator, ...(state.Branches ?? [])]) if (inner) names.push(...taskStateNames(inner));
  }
  return names;
}

/** Evaluates a simple JSONPath (`$`, `$.a.b`, `$$.Map.Item.Value.x`) against input and context. */
export function evaluatePath(path: string, input: Json, context: Json): Json {
  if (!path.startsWith('$')) throw new StatesError('States.Runtime', `unsupported path ${path}`);
  const [root, rest] = path.startsWith('$$') ? [context, path.slice(2)] : [input, path.slice(1)];
  let value: Json | undefined = root;
  for (const part of rest.split('.').filter((p) => p.length > 0)) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !(part in value)) {
      throw new StatesError('States.Runtime', `the JSONPath ${path} could not be found in the input`);
    }
    value = (value as JsonObject)[part];
  }
  return value as Json;
}

/** A Parameters/ItemSelector template: keys ending in `.$` take a path's value, the rest are copied. */
export function applyTemplate(template: Json, input: Json, context: Json): Json {
  if (Array.isArray(template)) return template.map((t) => applyTemplate(t, input, context));
  if (template === null || typeof template !== 'object') return template;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) {
      if (typeof value !== 'string' || !value.startsWith('$')) throw new StatesError('States.Runtime', `unsupported template value for ${key}: ${JSON.stringify(value)}`);
      out[key.slice(0, -2)] = evaluatePath(value, input, context);
    } else {
      out[key] = applyTemplate(value, input, context);
    }
  }
  return out;
}

interface DistributedMapState {
  Type: 'Map';
  ItemProcessor: { ProcessorConfig?: { Mode?: string }; StartAt: string; States: States };
  ItemReader?: { Resource: string; ReaderConfig?: { InputType?: string; MaxItems?: number }; Parameters?: JsonObject };
  ItemsPath?: string;
  ItemSelector?: JsonObject;
  ItemBatcher?: { MaxItemsPerBatch?: number; BatchInput?: JsonObject };
  MaxConcurrency?: number;
  ToleratedFailurePercentage?: number;
  ToleratedFailureCount?: number;
  [field: string]: unknown;
}

const isDistributedMap = (state: unknown): state is DistributedMapState =>
  typeof state === 'object' && state !== null && (state as { Type?: string }).Type === 'Map' && (state as DistributedMapState).ItemProcessor?.ProcessorConfig?.Mode === 'DISTRIBUTED';

/** The fields a Map shares with a Task (input/output processing, transitions, error handling). */
const KEPT_FIELDS = ['InputPath', 'ResultPath', 'ResultSelector', 'OutputPath', 'Next', 'End', 'Retry', 'Catch', 'Comment'];

/** The state machine aws-local-stepfunctions runs: Distributed Maps become tasks bound to `distributedMap`. */
function prepare(definition: { States: States }, handlers: Bound, distributedMap: (state: DistributedMapState, name: string) => (input: Json) => Promise<Json>): StateMachine {
  const root = structuredClone(definition) as { StartAt: string; States: States };
  for (const [name, state] of Object.entries(root.States)) {
    if (!isDistributedMap(state)) continue;
    const task: Record<string, unknown> = { Type: 'Task', Resource: 'arn:aws:states:::local:distributed-map' };
    for (const field of KEPT_FIELDS) if (field in state) task[field] = state[field];
    root.States[name] = task;
    handlers[name] = distributedMap(state, name);
  }
  return new StateMachine(root as unknown as StateMachineDefinition, { validationOptions: { checkArn: false } });
}

/** Runs one machine (or a Distributed Map's ItemProcessor) to its end; throws its ExecutionError. */
async function execute(definition: { States: States }, handlers: Readonly<Bound>, input: Json, options: LocalRunOptions): Promise<Json> {
  const bound: Bound = { ...handlers };
  const machine = prepare(definition, bound, (state, name) => async (value) => {
    options.onState?.(name);
    return runDistributedMap(state, value, handlers, options);
  });
  const tasks = Object.keys(bound);
  const retryIntervalOverrides = options.retryIntervalMs === undefined ? undefined : Object.fromEntries(tasks.map((t) => [t, options.retryIntervalMs as number]));
  const execution = machine.run(input as never, { overrides: { taskResourceLocalHandlers: bound as never, ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}) } });
  return (await execution.result) as Json;
}

async function runDistributedMap(state: DistributedMapState, input: Json, handlers: Readonly<Bound>, options: LocalRunOptions): Promise<Json> {
  let items: Json[];
  if (state.ItemReader) {
    if (!/:states:::s3:getObject$/.test(state.ItemReader.Resource) || (state.ItemReader.ReaderConfig?.InputType ?? 'JSON') !== 'JSON') {
      throw new StatesError('States.Runtime', `local runner: unsupported ItemReader ${state.ItemReader.Resource}`);
    }
    if (!options.readItems) throw new StatesError('States.Runtime', 'local runner: an ItemReader needs readItems');
    const params = applyTemplate(state.ItemReader.Parameters ?? {}, input, {}) as { Bucket: string; Key: string };
    items = (await options.readItems(params.Bucket, params.Key)) as Json[];
    if (state.ItemReader.ReaderConfig?.MaxItems) items = items.slice(0, state.ItemReader.ReaderConfig.MaxItems);
  } else {
    const found = evaluatePath(state.ItemsPath ?? '$', input, {});
    if (!Array.isArray(found)) throw new StatesError('States.Runtime', 'the Map items are not an array');
    items = found;
  }
  const selected = items.map((item, index) => (state.ItemSelector ? applyTemplate(state.ItemSelector, input, { Map: { Item: { Value: item, Index: index } } }) : item));
  const children: Json[] = [];
  if (state.ItemBatcher) {
    const size = state.ItemBatcher.MaxItemsPerBatch && state.ItemBatcher.MaxItemsPerBatch > 0 ? state.ItemBatcher.MaxItemsPerBatch : selected.length;
    const batchInput = state.ItemBatcher.BatchInput ? applyTemplate(state.ItemBatcher.BatchInput, input, {}) : undefined;
    for (let i = 0; i < selected.length; i += size) children.push({ ...(batchInput !== undefined ? { BatchInput: batchInput } : {}), Items: selected.slice(i, i + size) });
  } else {
    children.push(...selected);
  }
  const processor = { ...state.ItemProcessor };
  delete processor.ProcessorConfig;
  const concurrency = Math.min(state.MaxConcurrency && state.MaxConcurrency > 0 ? state.MaxConcurrency : children.length || 1, options.maxLocalConcurrency ?? 8);
  let failures = 0;
  const outputs = await mapLimit(children, concurrency, async (child) => {
    try {
      return await execute(processor, handlers, child, options);
    } catch {
      failures += 1;
      return null;
    }
  });
  const tolerated = Math.max(state.ToleratedFailureCount ?? 0, Math.floor(((state.ToleratedFailurePercentage ?? 0) / 100) * children.length));
  if (failures > tolerated) throw new StatesError('States.ExceedToleratedFailureThreshold', `${failures} of ${children.length} child executions failed`);
  return outputs;
}

/** Runs one execution to its end; every Task state must have a handler. */
export async function runLocally(
  definition: Record<string, unknown>,
  handlers: Readonly<Record<string, TaskHandler>>,
  input: unknown,
  options: LocalRunOptions = {},
): Promise<LocalRunResult> {
  const tasks = taskStateNames(definition as { States: States });
  const missing = tasks.filter((name) => !handlers[name]);
  if (missing.length > 0) throw new Error(`no local handler for task state(s) ${missing.join(', ')}`);
  const bound: Bound = {};
  for (const name of tasks) {
    const handler = handlers[name] as (input: unknown) => unknown;
    bound[name] = async (value) => {
      options.onState?.(name);
      return (await handler(value)) as Json;
    };
  }
  try {
    return { status: 'SUCCEEDED', output: await execute(definition as { States: States }, bound, input as Json, options) };
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
