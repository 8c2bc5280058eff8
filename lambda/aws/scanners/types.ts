import type { Activity, ActivityWindow, GroupRecord, SourceId } from '../../core/model';
import type { RegionClients } from '../client-factory';

/** The evidence a scanner reports for every group id it finds on one resource. */
export interface Evidence {
  /** What the resource is, for people: "EC2 instance", "ALB", "Lambda function". */
  resourceType: string;
  /** Its id or ARN. */
  resourceId: string;
  resourceName?: string;
  /** Anything that helps a reviewer: state, version, "desiredCount 0". */
  detail?: string;
}

export interface ScanContext {
  accountId: string;
  /** Every group of the region, from the inventory. */
  groups: readonly GroupRecord[];
  /** Groups still candidates after every other scanner; only filled for `afterClassify` scanners. */
  candidates: ReadonlySet<string>;
  minAgeDays: number;
  /** recent-activity's window (0 = off). */
  idleDays: number;
  now: Date;
  /**
   * Records that the given groups are used by one resource. Usages are kept as they are
   * reported, so a scanner that fails part-way still hands over what it read (fail closed).
   * Each reference is a group id or a security-group ARN (recorded as the id it names).
   * Ids that are undefined, empty or duplicated are ignored.
   */
  found(groupIds: Iterable<string | undefined | null> | undefined | null, evidence: Evidence): void;
  /** cloudtrail-age: records when a group was created. */
  created(groupId: string, isoTime: string): void;
  /**
   * A listing that several sources read, fetched once per region and audit run: every source
   * that asks iterates the same pages as they arrive, then gets the same error if the fetch
   * fails (which fails each of them, after they have used the pages read so far). Where the
   * listing's service is not offered in the region, no pages.
   */
  shared<T>(listing: SharedListing<T>): AsyncIterable<readonly T[]>;
  /** Whether a source is excluded by skipSources in this audit (a scanner reading another source's service then leaves that part out). */
  isSkipped(source: SourceId): boolean;
}

/** A listing more than one scanner needs (DescribeNetworkInterfaces for network-interfaces and efs, ...). */
export interface SharedListing<T> {
  /** "ec2:network-interfaces": its calls are counted as `shared:<key>`, and each scan names the listings it read. */
  key: string;
  /** Its service code, for the "not offered" check (see Scanner.service). */
  service: string;
  /** Reads the whole listing, handing over each page's items as they arrive. */
  fetch(clients: RegionClients, emit: (items: readonly T[]) => void): Promise<void>;
}

/** What a scan may add besides its usages. */
export interface ScanOutcome {
  note?: string;
  /** recent-activity: each group's latest activity in the window, and how far back it read. */
  activity?: Record<string, Activity>;
  activityWindow?: ActivityWindow;
}

/**
 * One usage source: a few bulk, paginated listings turned into group usages.
 * Throwing marks the source failed for the region, which makes every group without positive
 * evidence `unknown`; never catch an error to make a scan look clean.
 */
export interface Scanner {
  source: SourceId;
  /**
   * The service code in SSM's global-infrastructure parameters
   * (/aws/service/global-infrastructure/regions/<region>/services/<code>). Every source is
   * called; only when its first call fails because the endpoint does not exist is this code
   * looked up, and a service the region does not list is then "not offered". Undefined for
   * scanners that make no calls of their own.
   */
  service?: string;
  /**
   * The places this scanner reads groups from: CloudFormation resource types
   * (`AWS::Kendra::DataSource`) and, for places that are not CloudFormation types, `place:<name>`
   * ids. The coverage ledger (beside the scanners) holds every group-holding type to a scanner
   * that declares it here, or says why none does.
   */
  covers?: readonly string[];
  /** Every IAM action `scan` calls: the CDK stack grants exactly the union of these. */
  actions: readonly string[];
  /**
   * Shared listings the scanner will read that need no inventory: the audit starts them before
   * the inventory, so a slow, rate-limited listing (CloudTrail LookupEvents at 2/s) runs while
   * the groups load. Not called for a skipped source.
   */
  prefetch?(window: { now: Date; minAgeDays: number; idleDays: number }): readonly SharedListing<unknown>[];
  /** Runs after a first classification, with `ctx.candidates` set (peered-references). */
  afterClassify?: boolean;
  /**
   * Makes many paced or one-after-another calls whose number does not shrink with the account
   * (one DescribeTaskDefinition per revision, GetParameters by tens, ...): the region starts it
   * before the scanners that answer in a call or two, so it does not begin last, behind the
   * region's whole scanner queue, and decide the region's time.
   */
  startsFirst?: boolean;
  scan(clients: RegionClients, region: string, ctx: ScanContext): Promise<ScanOutcome | void>;
}
