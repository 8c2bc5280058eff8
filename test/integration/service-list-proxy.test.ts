import { runAudit } from '../../lambda/aws/audit';
import { ClientFactory } from '../../lambda/aws/client-factory';
import { SCANNERS } from '../../lambda/aws/scanners/registry';
import type { AuditReport } from '../../lambda/core/model';
import { motoEnv } from '../../scripts/moto-server';
import { MOTO_MISSING_SOURCES, seedRegion, type SeededRegion } from '../../scripts/seed-account';
import { startSsmFilterProxy, type SsmFilterProxy } from '../helpers/ssm-filter-proxy';

const REGION = 'sa-east-1';
// Every service the registry names, lambda, ecs and elb first: a list that lags this much still
// must not turn one used group into a candidate.
const DROPPED = [...new Set(['lambda', 'ecs', 'elb', ...SCANNERS.map((s) => s.service).filter((code): code is string => !!code)])];

describe('an audit through a proxy whose SSM service list omits the services that hold the groups', () => {
  let seeded: SeededRegion;
  let proxy: SsmFilterProxy;
  let report: AuditReport;
  let ssmDuringAudit: string[];
  let saved: NodeJS.ProcessEnv;

  beforeAll(async () => {
    saved = { ...process.env };
    const moto = process.env.MOTO_ENDPOINT ?? '';
    Object.assign(process.env, motoEnv(moto, REGION));
    seeded = await seedRegion(REGION);
    proxy = await startSsmFilterProxy(moto, DROPPED);
    process.env.AWS_ENDPOINT_URL = proxy.endpoint;
    const factory = new ClientFactory();
    try {
      report = await runAudit(
        {
          regions: [REGION],
          skipSources: [...MOTO_MISSING_SOURCES],
          protectTags: [{ key: 'DoNotDelete', value: 'true' }],
          productionTags: [{ key: 'Environment', value: 'Production' }],
          protectNamePatterns: ['prod-*'],
          minAgeDays: 0,
        },
        { factory, accountId: '123456789012' },
      );
    } finally {
      factory.destroy();
    }
    ssmDuringAudit = [...proxy.ssmRequests];
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    process.env = saved;
  });

  it('drops lambda, ecs and elb from the list', async () => {
    // The proxy really answers "not listed" for them.
    const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
    const ssm = new SSMClient({ region: REGION, endpoint: proxy.endpoint });
    const names = ['lambda', 'ecs', 'elb'].map((code) => `/aws/service/global-infrastructure/regions/${REGION}/services/${code}`);
    const answers = await Promise.all(names.map((Name) => ssm.send(new GetParameterCommand({ Name })).then(() => 'listed', (e: Error) => e.name)));
    ssm.destroy();
    expect(answers).toEqual(['ParameterNotFound', 'ParameterNotFound', 'ParameterNotFound']);
  });

  it('turns no used group into a candidate: every seeded group gets the verdict its use calls for', () => {
    const verdicts = Object.fromEntries(seeded.groups.map((g) => [g.name, report.regions[0]?.groups.find((r) => r.groupId === g.groupId)?.verdict]));
    expect(verdicts).toEqual(Object.fromEntries(seeded.groups.map((g) => [g.name, g.expected])));
    const usedButCandidate = seeded.groups.filter((g) => g.expected === 'in-use' && verdicts[g.name] === 'candidate');
    expect(usedButCandidate).toEqual([]);
  });

  it('calls every source, none of them "not offered"', () => {
    const scans = report.regions[0]?.scans ?? [];
    expect(scans.filter((s) => s.status === 'failed')).toEqual([]);
    expect(scans.filter((s) => s.note?.includes('not offered'))).toEqual([]);
  });

  it('spends at most one SSM request on the region', () => {
    expect(ssmDuringAudit.length).toBeLessThanOrEqual(1);
  });
});
