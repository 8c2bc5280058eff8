import type { Scanner } from './types';
import { cloudTrailListing, DAY_MS, HISTORY_DAYS, type TrailPacing } from './cloudtrail-events';

/** A CreateSecurityGroup event that names no group: failing beats guessing the group is old. */
export class UnreadableCreateEventError extends Error {
  constructor(eventId: string | undefined, reason: string, options?: { cause?: unknown }) {
    super(`CloudTrail event ${eventId || '(no id)'}: ${reason}`, options);
    this.name = 'UnreadableCloudTrailEvent';
  }
}

export type CloudtrailAgeOptions = TrailPacing;

/**
 * Builds the age scanner. It reads the region's shared LookupEvents listing (cloudtrail-events.ts),
 * which recent-activity reads too: the CreateSecurityGroup pages over minAgeDays are always read in
 * full, whatever the page budget. Options only change the pacing between pages.
 */
export function createCloudtrailAgeScanner(options: CloudtrailAgeOptions = {}): Scanner {
  return {
    source: 'cloudtrail-age',
    service: 'cloudtrail',
    // It dates groups; it reads no place that holds one.
    covers: [],
    actions: ['cloudtrail:LookupEvents'],
    prefetch: (window) => (window.minAgeDays > 0 ? [cloudTrailListing(window, options)] : []),
    async scan(_clients, _region, ctx) {
      if (ctx.minAgeDays <= 0) return { note: 'age check off (minAgeDays 0)' };
      const days = Math.min(ctx.minAgeDays, HISTORY_DAYS);
      const since = ctx.now.getTime() - days * DAY_MS;
      const listing = cloudTrailListing({ now: ctx.now, minAgeDays: ctx.minAgeDays, idleDays: ctx.idleDays }, options);
      for await (const page of ctx.shared(listing)) {
        for (const item of page) {
          if (item.kind !== 'event' || item.query !== 'CreateSecurityGroup') continue;
          const time = item.time ? Date.parse(item.time) : Number.NaN;
          // The listing may reach further back (recent-activity's window): only minAgeDays is this check's.
          if (!Number.isNaN(time) && time < since) continue;
          if (item.unreadable) throw new UnreadableCreateEventError(item.eventId, item.unreadable);
          if (!item.createdGroupId) continue; // another service's event, or a refused call
          if (Number.isNaN(time)) throw new UnreadableCreateEventError(item.eventId, 'no event time');
          ctx.created(item.createdGroupId, item.time);
        }
      }
      if (ctx.minAgeDays > HISTORY_DAYS) {
        return { note: `CloudTrail keeps ${HISTORY_DAYS} days: groups created earlier count as old` };
      }
    },
  };
}

/** Protects groups created less than minAgeDays ago (CloudTrail CreateSecurityGroup events). */
export const cloudtrailAgeScanner: Scanner = createCloudtrailAgeScanner();
