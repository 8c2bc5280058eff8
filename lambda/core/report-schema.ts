import { z } from 'zod';
import { REPORT_SCHEMA_VERSION, SOURCE_IDS, type AuditReport, type AuditSettings, type SourceId } from './model';

/**
 * The report JSON as a runtime schema: the public contract of `sg-audit audit --json`, and what
 * `sg-audit delete` and the approval Lambda accept back. Unknown extra fields pass through, so
 * additive changes do not need a schema bump.
 *
 * `backupSha256` (the SHA-256 of the backup.json written with the report) is such an additive
 * field: reports written before it lack it, and restore says so rather than trusting the backup.
 *
 * Version 1 reports (one `protectTag`, before productionTag and the Kubernetes protections) are
 * still read: an approval link lives up to 30 days, so one signed before an upgrade is accepted.
 * Its settings are upgraded (the tag becomes the one protection tag, no production tag), and the
 * deletion re-audits with the strictest of them and the current settings, so the current
 * protections apply in full whatever the old report said.
 */
const sourceId = z.enum(SOURCE_IDS);
const tag = z.object({ key: z.string(), value: z.string() });
const scanError = z.object({ code: z.string(), message: z.string() });
const rule = z.looseObject({
  ruleId: z.string(),
  isEgress: z.boolean(),
  ipProtocol: z.string(),
  fromPort: z.number().optional(),
  toPort: z.number().optional(),
  cidrIpv4: z.string().optional(),
  cidrIpv6: z.string().optional(),
  prefixListId: z.string().optional(),
  referencedGroup: z.looseObject({ groupId: z.string() }).optional(),
  description: z.string().optional(),
});
const usage = z.looseObject({
  groupId: z.string(),
  region: z.string(),
  source: sourceId,
  resourceType: z.string(),
  resourceId: z.string(),
  resourceName: z.string().optional(),
  detail: z.string().optional(),
});
const count = z.number().int().nonnegative();
const coverage = z.looseObject({ scanned: count, interfaces: count, notScanned: count, listUrl: z.string() });
const totals = z.object({ groups: z.number(), inUse: z.number(), candidates: z.number(), protected: z.number(), unknown: z.number() });
const group = z.looseObject({
  region: z.string(),
  groupId: z.string(),
  groupName: z.string(),
  description: z.string(),
  vpcId: z.string().optional(),
  ownerId: z.string(),
  tags: z.record(z.string(), z.string()),
  ingress: z.array(rule),
  egress: z.array(rule),
  verdict: z.enum(['in-use', 'candidate', 'protected', 'unknown']),
  reasons: z.array(z.string()),
  usages: z.array(usage),
  failedSources: z.array(sourceId).optional(),
  protection: z.array(z.string()).optional(),
  unverifiedBy: z.array(sourceId).optional(),
  lastActivity: z.object({ time: z.string(), summary: z.string(), use: z.boolean() }).optional(),
});

const settingsV2 = z.looseObject({
  regions: z.union([z.literal('all'), z.array(z.string())]),
  skipSources: z.array(sourceId),
  protectTags: z.array(tag),
  productionTags: z.array(tag),
  protectNamePatterns: z.array(z.string()),
  minAgeDays: z.number(),
  idleDays: z.number().int().nonnegative().optional(),
});

const settingsV1 = z.looseObject({
  regions: z.union([z.literal('all'), z.array(z.string())]),
  skipSources: z.array(sourceId),
  protectTag: tag,
  protectNamePatterns: z.array(z.string()),
  minAgeDays: z.number(),
});

function reportSchema<V extends number, S extends z.ZodType>(version: V, settings: S) {
  return z.looseObject({
    schemaVersion: z.literal(version),
    auditId: z.string(),
    accountId: z.string().regex(/^\d{12}$/),
    startedAt: z.string(),
    finishedAt: z.string(),
    settings,
    skippedSources: z.array(sourceId),
    regions: z.array(
      z.looseObject({
        region: z.string(),
        status: z.enum(['ok', 'failed']),
        error: scanError.optional(),
        scans: z.array(
          z.looseObject({
            source: sourceId,
            status: z.enum(['ok', 'failed', 'skipped']),
            error: scanError.optional(),
            note: z.string().optional(),
            apiCalls: z.number(),
            sharedListings: z.array(z.string()).optional(),
            durationMs: z.number().optional(),
            usageCount: z.number(),
            activityWindow: z.object({ idleDays: z.number(), from: z.string(), reached: z.string(), complete: z.boolean() }).optional(),
          }),
        ),
        groups: z.array(group),
        totals,
        apiCalls: z.number(),
      }),
    ),
    totals,
    apiCalls: z.object({ total: z.number(), bySource: z.record(z.string(), z.number()) }),
    backupSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex SHA-256').optional(),
    coverage: coverage.optional(),
  });
}

/** The current report (schemaVersion REPORT_SCHEMA_VERSION): what `sg-audit audit --json` prints. */
export const auditReportSchema = reportSchema(REPORT_SCHEMA_VERSION, settingsV2);
const auditReportSchemaV1 = reportSchema(1, settingsV1);

/** Raised for report JSON that no supported schema version describes. */
export class ReportSchemaError extends Error {
  override readonly name = 'ReportSchemaError';
}

function firstIssue(error: z.ZodError): string {
  const first = error.issues[0];
  return `${first?.path.join('.') ?? ''}: ${first?.message ?? 'invalid'}`;
}

/**
 * Audit settings from a report of any supported version: version 2 as they are, version 1 with its
 * one `protectTag` as the only protection tag and no production tag (IAM refused that tag then,
 * not the classifier). Throws ReportSchemaError for anything else.
 */
export function upgradeSettings(raw: unknown): AuditSettings {
  const current = settingsV2.safeParse(raw);
  if (current.success) {
    const { regions, skipSources, protectTags, productionTags, protectNamePatterns, minAgeDays, idleDays } = current.data;
    return { regions, skipSources, protectTags, productionTags, protectNamePatterns, minAgeDays, ...(idleDays !== undefined ? { idleDays } : {}) };
  }
  const v1 = settingsV1.safeParse(raw);
  if (v1.success) {
    const { regions, skipSources, protectTag, protectNamePatterns, minAgeDays } = v1.data;
    return { regions, skipSources, protectTags: [protectTag], productionTags: [], protectNamePatterns, minAgeDays };
  }
  throw new ReportSchemaError(`the report's settings match no supported schema version (${firstIssue(current.error)})`);
}

export interface ReadReport {
  report: AuditReport;
  /** The schemaVersion the JSON had, when it was upgraded to the current one. */
  upgradedFrom?: number;
}

/**
 * Validates report JSON of any supported version and returns it in the current shape; a version 1
 * report gets upgraded settings and, on each candidate, `unverifiedBy` from its region's skipped
 * sources. Throws ReportSchemaError saying what is wrong where.
 */
export function readAuditReport(data: unknown): ReadReport {
  const version = (data as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version === 1) {
    const old = auditReportSchemaV1.safeParse(data);
    if (!old.success) throw new ReportSchemaError(`the report does not match schema version 1: ${firstIssue(old.error)}`);
    const report = { ...(data as object), schemaVersion: REPORT_SCHEMA_VERSION, settings: upgradeSettings(old.data.settings) } as unknown as AuditReport;
    report.regions = report.regions.map((region) => {
      const skipped = [...new Set(region.scans.filter((s) => s.status === 'skipped').map((s) => s.source))].sort() as SourceId[];
      if (skipped.length === 0) return region;
      const groups = region.groups.map((g) => (g.verdict === 'candidate' && !g.unverifiedBy ? { ...g, unverifiedBy: skipped } : g));
      return { ...region, groups };
    });
    return { report, upgradedFrom: 1 };
  }
  const result = auditReportSchema.safeParse(data);
  if (!result.success) {
    const supported = version === REPORT_SCHEMA_VERSION ? '' : ` (schemaVersion ${JSON.stringify(version)}; supported: 1, ${REPORT_SCHEMA_VERSION})`;
    throw new ReportSchemaError(`the report does not match schema version ${REPORT_SCHEMA_VERSION}${supported}: ${firstIssue(result.error)}`);
  }
  return { report: data as AuditReport };
}

/** Parses report JSON text of any supported version (see readAuditReport), in the current shape. */
export function parseReport(text: string): AuditReport {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ReportSchemaError(`the report is not JSON: ${(error as Error).message}`);
  }
  return readAuditReport(data).report;
}
