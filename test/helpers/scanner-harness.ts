import { runScanner } from '../../lambda/aws/run-scanner';
import { ClientFactory } from '../../lambda/aws/client-factory';
import type { Scanner } from '../../lambda/aws/scanners/types';
import { classifyOptionsFor, classifyRegion } from '../../lambda/core/classify';
import type { AuditSettings, ClassifiedGroup, GroupRecord, ScanResult } from '../../lambda/core/model';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/** A plain VPC group in REGION owned by ACCOUNT, unprotected and unreferenced. */
export function group(groupId: string, overrides: Partial<GroupRecord> = {}): GroupRecord {
  return {
    region: REGION,
    groupId,
    groupName: `name-${groupId}`,
    description: `group ${groupId}`,
    vpcId: 'vpc-1',
    ownerId: ACCOUNT,
    tags: {},
    ingress: [],
    egress: [],
    ...overrides,
  };
}

export const DEFAULT_SETTINGS: AuditSettings = {
  regions: [REGION],
  skipSources: [],
  protectTags: [{ key: 'DoNotDelete', value: 'true' }],
  productionTags: [{ key: 'Environment', value: 'Production' }],
  protectNamePatterns: [],
  minAgeDays: 0,
};

export interface ScanOutcomeForTest {
  scan: ScanResult;
  groups: ClassifiedGroup[];
  /** The classified group with this id (throws if absent). */
  verdictOf(groupId: string): ClassifiedGroup;
  /** API calls the scanner made itself. */
  apiCalls: number;
  /** Every API call of the run: the scanner's and those of the shared listings it read. */
  totalCalls: number;
}

/**
 * Runs one scanner exactly as the audit does (same context, same error handling) against the
 * given inventory, then classifies the region from that scanner's result alone. Mock the
 * scanner's clients with aws-sdk-client-mock before calling it.
 */
export async function scanAndClassify(
  scanner: Scanner,
  groups: GroupRecord[],
  options: { candidates?: Iterable<string>; settings?: Partial<AuditSettings>; now?: Date } = {},
): Promise<ScanOutcomeForTest> {
  const settings = { ...DEFAULT_SETTINGS, ...options.settings };
  const now = options.now ?? new Date('2026-11-26T00:00:00Z');
  const factory = new ClientFactory({ maxAttempts: 1 });
  const scan = await runScanner(
    scanner,
    { accountId: ACCOUNT, groups, candidates: new Set(options.candidates ?? []), minAgeDays: settings.minAgeDays, idleDays: settings.idleDays ?? 0, now },
    { deps: { factory }, region: REGION, settings },
  );
  const classified = classifyRegion(groups, [scan], classifyOptionsFor(settings, ACCOUNT, now));
  return {
    scan,
    groups: classified,
    apiCalls: scan.apiCalls,
    totalCalls: factory.counter.regionTotal(REGION),
    verdictOf(groupId) {
      const found = classified.find((g) => g.groupId === groupId);
      if (!found) throw new Error(`no group ${groupId} in the result`);
      return found;
    },
  };
}

/** An error shaped like the SDK's service exceptions (name = AWS error code). */
export function awsError(code: string, message = `${code} (test)`): Error {
  const error = new Error(message);
  error.name = code;
  Object.assign(error, { $metadata: { httpStatusCode: code.includes('Throttl') ? 400 : 403 }, $fault: 'client' });
  return error;
}
