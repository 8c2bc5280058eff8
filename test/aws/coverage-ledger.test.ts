import { COVERAGE_LEDGER } from '../../lambda/aws/coverage';
import { SCANNERS } from '../../lambda/aws/scanners/registry';
import { groupHoldingTypes, ledgerProblems, type ResourceSpec } from '../../lambda/core/coverage';
import { loadResourceSpec } from '../helpers/service-spec';

/*
 * The coverage ledger (lambda/aws/scanners/coverage-ledger.json) held to AWS's resource model as
 * installed (@aws-cdk/aws-service-spec) and to the scanners' `covers`: updating the spec package
 * turns every new AWS place that can hold a group into a failing test here.
 */

let installed: ResourceSpec;
let holding: Map<string, string[]>;

beforeAll(async () => {
  installed = await loadResourceSpec();
  holding = groupHoldingTypes(installed);
});

describe('the coverage ledger against the installed resource model', () => {
  it('finds the group-holding types the walk must see, at any depth and by relationship', () => {
    // Assess: a name match deep in nested definitions, a relationshipRefs-only property, an ARN list.
    expect(holding.get('AWS::Kendra::DataSource')).toEqual(expect.arrayContaining(['DataSourceConfiguration.DatabaseConfiguration.VpcConfiguration.SecurityGroupIds']));
    expect(holding.get('AWS::EC2::NetworkInterface')).toEqual(['GroupSet']);
    expect(holding.get('AWS::DataSync::Agent')).toEqual(['SecurityGroupArns']);
    expect(holding.size).toBeGreaterThanOrEqual(163);
  });

  it('has an entry for every CloudFormation type that holds a security group', () => {
    // Act
    const missing = [...holding.keys()].filter((type) => !(type in COVERAGE_LEDGER));

    // Assess
    expect(missing).toEqual([]);
  });

  it('agrees with every scanner: each source entry is in its scanner\'s covers, and each covers entry is the ledger\'s with that source', () => {
    // Act / Assess
    expect(ledgerProblems(COVERAGE_LEDGER, holding, SCANNERS)).toEqual([]);
  });

  it('fails, naming the type and its property, for a spec with one more group-holding type', async () => {
    // Prepare: AWS adds a service whose resource names a group in a nested definition.
    const withNewType = await loadResourceSpec({
      resources: [{ cloudFormationType: 'AWS::NewService::Widget', properties: { Network: { type: { type: 'ref', reference: { $ref: 'test-network' } } } } }],
      definitions: [{ $id: 'test-network', properties: { SecurityGroupIds: { type: { type: 'array', element: { type: 'string' } } } } }],
    });

    // Act
    const problems = ledgerProblems(COVERAGE_LEDGER, groupHoldingTypes(withNewType), SCANNERS);

    // Assess
    expect(problems).toEqual(['AWS::NewService::Widget holds a security group (Network.SecurityGroupIds) but the coverage ledger has no entry for it']);
  });

  it('fails for a ledger that gives a type to a source whose scanner does not read it', () => {
    // Prepare
    const wrong = { ...COVERAGE_LEDGER, 'AWS::EKS::Cluster': { source: 'ecs-services' } };

    // Act
    const problems = ledgerProblems(wrong, holding, SCANNERS);

    // Assess
    expect(problems).toEqual([
      'AWS::EKS::Cluster: source ecs-services does not declare AWS::EKS::Cluster in its covers',
      'eks covers AWS::EKS::Cluster, which the coverage ledger gives to ecs-services',
    ]);
  });
});
