import {
  ConfigError,
  DEFAULT_IDLE_DAYS,
  DEFAULT_MIN_AGE_DAYS,
  DEFAULT_NAME_PATTERNS,
  DEFAULT_PRODUCTION_TAG,
  DEFAULT_PROTECT_TAG,
  MAX_IDLE_DAYS,
  MAX_MIN_AGE_DAYS,
  parseNamePatterns,
  parseNonNegativeInt,
  parseProtectTag,
  parseSkipSources,
} from '../core/config';
import type { AuditSettings } from '../core/model';
import { UsageError } from './io';

/** The flags that set what an audit checks and protects; `sg-audit delete` takes them too. */
export const SETTINGS_FLAGS_USAGE = `  --skip-sources a,b           usage sources to exclude on purpose (named in the report; candidates
                               say they are unverified by them); ground-truth sources cannot be skipped
  --min-age-days N             protect groups created less than N days ago (0-${MAX_MIN_AGE_DAYS}, default ${DEFAULT_MIN_AGE_DAYS}; 0 = off)
  --idle-days N                a group named by a launch or configuration in CloudTrail (or Config history)
                               in the last N days is in use (0-${MAX_IDLE_DAYS}, default ${DEFAULT_IDLE_DAYS}; 0 = off)
  --protect-tag KEY=VALUE      protection tag, repeatable (default ${DEFAULT_PROTECT_TAG}); case and spaces ignored
  --production-tag KEY=VALUE   the tag your IAM refuses to delete: protected (default ${DEFAULT_PRODUCTION_TAG})
  --protect-name-pattern GLOB  protected name glob, repeatable (default ${DEFAULT_NAME_PATTERNS.join(' ')});
                               case ignored, * matches any characters including /`;

/** parseFlags options for the settings flags. */
export const SETTINGS_FLAGS = {
  'skip-sources': { type: 'string' },
  'min-age-days': { type: 'string' },
  'idle-days': { type: 'string' },
  'protect-tag': { type: 'string', multiple: true },
  'production-tag': { type: 'string' },
  'protect-name-pattern': { type: 'string', multiple: true },
} as const;

/** Runs a configuration parser for a flag, turning its ConfigError into a UsageError naming the flag. */
export function flag<T>(name: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ConfigError) {
      // A parser given the flag's name already starts its message with it.
      throw new UsageError(error.message.startsWith(`--${name} `) ? error.message : `--${name}: ${error.message}`);
    }
    throw error;
  }
}

/** The settings the settings flags describe, with the documented defaults for those not given. */
export function settingsFromFlags(
  values: {
    'skip-sources'?: string | undefined;
    'min-age-days'?: string | undefined;
    'idle-days'?: string | undefined;
    'protect-tag'?: string[] | undefined;
    'production-tag'?: string | undefined;
    'protect-name-pattern'?: string[] | undefined;
  },
  regions: AuditSettings['regions'],
): AuditSettings {
  return {
    regions,
    skipSources: flag('skip-sources', () => parseSkipSources(values['skip-sources'] ?? '')),
    minAgeDays: flag('min-age-days', () => parseNonNegativeInt(values['min-age-days'] ?? String(DEFAULT_MIN_AGE_DAYS), '--min-age-days', MAX_MIN_AGE_DAYS)),
    idleDays: flag('idle-days', () => parseNonNegativeInt(values['idle-days'] ?? String(DEFAULT_IDLE_DAYS), '--idle-days', MAX_IDLE_DAYS)),
    protectTags: flag('protect-tag', () => (values['protect-tag'] ?? [DEFAULT_PROTECT_TAG]).map(parseProtectTag)),
    productionTags: [flag('production-tag', () => parseProtectTag(values['production-tag'] ?? DEFAULT_PRODUCTION_TAG))],
    protectNamePatterns: flag('protect-name-pattern', () => parseNamePatterns(values['protect-name-pattern'] ?? DEFAULT_NAME_PATTERNS)),
  };
}
