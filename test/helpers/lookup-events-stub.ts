import type { Event, LookupEventsCommandInput, LookupEventsCommandOutput } from '@aws-sdk/client-cloudtrail';

/**
 * A local stand-in for CloudTrail LookupEvents (moto has none), answering as the API reference
 * documents: one LookupAttribute (EventName, EventSource, ResourceName, ReadOnly, ...), events
 * with StartTime <= EventTime <= EndTime, newest first, at most MaxResults (50) a page, NextToken
 * to continue. Every request is kept, to count and inspect.
 */
export class LookupEventsStub {
  readonly requests: LookupEventsCommandInput[] = [];
  constructor(private readonly events: Event[]) {}

  answer = (input: LookupEventsCommandInput): Partial<LookupEventsCommandOutput> => {
    this.requests.push(input);
    const attribute = input.LookupAttributes?.[0];
    if ((input.LookupAttributes?.length ?? 0) > 1) throw new Error('LookupEvents takes one lookup attribute');
    const max = Math.min(input.MaxResults ?? 50, 50);
    const start = input.StartTime?.getTime() ?? 0;
    const end = input.EndTime?.getTime() ?? Number.MAX_SAFE_INTEGER;
    const matching = this.events
      .filter((e) => {
        const t = e.EventTime?.getTime() ?? 0;
        if (t < start || t > end) return false;
        if (!attribute) return true;
        const value = attribute.AttributeValue;
        switch (attribute.AttributeKey) {
          case 'EventName':
            return e.EventName === value;
          case 'EventSource':
            return e.EventSource === value;
          case 'ReadOnly':
            return e.ReadOnly === value;
          case 'ResourceName':
            return (e.Resources ?? []).some((r) => r.ResourceName === value);
          default:
            throw new Error(`stub: lookup attribute ${attribute.AttributeKey} not implemented`);
        }
      })
      .sort((a, b) => (b.EventTime?.getTime() ?? 0) - (a.EventTime?.getTime() ?? 0));
    const offset = input.NextToken ? Number(input.NextToken) : 0;
    const page = matching.slice(offset, offset + max);
    const next = offset + max < matching.length ? String(offset + max) : undefined;
    return { Events: page, ...(next ? { NextToken: next } : {}) };
  };

  /** Requests per EventName. */
  countFor(eventName: string): number {
    return this.requests.filter((r) => r.LookupAttributes?.[0]?.AttributeValue === eventName).length;
  }
}
