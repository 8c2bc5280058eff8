import type { AuditSettings } from './model';

/**
 * The strictest of two settings, for the re-audit before deleting: a group is deletable only if
 * it would be a candidate under both. Every protection and name pattern of either, only the
 * sources skipped by both, the larger minimum age. Regions are the signed report's.
 */
export function strictestSettings(signed: AuditSettings, current: AuditSettings): AuditSettings {
  const currentSkips = new Set(current.skipSources);
  // One protect tag per settings today: the signed report's wins unless it matches the current one.
  return {
    regions: signed.regions,
    skipSources: signed.skipSources.filter((s) => currentSkips.has(s)),
    protectTag: signed.protectTag,
    protectNamePatterns: [...new Set([...signed.protectNamePatterns, ...current.protectNamePatterns])],
    minAgeDays: Math.max(signed.minAgeDays, current.minAgeDays),
  };
}
