import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** Any SDK v3 client: constructed from a config object, sends commands. */
export interface SdkClient {
  send(command: unknown, ...rest: unknown[]): Promise<unknown>;
  destroy(): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ClientCtor<C extends SdkClient> = new (config: any) => C;

/** The clients of one region, created on first use and reused for the whole run. */
export interface RegionClients {
  readonly region: string;
  get<C extends SdkClient>(ctor: ClientCtor<C>): C;
}

/** Whether a failed call got as far as an answer from the service (an AWS error has an HTTP status). */
function reachedService(error: unknown): boolean {
  return typeof (error as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata?.httpStatusCode === 'number';
}

/** One signal is shared by every concurrent call, each adding a listener: no leak warning for that. */
function abortController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/** One answer of an SDK call, as a response observer sees it. */
export interface SdkResponse {
  /** The client's service id ("Lambda", "EC2"). */
  service: string;
  /** The operation ("ListFunctions"). */
  operation: string;
  /** The deserialized output, exactly as the caller gets it. */
  output: unknown;
}

/** Sees every successful answer sent from inside its scope; must never throw. */
export type ResponseObserver = (response: SdkResponse) => void;

// Separate from the call counter's scope: the observer is set per scan (see runScanner) and
// cleared for work that one scan starts on behalf of others (shared listings).
const responseScope = new AsyncLocalStorage<ResponseObserver | undefined>();

/** Runs `fn` with every answer its calls get (through factory clients) handed to `observer`. */
export function observeResponses<T>(observer: ResponseObserver, fn: () => Promise<T>): Promise<T> {
  return responseScope.run(observer, fn);
}

/** Runs `fn` with no response observer (for work done on behalf of several scans). */
export function withoutResponseObserver<T>(fn: () => T): T {
  return responseScope.run(undefined, fn);
}

/**
 * The operation a command calls ("ListFunctions"), from its schema (`[kind, namespace, name, ...]`
 * in SDK 3.9xx), which survives the bundle's minification, unlike the class name.
 */
function operationOf(command: unknown): string {
  const schema = (command as { schema?: unknown } | undefined)?.schema;
  if (Array.isArray(schema) && typeof schema[2] === 'string') return schema[2];
  const name = (schema as { name?: unknown } | undefined)?.name;
  if (typeof name === 'string') return name;
  const ctor = (command as { constructor?: { name?: unknown } } | undefined)?.constructor?.name;
  return typeof ctor === 'string' && ctor.endsWith('Command') ? ctor.slice(0, -'Command'.length) : 'unknown operation';
}

/** The service a client calls ("Lambda", "EC2"): its configured service id. */
function serviceOf(client: unknown): string {
  const id = (client as { config?: { serviceId?: unknown } } | undefined)?.config?.serviceId;
  return typeof id === 'string' && id ? id : 'AWS';
}

/** Label for calls made outside any scanner (inventory, region discovery, deletion). */
export const INVENTORY_LABEL = 'inventory';

/**
 * Counts API calls (one per command sent, retries not included) by region and by the source
 * that made them. The source comes from an AsyncLocalStorage scope, so scanners need no
 * bookkeeping and calls made through shared clients are still attributed correctly.
 */
export class CallCounter {
  private readonly scope = new AsyncLocalStorage<string>();
  private readonly counts = new Map<string, number>();
  private readonly answers = new Map<string, number>();

  /** Runs `fn` with every call it makes attributed to `label`. */
  run<T>(label: string, fn: () => Promise<T>): Promise<T> {
    return this.scope.run(label, fn);
  }

  /** The label calls made here are attributed to. */
  currentLabel(): string {
    return this.scope.getStore() ?? INVENTORY_LABEL;
  }

  /** Counts one call in `region` under the current label, and returns that label. */
  record(region: string): string {
    const label = this.currentLabel();
    const key = `${region}\u0000${label}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    return label;
  }

  /** Counts one call that reached its service (an answer, an AWS error included). */
  recordAnswer(region: string, label: string): void {
    const key = `${region}\u0000${label}`;
    this.answers.set(key, (this.answers.get(key) ?? 0) + 1);
  }

  /** Calls made in `region` under `label` that got an answer from the service. */
  answered(region: string, label: string): number {
    return this.answers.get(`${region}\u0000${label}`) ?? 0;
  }

  /** Calls made in `region` under `label`. */
  count(region: string, label: string): number {
    return this.counts.get(`${region}\u0000${label}`) ?? 0;
  }

  /** Calls made in `region`, every label. */
  regionTotal(region: string): number {
    let total = 0;
    for (const [key, n] of this.counts) if (key.startsWith(`${region}\u0000`)) total += n;
    return total;
  }

  /** label -> calls, over every region. */
  byLabel(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, n] of this.counts) {
      const label = key.slice(key.indexOf('\u0000') + 1);
      out[label] = (out[label] ?? 0) + n;
    }
    return out;
  }

  total(): number {
    let total = 0;
    for (const n of this.counts.values()) total += n;
    return total;
  }
}

/** One AWS call as sent: who sent it, to which service, what, where (for the IAM conformance tests). */
export interface RecordedCall {
  /** The Lambda or state-machine task that made the call (CallRecorder.as). */
  actor: string;
  /** The assumed role the call was signed with (a member role's ARN); absent: the actor's own role. */
  identity?: string;
  /** The SDK's service id (EC2, S3, KMS, ...). */
  serviceId: string;
  /** The operation (DeleteSecurityGroup, PutObject, ...). */
  operation: string;
  region: string;
  input: Record<string, unknown>;
}

/**
 * Records every call sent by the clients it is attached to, attributed to the actor whose work
 * is running (an AsyncLocalStorage scope, as CallCounter does). Off unless a test turns it on
 * with `recordCalls`: then every client a ClientFactory creates is recorded, and calls made
 * outside any `as` scope (test setup) are not.
 */
export class CallRecorder {
  private readonly scope = new AsyncLocalStorage<string>();
  readonly calls: RecordedCall[] = [];

  /** Runs `fn` with every recorded call attributed to `actor`. */
  as<T>(actor: string, fn: () => T): T {
    return this.scope.run(actor, fn);
  }

  /** Records the calls of one client (signed as `identity` when given). */
  attach<C extends SdkClient>(client: C, identity?: string): C {
    const { scope, calls } = this;
    const sdk = client as unknown as {
      config: { serviceId?: string; region: () => Promise<string> };
      middlewareStack: { add(mw: unknown, options: { step: string; name: string; override?: boolean }): void };
    };
    sdk.middlewareStack.add(
      (next: (args: { input: unknown }) => Promise<unknown>, context: { commandName?: string }) => async (args: { input: unknown }) => {
        const actor = scope.getStore();
        if (actor !== undefined) {
          calls.push({
            actor,
            ...(identity ? { identity } : {}),
            serviceId: sdk.config.serviceId ?? 'unknown',
            operation: (context.commandName ?? 'unknown').replace(/Command$/, ''),
            region: await sdk.config.region(),
            input: { ...(args.input as Record<string, unknown>) },
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'sgAuditorCallRecorder', override: true },
    );
    return client;
  }
}

let activeRecorder: CallRecorder | undefined;

/** Turns recording on for every client ClientFactory creates from now on (tests only); undefined turns it off. */
export function recordCalls(recorder: CallRecorder | undefined): void {
  activeRecorder = recorder;
}

/** How long one attempt of one call may take; the SDK retries a timed-out attempt like any transient error. */
export interface HttpTimeouts {
  /** Until the TCP connection is open. */
  connectionMs: number;
  /** From sending the request to the last byte of the answer. */
  requestMs: number;
}

/**
 * Connecting to an AWS endpoint takes milliseconds; 5 s still allows two lost SYNs. The slowest
 * answers the audit waits for (CloudTrail LookupEvents, 1,000-item EC2 Describe pages of a large
 * account) take a few seconds; 30 s is several times that. A service that accepts connections and
 * never answers then fails its source after 5 attempts in about 2.5 minutes, well inside the
 * audit Lambda's 15 minutes, instead of hanging it.
 */
export const DEFAULT_HTTP_TIMEOUTS: Readonly<HttpTimeouts> = { connectionMs: 5_000, requestMs: 30_000 };

export interface ClientFactoryOptions {
  /** Shared call counter; a new one by default. */
  counter?: CallCounter;
  /** Overrides AWS_MAX_ATTEMPTS; default 5 with adaptive retries. */
  maxAttempts?: number;
  /**
   * Credentials for every client of this factory (an assumed member role: see member-role.ts);
   * the SDK's default chain when absent. A factory is one account: one client per service and region.
   */
  credentials?: CredentialsProvider;
  /** Overrides DEFAULT_HTTP_TIMEOUTS (tests use short ones). */
  timeouts?: Partial<HttpTimeouts>;
  /** Who `credentials` are (the assumed role's ARN), for recorded calls. */
  identity?: string;
}

/** What the SDK accepts as `credentials`: a provider it calls again when the last ones expire. */
export type CredentialsProvider = () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date }>;

/**
 * Creates one client per service per region and reuses it. Clients use the standard SDK
 * environment (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, credentials) and adaptive retries.
 */
export class ClientFactory {
  readonly counter: CallCounter;
  private readonly regions = new Map<string, Map<unknown, SdkClient>>();
  private readonly maxAttempts: number;
  private readonly credentials: CredentialsProvider | undefined;
  private readonly identity: string | undefined;
  readonly timeouts: Readonly<HttpTimeouts>;
  // Aborts every call still in flight when the factory is destroyed (no retries follow an abort).
  private inFlight = abortController();

  constructor(options: ClientFactoryOptions = {}) {
    this.counter = options.counter ?? new CallCounter();
    this.credentials = options.credentials;
    this.identity = options.identity;
    const fromEnv = Number(process.env.AWS_MAX_ATTEMPTS);
    this.maxAttempts = options.maxAttempts ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 5);
    this.timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...options.timeouts };
  }

  forRegion(region: string): RegionClients {
    let clients = this.regions.get(region);
    if (!clients) {
      clients = new Map();
      this.regions.set(region, clients);
    }
    const cache = clients;
    return {
      region,
      get: <C extends SdkClient>(ctor: ClientCtor<C>): C => {
        let client = cache.get(ctor) as C | undefined;
        if (!client) {
          client = this.create(ctor, region);
          cache.set(ctor, client);
        }
        return client;
      },
    };
  }

  /** Aborts the calls still in flight and closes every client's sockets (the CLI calls this before exiting). */
  destroy(): void {
    this.inFlight.abort();
    this.inFlight = abortController();
    for (const clients of this.regions.values()) for (const client of clients.values()) client.destroy();
    this.regions.clear();
  }

  private create<C extends SdkClient>(ctor: ClientCtor<C>, region: string): C {
    const timeouts = { connectionTimeout: this.timeouts.connectionMs, requestTimeout: this.timeouts.requestMs, throwOnRequestTimeout: true };
    let client = this.construct(ctor, region, timeouts);
    // Clients built before the SDK's Smithy packages (e.g. @aws-sdk/client-osis 3.332, the newest in
    // the registry) keep a plain options object as their handler and fail every call with
    // "requestHandler.handle is not a function": give them a handler instance with the same timeouts.
    // They predate AWS_ENDPOINT_URL too, so it is passed to them as their endpoint.
    if (typeof (client as { config?: { requestHandler?: { handle?: unknown } } }).config?.requestHandler?.handle !== 'function') {
      client.destroy();
      const endpoint = process.env.AWS_ENDPOINT_URL;
      client = this.construct(ctor, region, new NodeHttpHandler(timeouts), endpoint ? { endpoint } : {});
    }
    activeRecorder?.attach(client, this.identity);
    // Count at `send` (looked up on the prototype at call time) rather than in middleware, so
    // the count is the same with real clients and with aws-sdk-client-mock's stubs (bench).
    const counter = this.counter;
    const inFlight = (): AbortSignal => this.inFlight.signal;
    const proto = Object.getPrototypeOf(client) as SdkClient;
    client.send = function countedSend(this: SdkClient, command: unknown, options?: unknown, ...rest: unknown[]) {
      const label = counter.record(region);
      const observer = responseScope.getStore();
      const withAbort = typeof options === 'function' ? options : { abortSignal: inFlight(), ...(options as object | undefined) };
      const sent = proto.send.call(client, command, withAbort, ...rest) as unknown;
      // A callback-style send (or a test stub) may not return a promise: nothing to watch then.
      if (typeof (sent as Promise<unknown> | undefined)?.then !== 'function') return sent as Promise<unknown>;
      return (sent as Promise<unknown>).then(
        (output) => {
          counter.recordAnswer(region, label);
          if (observer) observer({ service: serviceOf(client), operation: operationOf(command), output });
          return output;
        },
        (error: unknown) => {
          if (reachedService(error)) counter.recordAnswer(region, label);
          throw error;
        },
      );
    };
    return client;
  }

  /** One client with the factory's retries, timeouts (`requestHandler`), endpoint and credentials. */
  private construct<C extends SdkClient>(ctor: ClientCtor<C>, region: string, requestHandler: unknown, extra: Record<string, unknown> = {}): C {
    return new ctor({
      ...extra,
      region,
      retryMode: process.env.AWS_RETRY_MODE ?? 'adaptive',
      maxAttempts: this.maxAttempts,
      // The SDK sets no timeout of its own: without these a call that is never answered hangs.
      // throwOnRequestTimeout makes requestTimeout an error (it only logs a warning otherwise);
      // older clients read requestTimeout as a socket idle timeout, which also ends such a call.
      requestHandler,
      // Services with a host prefix (MWAA's "api.") cannot reach a custom endpoint with it.
      ...(process.env.AWS_ENDPOINT_URL ? { disableHostPrefix: true } : {}),
      ...(this.credentials ? { credentials: this.credentials } : {}),
    });
  }
}
