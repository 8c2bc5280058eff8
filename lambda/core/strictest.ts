import { normalizeTagText } from './classify';
import { UNSKIPPABLE_SOURCES } from './config';
import type { AuditSettings, TagSpec } from './model';
import { upgradeSettings } from './report-schema';

/** Tags of both lists, once each (compared as classify compares them: case and spaces aside). */
function unionTags(a: readonly TagSpec[], b: readonly TagSpec[]): TagSpec[] {
  const seen = new Set<string>();
  const out: TagSpec[] = [];
  for (const t of [...a, ...b]) {
    const id = `${normalizeTagText(t.key)}\u0000${normalizeTagText(t.value)}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push({ key: t.key, value: t.value });
  }
  return out;
}

/**
 * The settings a deletion re-audits with: at least as strict as the audit the reviewer saw
 * (`signed`, from the signed report) and as the configuration in force now (`current`).
 * - only sources skipped in both stay skipped, and never a ground-truth source;
 * - every protection tag, production tag and name pattern of both;
 * - the larger minimum age and the larger idle window (activity in it keeps a group);
 * - the signed report's regions (the re-audit covers the selection's regions anyway).
 * `signed` may come from a report of an older schema version (one `protectTag`): it is upgraded
 * first, and settings that match no version are refused (ReportSchemaError), never guessed.
 */
export function strictestSettings(signed: AuditSettings, current: AuditSettings): AuditSettings {
  const s = upgradeSettings(signed);
  const c = upgradeSettings(current);
  const skippedNow = new Set(c.skipSources);
  return {
    regions: s.regions === 'all' ? 'all' : [...s.regions],
    skipSources: [...new Set(s.skipSources)].filter((id) => skippedNow.has(id) && !UNSKIPPABLE_SOURCES.includes(id)),
    protectTags: unionTags(s.protectTags, c.protectTags),
    productionTags: unionTags(s.productionTags, c.productionTags),
    protectNamePatterns: [...new Set([...s.protectNamePatterns, ...c.protectNamePatterns])],
    minAgeDays: Math.max(s.minAgeDays, c.minAgeDays),
    idleDays: Math.max(s.idleDays ?? 0, c.idleDays ?? 0),
  };
}
