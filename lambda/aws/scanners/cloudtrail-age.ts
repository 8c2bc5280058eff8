import { CloudTrailClient, LookupEventsCommand, type Event } from '@aws-sdk/client-cloudtrail';
import type { ScanContext, Scanner } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;
/** LookupEvents only reaches back 90 days. */
const HISTORY_DAYS = 90;
/** LookupEvents allows two requests per second per account and region. */
const MIN_INTERVAL_MS = 500;
const GROUP_ID = /^sg-[0-9a-f]+$/;

/** A CreateSecurityGroup event that names no group: failing beats guessing the group is old. */
export class UnreadableCreateEventError extends Error {
  constructor(eventId: string | undefined, reason: string, options?: { cause?: unknown }) {
    super(`CloudTrail event ${eventId ?? '(no id)'}: ${reason}`, options);
    this.name = 'UnreadableCloudTrailEvent';
  }
}

export interface CloudtrailAgeOptions {
  /** Waits between pages; tests pass a no-op. */
  sleep?: (ms: number) => Promise<void>;
  minIntervalMs?: number;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Builds the age scanner; options only change the pacing between LookupEvents pages. */
export function createCloudtrailAgeScanner(options: CloudtrailAgeOptions = {}): Scanner {
  const sleep = options.sleep ?? realSleep;
  const interval = options.minIntervalMs ?? MIN_INTERVAL_MS;
  return {
    source: 'cloudtrail-age',
    service: 'cloudtrail',
    // It dates groups; it reads no place that holds one.
    covers: [],
    actions: ['cloudtrail:LookupEvents'],
    async scan(clients, _region, ctx) {
      if (ctx.minAgeDays <= 0) return { note: 'age check off (minAgeDays 0)' };
      const cloudtrail = clients.get(CloudTrailClient);
      const days = Math.min(ctx.minAgeDays, HISTORY_DAYS);
      const input = {
        LookupAttributes: [{ AttributeKey: 'EventName' as const, AttributeValue: 'CreateSecurityGroup' }],
        StartTime: new Date(ctx.now.getTime() - days * DAY_MS),
        EndTime: ctx.now,
        MaxResults: 50,
      };
      let nextToken: string | undefined;
      let first = true;
      do {
        // Pages follow each other at once, so waiting before each keeps under the rate limit.
        if (!first) await sleep(interval);
        first = false;
        const page = await cloudtrail.send(new LookupEventsCommand({ ...input, NextToken: nextToken }));
        for (const event of page.Events ?? []) recordCreation(event, ctx);
        nextToken = page.NextToken;
      } while (nextToken);
      if (ctx.minAgeDays > HISTORY_DAYS) {
        return { note: `CloudTrail keeps ${HISTORY_DAYS} days: groups created earlier count as old` };
      }
    },
  };
}

/** Protects groups created less than minAgeDays ago (CloudTrail CreateSecurityGroup events). */
export const cloudtrailAgeScanner: Scanner = createCloudtrailAgeScanner();

interface RawEvent {
  eventTime?: unknown;
  errorCode?: unknown;
  responseElements?: { groupId?: unknown } | null;
}

function recordCreation(event: Event, ctx: ScanContext): void {
  // Other services' events of the same name do not create EC2 groups.
  if (event.EventSource && event.EventSource !== 'ec2.amazonaws.com') return;
  const { raw, parseError } = parseRaw(event);
  // A refused call (duplicate name, limit, denied) created nothing; only its errorCode proves it.
  if (raw?.errorCode) return;
  const fromResponse = raw?.responseElements?.groupId;
  const groupId =
    typeof fromResponse === 'string' && GROUP_ID.test(fromResponse)
      ? fromResponse
      : event.Resources?.find((r) => r.ResourceType === 'AWS::EC2::SecurityGroup' && GROUP_ID.test(r.ResourceName ?? ''))
          ?.ResourceName;
  if (!groupId) {
    const reason = parseError ? 'CloudTrailEvent is not JSON and Resources names no group' : 'no group id in responseElements or Resources';
    throw new UnreadableCreateEventError(event.EventId, reason, { cause: parseError });
  }
  const time = event.EventTime ?? (typeof raw?.eventTime === 'string' ? new Date(raw.eventTime) : undefined);
  if (!time || Number.isNaN(time.getTime())) throw new UnreadableCreateEventError(event.EventId, 'no event time');
  ctx.created(groupId, time.toISOString());
}

/** The raw event; a parse error is kept so a failure can say why (Resources may still name the group). */
function parseRaw(event: Event): { raw?: RawEvent; parseError?: unknown } {
  if (!event.CloudTrailEvent) return {};
  try {
    const parsed: unknown = JSON.parse(event.CloudTrailEvent);
    return parsed && typeof parsed === 'object' ? { raw: parsed as RawEvent } : {};
  } catch (parseError) {
    return { parseError };
  }
}
