import type { AuditSettings } from '../../lambda/core/model';
import { strictestSettings } from '../../lambda/core/strictest';

const signed: AuditSettings = {
  regions: ['eu-west-1'],
  skipSources: ['mwaa', 'glue'],
  protectTag: { key: 'DoNotDelete', value: 'true' },
  protectNamePatterns: ['prod-*'],
  minAgeDays: 7,
};
const current: AuditSettings = {
  regions: 'all',
  skipSources: ['glue'],
  protectTag: { key: 'Keep', value: 'yes' },
  protectNamePatterns: ['*-live'],
  minAgeDays: 30,
};

describe('strictestSettings', () => {
  it('skips only the sources both settings skip', () => {
    expect(strictestSettings(signed, current).skipSources).toEqual(['glue']);
  });

  it('protects every name pattern of either settings', () => {
    expect(strictestSettings(signed, current).protectNamePatterns).toEqual(['prod-*', '*-live']);
  });

  it('takes the larger minimum age', () => {
    expect(strictestSettings(signed, current).minAgeDays).toBe(30);
  });

  it("keeps the signed report's regions", () => {
    expect(strictestSettings(signed, current).regions).toEqual(['eu-west-1']);
  });
});
