import { workerEnvSchema, auditEnvSchema, ConfigError, parseEnv, parseSkipSources, settingsFromEnv, UNSKIPPABLE_SOURCES } from '../../lambda/core/config';

const REQUIRED = {
  ARTIFACT_BUCKET: 'bucket',
  TOPIC_ARN: 'arn:aws:sns:us-east-1:123456789012:sg-auditor',
  MAC_KEY_ID: 'alias/sg-auditor',
};

describe('parseSkipSources', () => {
  it.each([...UNSKIPPABLE_SOURCES])('refuses to skip the ground-truth source %s, naming it', (source) => {
    // Act / Assess
    expect(() => parseSkipSources(`mwaa,${source}`)).toThrow(ConfigError);
    expect(() => parseSkipSources(`mwaa,${source}`)).toThrow(`"${source}" cannot be skipped`);
  });

  it('accepts sources that are not ground truth', () => {
    // Act / Assess
    expect(parseSkipSources('mwaa, ecs-services,mwaa')).toEqual(['mwaa', 'ecs-services']);
  });
});

describe('the Lambda environment', () => {
  it('refuses SKIP_SOURCES naming a ground-truth source, naming the variable and the source', () => {
    // Act
    const run = () => parseEnv(workerEnvSchema, { ...REQUIRED, SKIP_SOURCES: 'ecs-services,launch-templates' });

    // Assess
    expect(run).toThrow(ConfigError);
    expect(run).toThrow(/SKIP_SOURCES: "launch-templates" cannot be skipped/);
  });

  it('reads PRODUCTION_TAG, defaulting to Environment=Production, into the settings', () => {
    // Act
    const byDefault = settingsFromEnv(parseEnv(workerEnvSchema, REQUIRED));
    const configured = settingsFromEnv(parseEnv(auditEnvSchema, { ...REQUIRED, APPROVAL_URL: 'https://x.lambda-url.us-east-1.on.aws/', PRODUCTION_TAG: 'Stage=prod' }));

    // Assess
    expect(byDefault.productionTags).toEqual([{ key: 'Environment', value: 'Production' }]);
    expect(configured.productionTags).toEqual([{ key: 'Stage', value: 'prod' }]);
  });

  it('refuses a PRODUCTION_TAG that is not Key=Value, naming the variable', () => {
    // Act / Assess
    expect(() => parseEnv(workerEnvSchema, { ...REQUIRED, PRODUCTION_TAG: 'Production' })).toThrow(/PRODUCTION_TAG: expected Key=Value/);
  });
});
