import { CloudTrailClient, LookupEventsCommand, type Event } from '@aws-sdk/client-cloudtrail';
import { groupIdOfRef } from '../../core/group-ref';
import type { SharedListing } from './types';

/*
 * The CloudTrail LookupEvents pages of one region, read once per audit run and shared by
 * cloudtrail-age (CreateSecurityGroup: group creation times) and recent-activity (write events
 * that launch or configure something with a group). LookupEvents allows 2 requests per second per
 * account and region, 50 events a page, one lookup attribute a request and 90 days of history,
 * so the two sources must not read the same pages or pace themselves separately: one listing,
 * one pacer, one page budget.
 */

export const DAY_MS = 24 * 60 * 60 * 1000;
/** LookupEvents only reaches back 90 days. */
export const HISTORY_DAYS = 90;
/** LookupEvents allows two requests per second per account and region. */
export const MIN_INTERVAL_MS = 500;
/** LookupEvents' largest page. */
const PAGE_SIZE = 50;
/**
 * Pages the activity queries may read per region and audit run, beyond what the age check needs:
 * at 2 per second, 160 pages take 80 s, and they run while the inventory and the other scanners
 * run. Where the budget stops a query early, the groups it could have kept are `unknown`.
 */
export const DEFAULT_PAGE_BUDGET = 160;

const CREATE_GROUP = 'CreateSecurityGroup';

/**
 * Write events that launch or configure a resource into a VPC with security groups, by
 * LookupEvents EventName (one query each; an EventName matches every service's event of that
 * name, e.g. CreateCluster of EKS, ECS, Redshift and MSK). Documented record shapes carry the
 * groups in requestParameters (RunInstances groupSet.items[].groupId and
 * networkInterfaceSet.items[].groupSet; RunJobFlow instances.emrManagedMasterSecurityGroup,
 * additionalSlaveSecurityGroups, ...; Lambda vpcConfig.securityGroupIds; ECS
 * networkConfiguration.awsvpcConfiguration.securityGroups; EKS resourcesVpcConfig.securityGroupIds;
 * RDS vpcSecurityGroupIds; launch templates LaunchTemplateData.SecurityGroupId / NetworkInterface
 * .SecurityGroupId), in responseElements where the call returns what it launched (RunInstances
 * instancesSet.items[].groupSet, CreateNetworkInterface networkInterface.groupSet, RDS
 * vpcSecurityGroups[].vpcSecurityGroupId) and, for some, in the event's Resources list. Rather
 * than one parser per shape, every string in requestParameters and responseElements that is a
 * group id or a security-group ARN counts, as the free-text sweep reads listings: a new field
 * is covered the day AWS adds it.
 */
export const USE_EVENT_NAMES = [
  // EC2: instances, interfaces, launch templates, Spot, fleets, endpoints
  'RunInstances',
  'CreateNetworkInterface',
  'ModifyNetworkInterfaceAttribute',
  'ModifyInstanceAttribute',
  'CreateLaunchTemplate',
  'CreateLaunchTemplateVersion',
  'RequestSpotInstances',
  'RequestSpotFleet',
  'CreateFleet',
  'CreateVpcEndpoint',
  'ModifyVpcEndpoint',
  // Auto Scaling, load balancers
  'CreateLaunchConfiguration',
  'CreateLoadBalancer',
  'SetSecurityGroups',
  // EMR, Lambda, ECS, EventBridge targets (ECS tasks), Batch
  'RunJobFlow',
  'CreateFunction20150331',
  'UpdateFunctionConfiguration20150331v2',
  'RunTask',
  'StartTask',
  'CreateService',
  'UpdateService',
  'PutTargets',
  'CreateComputeEnvironment',
  'UpdateComputeEnvironment',
  // EKS (and every other CreateCluster: ECS, Redshift, MSK, DAX, ...), node groups
  'CreateCluster',
  'CreateNodegroup',
  // RDS, ElastiCache
  'CreateDBInstance',
  'ModifyDBInstance',
  'CreateDBCluster',
  'ModifyDBCluster',
  'RestoreDBInstanceFromDBSnapshot',
  'RestoreDBClusterFromSnapshot',
  'CreateCacheCluster',
  'CreateReplicationGroup',
  // SageMaker jobs, CodeBuild projects
  'CreateTrainingJob',
  'CreateProcessingJob',
  'CreateProject',
  'UpdateProject',
] as const;

/**
 * Edits of a group's own rules: recorded as the group's last activity, never as use (see
 * recent-activity.ts). Ingress only (the edits people make; each name costs a request of the
 * budget): their first page, then only with the budget the use queries leave.
 */
export const RULE_EDIT_EVENT_NAMES = ['AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupIngress'] as const;

/** One event, reduced to what its readers use (the raw record, which may hold secrets, is dropped). */
export interface TrailEvent {
  kind: 'event';
  /** The query that returned it. */
  query: string;
  eventId: string;
  eventName: string;
  eventSource: string;
  /** ISO time; empty when the event has none (recent-activity then ignores it, cloudtrail-age fails). */
  time: string;
  /** userIdentity.arn, else Username, else the identity type. */
  principal: string;
  readOnly: boolean;
  errorCode?: string;
  /** Group ids named anywhere in Resources, requestParameters and responseElements (ARNs as ids). */
  groupIds: string[];
  /** Rule edits: the edited group (requestParameters.groupId, else Resources). */
  targetGroupId?: string;
  /** CreateSecurityGroup: the created group (responseElements.groupId, else Resources). */
  createdGroupId?: string;
  /** CreateSecurityGroup: why the created group could not be read (cloudtrail-age fails on it). */
  unreadable?: string;
}

/** How far back one query read: `complete` when it reached its window's start. */
export interface TrailQueryEnd {
  kind: 'query-end';
  query: string;
  /** The window's start. */
  from: string;
  /** The oldest time read (the window's start when complete). */
  reached: string;
  complete: boolean;
  pages: number;
}

export type TrailItem = TrailEvent | TrailQueryEnd;

export interface TrailWindowOptions {
  now: Date;
  /** The age check's window (0 = off). */
  minAgeDays: number;
  /** The activity window (0 = off). */
  idleDays: number;
}

export interface TrailPacing {
  /** Waits between pages; tests pass a no-op. */
  sleep?: (ms: number) => Promise<void>;
  minIntervalMs?: number;
  /** Pages beyond the age check's own (default DEFAULT_PAGE_BUDGET). */
  pageBudget?: number;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface Query {
  name: string;
  from: Date;
  /** Never cut before this time (the age check's window). */
  mandatoryFrom?: Date;
  kind: 'create' | 'use' | 'rule-edit';
  /** Read past its first page only once every use query is complete (display, or a refinement). */
  low: boolean;
  reached: Date;
  nextToken?: string;
  started: boolean;
  done: boolean;
  pages: number;
}

/**
 * The shared listing for the given windows. Both sources build it from the same context, so the
 * key (which names the windows) matches and the first reader's instance fetches for both.
 */
export function cloudTrailListing(window: TrailWindowOptions, pacing: TrailPacing = {}): SharedListing<TrailItem> {
  const idle = Math.min(window.idleDays, HISTORY_DAYS);
  const age = Math.min(window.minAgeDays, HISTORY_DAYS);
  return {
    key: `cloudtrail:lookup-events:${window.now.toISOString()}:age${age}:idle${idle}`,
    service: 'cloudtrail',
    fetch: (clients, emit) => readTrail(clients.get(CloudTrailClient), window.now, age, idle, pacing, emit),
  };
}

async function readTrail(
  cloudtrail: CloudTrailClient,
  now: Date,
  ageDays: number,
  idleDays: number,
  pacing: TrailPacing,
  emit: (items: readonly TrailItem[]) => void,
): Promise<void> {
  const sleep = pacing.sleep ?? realSleep;
  const interval = pacing.minIntervalMs ?? MIN_INTERVAL_MS;
  let budget = pacing.pageBudget ?? DEFAULT_PAGE_BUDGET;
  const ago = (days: number): Date => new Date(now.getTime() - days * DAY_MS);
  const queries: Query[] = [];
  const query = (name: string, kind: Query['kind'], from: Date, mandatoryFrom?: Date): Query => ({
    name,
    kind,
    low: kind !== 'use',
    from,
    ...(mandatoryFrom ? { mandatoryFrom } : {}),
    reached: now,
    started: false,
    done: false,
    pages: 0,
  });
  // Creation events over the longer window: the age check needs minAgeDays of them (never cut),
  // recent-activity the whole idle window (a group created after the date the budget reached
  // had its whole life read).
  if (ageDays > 0 || idleDays > 0) queries.push(query(CREATE_GROUP, 'create', ago(Math.max(ageDays, idleDays)), ageDays > 0 ? ago(ageDays) : undefined));
  if (idleDays > 0) {
    for (const name of USE_EVENT_NAMES) queries.push(query(name, 'use', ago(idleDays)));
    for (const name of RULE_EDIT_EVENT_NAMES) queries.push(query(name, 'rule-edit', ago(idleDays)));
  }

  // Requests start at most every `interval` (start to start), so the 2 per second are used in full.
  let lastStart: number | undefined;
  for (;;) {
    const next = pick(queries, budget);
    if (!next) break;
    if (lastStart !== undefined) {
      const wait = lastStart + interval - Date.now();
      if (wait > 0) await sleep(wait);
    }
    lastStart = Date.now();
    const mandatory = next.mandatoryFrom !== undefined && next.reached.getTime() > next.mandatoryFrom.getTime();
    if (!mandatory) budget -= 1;
    const page = await cloudtrail.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: next.name }],
        StartTime: next.from,
        EndTime: now,
        MaxResults: PAGE_SIZE,
        ...(next.nextToken ? { NextToken: next.nextToken } : {}),
      }),
    );
    next.started = true;
    next.pages += 1;
    const events = (page.Events ?? []).map((e) => toTrailEvent(next.name, e));
    for (const e of events) {
      const t = Date.parse(e.time);
      if (!Number.isNaN(t) && t < next.reached.getTime()) next.reached = new Date(Math.max(t, next.from.getTime()));
    }
    next.nextToken = page.NextToken;
    if (!page.NextToken) {
      next.done = true;
      next.reached = next.from;
    }
    if (events.length > 0) emit(events);
  }
  emit(
    queries.map((q) => ({
      kind: 'query-end' as const,
      query: q.name,
      from: q.from.toISOString(),
      reached: (q.done ? q.from : q.reached).toISOString(),
      complete: q.done,
      pages: q.pages,
    })),
  );
}

/**
 * The next query to read a page of: the age check's mandatory pages first; then, within the
 * budget, every query's first (newest) page; then the use query that has read the least far back
 * (newest first, so every query's reach advances together and the date reached by all of them
 * is as old as the budget allows); rule edits only once every use query is complete.
 */
function pick(queries: Query[], budget: number): Query | undefined {
  const open = queries.filter((q) => !q.done);
  const mandatory = open.find((q) => q.mandatoryFrom !== undefined && q.reached.getTime() > q.mandatoryFrom.getTime());
  if (mandatory) return mandatory;
  if (budget <= 0) return undefined;
  const fresh = open.find((q) => !q.started);
  if (fresh) return fresh;
  const useOpen = open.filter((q) => !q.low);
  // Creation events past the age window only refine a window cut short (classify.ts), and only
  // a cut window needs them: their first page is read, never more.
  const pool = useOpen.length > 0 ? useOpen : open.filter((q) => q.kind !== 'create');
  let best: Query | undefined;
  for (const q of pool) if (!best || q.reached.getTime() > best.reached.getTime()) best = q;
  return best;
}

const GROUP_REF = /^(sg-[0-9a-f]{8,17}|arn:aws[a-z-]*:ec2:[a-z0-9-]+:\d{12}:security-group\/sg-[0-9a-f]{8,17})$/;
const GROUP_ID = /^sg-[0-9a-f]+$/;

interface RawEvent {
  eventTime?: unknown;
  errorCode?: unknown;
  readOnly?: unknown;
  userIdentity?: { arn?: unknown; type?: unknown; invokedBy?: unknown } | null;
  requestParameters?: unknown;
  responseElements?: unknown;
}

/** Every group id or security-group ARN among the strings of a JSON value (as ids). */
function collectGroupIds(value: unknown, out: Set<string>, depth = 0): void {
  if (depth > 32 || value === null || value === undefined) return;
  if (typeof value === 'string') {
    if (value.length <= 120 && GROUP_REF.test(value)) {
      const id = groupIdOfRef(value);
      if (id) out.add(id);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectGroupIds(v, out, depth + 1);
    return;
  }
  if (typeof value === 'object') for (const v of Object.values(value as Record<string, unknown>)) collectGroupIds(v, out, depth + 1);
}

function parseRaw(event: Event): { raw?: RawEvent; parseError?: boolean } {
  if (!event.CloudTrailEvent) return {};
  try {
    const parsed: unknown = JSON.parse(event.CloudTrailEvent);
    return parsed && typeof parsed === 'object' ? { raw: parsed as RawEvent } : {};
  } catch {
    return { parseError: true };
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

export function toTrailEvent(query: string, event: Event): TrailEvent {
  const { raw, parseError } = parseRaw(event);
  const timeValue = event.EventTime ?? (typeof raw?.eventTime === 'string' ? new Date(raw.eventTime) : undefined);
  const time = timeValue && !Number.isNaN(timeValue.getTime()) ? timeValue.toISOString() : '';
  const resourceGroups = (event.Resources ?? [])
    .filter((r) => r.ResourceType === 'AWS::EC2::SecurityGroup' || GROUP_REF.test(r.ResourceName ?? ''))
    .map((r) => groupIdOfRef(r.ResourceName ?? ''))
    .filter((id): id is string => Boolean(id));
  const eventName = event.EventName ?? query;
  const out: TrailEvent = {
    kind: 'event',
    query,
    eventId: event.EventId ?? '',
    eventName,
    eventSource: event.EventSource ?? '',
    time,
    principal: str(raw?.userIdentity?.arn) ?? str(event.Username) ?? str(raw?.userIdentity?.invokedBy) ?? str(raw?.userIdentity?.type) ?? 'unknown principal',
    readOnly: raw?.readOnly === true || event.ReadOnly === 'true',
    groupIds: [],
  };
  const errorCode = str(raw?.errorCode);
  if (errorCode) out.errorCode = errorCode;

  if (query === CREATE_GROUP) {
    // Other services' events of the same name do not create EC2 groups; a refused call created nothing.
    if (event.EventSource && event.EventSource !== 'ec2.amazonaws.com') return out;
    if (errorCode) return out;
    const fromResponse = (raw?.responseElements as { groupId?: unknown } | null | undefined)?.groupId;
    const created = typeof fromResponse === 'string' && GROUP_ID.test(fromResponse) ? fromResponse : resourceGroups.find((id) => GROUP_ID.test(id));
    if (created) out.createdGroupId = created;
    else out.unreadable = parseError ? 'CloudTrailEvent is not JSON and Resources names no group' : 'no group id in responseElements or Resources';
    return out;
  }
  if ((RULE_EDIT_EVENT_NAMES as readonly string[]).includes(query)) {
    const target = str((raw?.requestParameters as { groupId?: unknown } | null | undefined)?.groupId) ?? resourceGroups[0];
    if (target && GROUP_ID.test(target)) out.targetGroupId = target;
    return out;
  }
  const ids = new Set<string>(resourceGroups);
  collectGroupIds(raw?.requestParameters, ids);
  collectGroupIds(raw?.responseElements, ids);
  out.groupIds = [...ids].sort();
  return out;
}
