import { INVENTORY_LABEL } from '../lambda/aws/client-factory';

/** What one source label did against the synthetic account. */
export interface LabelPages {
  /** Calls answered by a populated listing (every page of every pass, and per-resource queries). */
  listingCalls: number;
  /** The fewest pages those passes could have taken at the API's maximum page size. */
  fullPages: number;
  /** "ec2:DescribeNetworkInterfaces MaxResults 100 (max 1000)": page sizes asked below the maximum. */
  smallPages: string[];
  /** "rds:DescribeDBInstances {DBInstanceIdentifier}": queries for named resources or groups. */
  perResource: string[];
  /** Every call by command name ("DescribeNetworkInterfaces"), populated or not. */
  commands: Record<string, number>;
}

/**
 * Keeps, per source label, the calls the populated listings answered and the pages they needed
 * at most. A well-behaved source makes `fullPages` listing calls plus a fixed number of others.
 * Labels are the audit's own (the ClientFactory's call counter: a source id, "inventory" or
 * "shared:<key>"), so the ledger and the report attribute every call alike.
 */
export class PageLedger {
  private readonly byLabel = new Map<string, LabelPages>();
  private readonly requests = new Map<string, number>();
  /** Time spent making fixture pages (not the audit's work). */
  mockMs = 0;

  constructor(private readonly currentLabel: () => string = () => INVENTORY_LABEL) {}

  /** The current label's entry, created on first use. */
  entry(): LabelPages {
    const label = this.currentLabel();
    let pages = this.byLabel.get(label);
    if (!pages) {
      pages = { listingCalls: 0, fullPages: 0, smallPages: [], perResource: [], commands: {} };
      this.byLabel.set(label, pages);
    }
    return pages;
  }

  /** Counts one call of `command` (of the service `client` names) with `input` for the current label. */
  called(command: string, input: unknown = {}, client = ''): LabelPages {
    const pages = this.entry();
    pages.commands[command] = (pages.commands[command] ?? 0) + 1;
    const request = `${client}${client ? ' ' : ''}${command} ${JSON.stringify(input)}`;
    this.requests.set(request, (this.requests.get(request) ?? 0) + 1);
    return pages;
  }

  /** "EC2Client DescribeSpotFleetRequests {...} x2": identical requests sent more than once (one region: a listing fetched twice). */
  repeated(): string[] {
    return [...this.requests].filter(([, n]) => n > 1).map(([request, n]) => `${request} x${n}`);
  }

  /** label -> pages, for every label that made a mocked call. */
  snapshot(): Record<string, LabelPages> {
    return Object.fromEntries(this.byLabel);
  }
}

/** One populated, paginated listing: items are made on demand so the fixture holds no arrays. */
export interface Listing<T> {
  /** "ec2:DescribeNetworkInterfaces", for messages. */
  name: string;
  total: number;
  item(index: number): T;
  /** Input and output token fields: NextToken/NextToken, Marker/NextMarker, Marker/Marker... */
  tokenIn: string;
  tokenOut: string;
  /** Input page-size field: MaxResults, MaxRecords, PageSize, MaxItems, maxResults. */
  sizeKey: string;
  /** The API's largest page. */
  maxPage: number;
  /** The page the API returns when no size is asked (EC2 returns everything). */
  defaultPage: number;
  /** Turns one page of items into the response body (default: `{ [listKey]: items }`). */
  body?: (items: T[]) => Record<string, unknown>;
  listKey: string;
}

type Input = Record<string, unknown>;

/** Input fields that name resources or groups: such a call is per resource, not a bulk listing. */
function perResourceKeys(input: Input): string[] {
  const keys = Object.entries(input)
    .filter(([key, value]) => /(Ids|Names|Arns|Identifier|Id|Name)$/.test(key) && value !== undefined && !(Array.isArray(value) && value.length === 0))
    .map(([key]) => key);
  const filters = Array.isArray(input.Filters) ? (input.Filters as Array<{ Name?: string }>) : [];
  for (const f of filters) if (f.Name && /(-id|group-name)$/.test(f.Name)) keys.push(`Filter ${f.Name}`);
  return keys;
}

/** Lets the event loop turn, as a network response would, so the memory sampler gets to run. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A fake for aws-sdk-client-mock's `callsFake` that pages `listing` the way the API does:
 * honours the page-size field up to the API's maximum and returns an offset token until the end.
 */
export function paged<T>(ledger: PageLedger, listing: Listing<T>, allowedKeys: readonly string[] = []) {
  return async (input: Input): Promise<Record<string, unknown>> => {
    await nextTurn();
    const pages = ledger.called(listing.name.slice(listing.name.indexOf(':') + 1).replace(/ \(.*\)$/, ''), input, listing.name);
    pages.listingCalls += 1;
    const named = perResourceKeys(input).filter((k) => !allowedKeys.includes(k));
    if (named.length > 0) {
      const note = `${listing.name} {${named.join(', ')}}`;
      if (!pages.perResource.includes(note)) pages.perResource.push(note);
      return { [listing.listKey]: [] };
    }
    const asked = input[listing.sizeKey];
    const size = typeof asked === 'number' ? Math.min(asked, listing.maxPage) : listing.defaultPage;
    if (size < listing.maxPage && size < listing.total) {
      const note = `${listing.name} ${typeof asked === 'number' ? `${listing.sizeKey} ${asked}` : `no ${listing.sizeKey}`} (max ${listing.maxPage})`;
      if (!pages.smallPages.includes(note)) pages.smallPages.push(note);
    }
    const token = input[listing.tokenIn];
    const start = typeof token === 'string' && token !== '' ? Number(token) : 0;
    if (start === 0) pages.fullPages += Math.max(1, Math.ceil(listing.total / listing.maxPage));
    const end = Math.min(listing.total, start + Math.max(1, size));
    const made = performance.now();
    const items: T[] = [];
    for (let i = start; i < end; i++) items.push(listing.item(i));
    const body = listing.body ? listing.body(items) : { [listing.listKey]: items };
    ledger.mockMs += performance.now() - made;
    return end < listing.total ? { ...body, [listing.tokenOut]: String(end) } : body;
  };
}
