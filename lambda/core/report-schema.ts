import { z } from 'zod';
import { REPORT_SCHEMA_VERSION, SOURCE_IDS } from './model';

/**
 * The report JSON as a runtime schema: the public contract of `sg-audit audit --json`, and what
 * `sg-audit delete` and the approval Lambda accept back. Unknown extra fields pass through, so
 * additive changes do not need a schema bump.
 */
const sourceId = z.enum(SOURCE_IDS);
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
});

export const auditReportSchema = z.looseObject({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  auditId: z.string(),
  accountId: z.string().regex(/^\d{12}$/),
  startedAt: z.string(),
  finishedAt: z.string(),
  settings: z.looseObject({
    regions: z.union([z.literal('all'), z.array(z.string())]),
    skipSources: z.array(sourceId),
    protectTag: z.object({ key: z.string(), value: z.string() }),
    protectNamePatterns: z.array(z.string()),
    minAgeDays: z.number(),
  }),
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
        }),
      ),
      groups: z.array(group),
      totals,
      apiCalls: z.number(),
    }),
  ),
  totals,
  apiCalls: z.object({ total: z.number(), bySource: z.record(z.string(), z.number()) }),
});

/** Parses report JSON text, with an error that says what is wrong where. */
export function parseReport(text: string): z.output<typeof auditReportSchema> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`the report is not JSON: ${(error as Error).message}`);
  }
  const result = auditReportSchema.safeParse(data);
  if (!result.success) {
    const first = result.error.issues[0];
    throw new Error(`the report does not match schema version ${REPORT_SCHEMA_VERSION}: ${first?.path.join('.')}: ${first?.message}`);
  }
  return result.data;
}
