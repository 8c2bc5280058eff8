import { AsyncLocalStorage } from 'node:async_hooks';

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

  /** Runs `fn` with every call it makes attributed to `label`. */
  run<T>(label: string, fn: () => Promise<T>): Promise<T> {
    return this.scope.run(label, fn);
  }

  record(region: string): void {
    const key = `${region}\u0000${this.scope.getStore() ?? INVENTORY_LABEL}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
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

  constructor(options: ClientFactoryOptions = {}) {
    this.counter = options.counter ?? new CallCounter();
    this.credentials = options.credentials;
    const fromEnv = Number(process.env.AWS_MAX_ATTEMPTS);
    this.maxAttempts = options.maxAttempts ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 5);
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

  /** Closes every client's sockets (the CLI calls this before exiting). */
  destroy(): void {
    for (const clients of this.regions.values()) for (const client of clients.values()) client.destroy();
    this.regions.clear();
  }

  private create<C extends SdkClient>(ctor: ClientCtor<C>, region: string): C {
    const client = new ctor({
      region,
      retryMode: process.env.AWS_RETRY_MODE ?? 'adaptive',
      maxAttempts: this.maxAttempts,
      // Services with a host prefix (MWAA's "api.") cannot reach a custom endpoint with it.
      ...(process.env.AWS_ENDPOINT_URL ? { disableHostPrefix: true } : {}),
      ...(this.credentials ? { credentials: this.credentials } : {}),
    });
    // Count at `send` (looked up on the prototype at call time) rather than in middleware, so
    // the count is the same with real clients and with aws-sdk-client-mock's stubs (bench).
    const counter = this.counter;
    const proto = Object.getPrototypeOf(client) as SdkClient;
    client.send = function countedSend(this: SdkClient, command: unknown, ...rest: unknown[]) {
      counter.record(region);
      return proto.send.call(client, command, ...rest);
    };
    return client;
  }
}
