import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { mapLimit } from '../core/concurrency';

/**
 * Runs a synthesized state machine definition on this machine with aws-local-stepfunctions,
 * task states bound to local handlers by state name. aws-local-stepfunctions ignores every
 * Distributed Map feature (ItemReader, ItemBatcher, tolerated failures), so each Distributed
 * Map state is run here instead: its items are read as its ItemReader would (from S3, through
 * `readItems`), shaped by its ItemSelector, batched by its ItemBatcher, and each batch runs its
 * ItemProcessor as a state machine of its own, at most MaxConcurrency at once. Every other
 * state runs as defined. (A minimal runner for the org audit; the deletion workflow's runner
 * may replace it.)
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };
export type LocalHandler = (input: Json) => Promise<Json> | Json;

export interface LocalRunOptions {
  /** Task state name -> handler (the same for the top level and every ItemProcessor). */
  handlers: Record<string, LocalHandler>;
  /** What an S3 ItemReader reads: the JSON array at s3://bucket/key. */
  readItems?: (bucket: string, key: string) => Promise<Json[]>;
  /** Caps MaxConcurrency locally (one process, two cores). */
  maxLocalConcurrency?: number;
  /** Called for each state entered (progress in the demo). */
  onState?: (name: string) => void;
}

// aws-local-stepfunctions 3 uses Promise.withResolvers (Node 22); without it a throwing handler crashes the run on Node 20.
function polyfillWithResolvers(): void {
  const P = Promise as unknown as { withResolvers?: () => unknown };
  if (typeof P.withResolvers === 'function') return;
  P.withResolvers = function withResolvers<T>() {
    let resolve!: (value: T) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

/** A named error the state machine's Retry and Catch can match. */
export class StatesError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

/** Evaluates a simple JSONPath (`$`, `$.a.b`, `$$.Map.Item.Value.x`) against input and context. */
export function evaluatePath(path: string, input: Json, context: Json): Json {
  const [root, rest] = path.startsWith('$$') ? [context, path.slice(2)] : [input, path.slice(1)];
  if (!path.startsWith('$')) throw new StatesError('States.Runtime', `unsupported path ${path}`);
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
  ItemProcessor: { ProcessorConfig?: { Mode?: string }; StartAt: string; States: Record<string, unknown> };
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

/** Runs `definition` with `input`; resolves with the execution's output or rejects with its error. */
export async function runLocally(definition: unknown, input: Json, options: LocalRunOptions): Promise<Json> {
  polyfillWithResolvers();
  const root = structuredClone(definition) as { StartAt: string; States: Record<string, unknown> };
  const handlers: Record<string, LocalHandler> = {};
  for (const [name, handler] of Object.entries(options.handlers)) {
    handlers[name] = async (value: Json) => {
      options.onState?.(name);
      return handler(value);
    };
  }
  for (const [name, state] of Object.entries(root.States)) {
    if (!isDistributedMap(state)) continue;
    const task: Record<string, unknown> = { Type: 'Task', Resource: 'arn:aws:states:::local:distributed-map' };
    for (const field of KEPT_FIELDS) if (field in state) task[field] = state[field];
    root.States[name] = task;
    handlers[name] = (value: Json) => {
      options.onState?.(name);
      return runDistributedMap(state, value, options, handlers);
    };
  }
  const machine = new StateMachine(root as unknown as StateMachineDefinition, { validationOptions: { checkArn: false } });
  const execution = machine.run(input as never, { overrides: { taskResourceLocalHandlers: handlers as never } });
  return (await execution.result) as Json;
}

async function runDistributedMap(state: DistributedMapState, input: Json, options: LocalRunOptions, handlers: Record<string, LocalHandler>): Promise<Json> {
  let items: Json[];
  if (state.ItemReader) {
    if (!/:states:::s3:getObject$/.test(state.ItemReader.Resource) || (state.ItemReader.ReaderConfig?.InputType ?? 'JSON') !== 'JSON') {
      throw new StatesError('States.Runtime', `local runner: unsupported ItemReader ${state.ItemReader.Resource}`);
    }
    if (!options.readItems) throw new StatesError('States.Runtime', 'local runner: an ItemReader needs readItems');
    const params = applyTemplate(state.ItemReader.Parameters ?? {}, input, {}) as { Bucket: string; Key: string };
    items = await options.readItems(params.Bucket, params.Key);
    if (state.ItemReader.ReaderConfig?.MaxItems) items = items.slice(0, state.ItemReader.ReaderConfig.MaxItems);
  } else {
    const found = evaluatePath(state.ItemsPath ?? '$', input, {});
    if (!Array.isArray(found)) throw new StatesError('States.Runtime', 'the Map items are not an array');
    items = found;
  }
  const selected = items.map((item, index) =>
    state.ItemSelector ? applyTemplate(state.ItemSelector, input, { Map: { Item: { Value: item, Index: index } } }) : item,
  );
  const batchSize = state.ItemBatcher?.MaxItemsPerBatch;
  const batchInput = state.ItemBatcher?.BatchInput ? applyTemplate(state.ItemBatcher.BatchInput, input, {}) : undefined;
  const children: Json[] = [];
  if (state.ItemBatcher) {
    const size = batchSize && batchSize > 0 ? batchSize : selected.length;
    for (let i = 0; i < selected.length; i += size) {
      children.push({ ...(batchInput !== undefined ? { BatchInput: batchInput } : {}), Items: selected.slice(i, i + size) });
    }
  } else {
    children.push(...selected);
  }
  const processor: Record<string, unknown> = { ...state.ItemProcessor };
  delete processor.ProcessorConfig;
  const concurrency = Math.min(state.MaxConcurrency && state.MaxConcurrency > 0 ? state.MaxConcurrency : children.length || 1, options.maxLocalConcurrency ?? 8);
  let failures = 0;
  const outputs = await mapLimit(children, concurrency, async (child) => {
    try {
      const machine = new StateMachine(processor as unknown as StateMachineDefinition, { validationOptions: { checkArn: false } });
      return (await machine.run(child as never, { overrides: { taskResourceLocalHandlers: handlers as never } }).result) as Json;
    } catch {
      failures += 1;
      return null;
    }
  });
  const tolerated = Math.max(
    state.ToleratedFailureCount ?? 0,
    Math.floor(((state.ToleratedFailurePercentage ?? 0) / 100) * children.length),
  );
  if (failures > tolerated) {
    throw new StatesError('States.ExceedToleratedFailureThreshold', `${failures} of ${children.length} child executions failed`);
  }
  return outputs;
}
