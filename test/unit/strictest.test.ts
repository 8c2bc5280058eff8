import type { AuditSettings } from '../../lambda/core/model';
import { ReportSchemaError } from '../../lambda/core/report-schema';
import { strictestSettings } from '../../lambda/core/strictest';

function settings(overrides: Partial<AuditSettings> = {}): AuditSettings {
  return {
    regions: ['us-east-1'],
    skipSources: [],
    protectTags: [{ key: 'DoNotDelete', value: 'true' }],
    productionTags: [{ key: 'Environment', value: 'Production' }],
    protectNamePatterns: ['prod-*'],
    minAgeDays: 7,
    ...overrides,
  };
}

describe('strictestSettings', () => {
  it('keeps a source skipped only when both the signed and the current settings skip it', () => {
    // Prepare
    const signed = settings({ skipSources: ['ecs-services', 'mwaa', 'lambda'] });
    const current = settings({ skipSources: ['mwaa', 'workspaces'] });

    // Act
    const strict = strictestSettings(signed, current);

    // Assess
    expect(strict.skipSources).toEqual(['mwaa']);
  });

  it('never skips a ground-truth source, even when both settings name it', () => {
    // Prepare: settings built by hand (the parsers already refuse this).
    const signed = settings({ skipSources: ['network-interfaces', 'ec2-instances', 'mwaa'] });
    const current = settings({ skipSources: ['network-interfaces', 'ec2-instances', 'mwaa'] });

    // Act
    const strict = strictestSettings(signed, current);

    // Assess
    expect(strict.skipSources).toEqual(['mwaa']);
  });

  it('protects with every protection tag of both, once each whatever the spelling', () => {
    // Prepare
    const signed = settings({ protectTags: [{ key: 'DoNotDelete', value: 'true' }] });
    const current = settings({ protectTags: [{ key: ' donotdelete', value: 'TRUE ' }, { key: 'Keep', value: 'yes' }] });

    // Act
    const strict = strictestSettings(signed, current);

    // Assess
    expect(strict.protectTags).toEqual([
      { key: 'DoNotDelete', value: 'true' },
      { key: 'Keep', value: 'yes' },
    ]);
  });

  it('protects with the production tags of both', () => {
    // Prepare
    const signed = settings({ productionTags: [{ key: 'Environment', value: 'Production' }] });
    const current = settings({ productionTags: [{ key: 'Stage', value: 'prod' }] });

    // Act
    const strict = strictestSettings(signed, current);

    // Assess
    expect(strict.productionTags).toEqual([
      { key: 'Environment', value: 'Production' },
      { key: 'Stage', value: 'prod' },
    ]);
  });

  it('protects with every name pattern of both', () => {
    // Prepare
    const signed = settings({ protectNamePatterns: ['prod-*', 'core-*'] });
    const current = settings({ protectNamePatterns: ['prod-*', '*-live'] });

    // Act
    const strict = strictestSettings(signed, current);

    // Assess
    expect(strict.protectNamePatterns).toEqual(['prod-*', 'core-*', '*-live']);
  });

  it.each([
    [0, 7, 7],
    [14, 7, 14],
    [0, 0, 0],
  ])('takes the larger minimum age (signed %i, current %i -> %i)', (signedDays, currentDays, expected) => {
    // Prepare / Act
    const strict = strictestSettings(settings({ minAgeDays: signedDays }), settings({ minAgeDays: currentDays }));

    // Assess
    expect(strict.minAgeDays).toBe(expected);
  });

  it("keeps the signed report's regions", () => {
    // Prepare / Act
    const strict = strictestSettings(settings({ regions: ['eu-west-1'] }), settings({ regions: 'all' }));

    // Assess
    expect(strict.regions).toEqual(['eu-west-1']);
  });

  it('reads signed settings of a schema version 1 report (one protectTag) and keeps its tag', () => {
    // Prepare: what a report signed before the upgrade holds.
    const signed = { regions: ['us-east-1'], skipSources: ['mwaa'], protectTag: { key: 'Keep', value: 'yes' }, protectNamePatterns: [], minAgeDays: 3 };

    // Act
    const strict = strictestSettings(signed as unknown as AuditSettings, settings({ skipSources: ['mwaa'] }));

    // Assess
    expect(strict).toEqual({
      regions: ['us-east-1'],
      skipSources: ['mwaa'],
      protectTags: [
        { key: 'Keep', value: 'yes' },
        { key: 'DoNotDelete', value: 'true' },
      ],
      productionTags: [{ key: 'Environment', value: 'Production' }],
      protectNamePatterns: ['prod-*'],
      minAgeDays: 7,
      // Neither side set an idle window (a version 1 report had none): the check stays off.
      idleDays: 0,
    });
  });

  it('refuses signed settings that no schema version describes, rather than guessing', () => {
    // Prepare
    const signed = { regions: 'all', skipSources: [] } as unknown as AuditSettings;

    // Act / Assess
    expect(() => strictestSettings(signed, settings())).toThrow(ReportSchemaError);
  });
});
