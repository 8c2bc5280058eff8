import {
  coverageFigure,
  groupHoldingTypes,
  ledgerProblems,
  notScannedNotice,
  notScannedPlaces,
  parseLedger,
  type CoverageLedger,
  type ResourceSpec,
  type SpecResource,
  type SpecTypeDefinition,
} from '../../lambda/core/coverage';

/** A spec of the given resources and nested type definitions. */
function spec(resources: SpecResource[], definitions: SpecTypeDefinition[] = []): ResourceSpec {
  return { resources, typeDefinition: (id) => definitions.find((d) => d.$id === id) };
}

const ref = (id: string) => ({ type: 'ref', reference: { $ref: id } });
const strings = { type: 'array', element: { type: 'string' } };

describe('groupHoldingTypes', () => {
  it('finds a group property by its name at any depth, through nested definitions and arrays', () => {
    // Prepare
    const s = spec(
      [{ cloudFormationType: 'AWS::Svc::Thing', properties: { Name: { type: { type: 'string' } }, Targets: { type: { type: 'array', element: ref('target') } } } }],
      [
        { $id: 'target', properties: { Network: { type: ref('network') } } },
        { $id: 'network', properties: { VpcSecurityGroupIds: { type: strings } } },
      ],
    );

    // Act
    const found = groupHoldingTypes(s);

    // Assess
    expect([...found]).toEqual([['AWS::Svc::Thing', ['Targets[].Network.VpcSecurityGroupIds']]]);
  });

  it('finds a property whose name does not say so when its relationshipRefs name AWS::EC2::SecurityGroup', () => {
    // Prepare
    const s = spec([
      { cloudFormationType: 'AWS::Svc::Groups', properties: { GroupSet: { type: strings, relationshipRefs: [{ cloudFormationType: 'AWS::EC2::SecurityGroup' }] } } },
      { cloudFormationType: 'AWS::Svc::Subnets', properties: { SubnetIds: { type: strings, relationshipRefs: [{ cloudFormationType: 'AWS::EC2::Subnet' }] } } },
    ]);

    // Act
    const found = groupHoldingTypes(s);

    // Assess
    expect([...found.keys()]).toEqual(['AWS::Svc::Groups']);
  });

  it('walks a recursive definition once per path and reads its previous types and union members', () => {
    // Prepare
    const s = spec(
      [
        {
          cloudFormationType: 'AWS::Svc::Rule',
          properties: {
            Rule: { type: ref('rule') },
            Old: { type: { type: 'string' }, previousTypes: [ref('legacy')] },
            Either: { type: { type: 'union', types: [{ type: 'string' }, ref('legacy')] } },
          },
        },
      ],
      [
        { $id: 'rule', properties: { Rules: { type: { type: 'array', element: ref('rule') } }, SecurityGroup: { type: { type: 'string' } } } },
        { $id: 'legacy', properties: { SecurityGroupArns: { type: strings } } },
      ],
    );

    // Act
    const found = groupHoldingTypes(s);

    // Assess
    expect(found.get('AWS::Svc::Rule')).toEqual(['Rule.SecurityGroup', 'Old.SecurityGroupArns', 'Either.SecurityGroupArns']);
  });
});

const SCANNERS = [
  { source: 'lambda', covers: ['AWS::Lambda::Function', 'place:lambda-function-versions'] },
  { source: 'rds', covers: ['AWS::RDS::DBInstance'] },
];
const HOLDING = new Map([
  ['AWS::Lambda::Function', ['VpcConfig.SecurityGroupIds']],
  ['AWS::RDS::DBInstance', ['VPCSecurityGroups']],
  ['AWS::Kendra::DataSource', ['VpcConfiguration.SecurityGroupIds']],
]);
const LEDGER: CoverageLedger = {
  'AWS::Lambda::Function': { source: 'lambda' },
  'AWS::RDS::DBInstance': { source: 'rds' },
  'AWS::Kendra::DataSource': { 'not-scanned': 'no scanner yet' },
  'place:lambda-function-versions': { source: 'lambda' },
};

describe('ledgerProblems', () => {
  it('finds nothing wrong when every group-holding type has an entry and every source declares what it is given', () => {
    // Act / Assess
    expect(ledgerProblems(LEDGER, HOLDING, SCANNERS)).toEqual([]);
  });

  it('names a group-holding type the ledger lacks, with the property that holds the group', () => {
    // Prepare
    const holding = new Map([...HOLDING, ['AWS::New::Widget', ['Network.SecurityGroupIds']]]);

    // Act
    const problems = ledgerProblems(LEDGER, holding, SCANNERS);

    // Assess
    expect(problems).toEqual(['AWS::New::Widget holds a security group (Network.SecurityGroupIds) but the coverage ledger has no entry for it']);
  });

  it('names a source that does not cover the type, and the scanner that does', () => {
    // Prepare
    const ledger = { ...LEDGER, 'AWS::Lambda::Function': { source: 'rds' } };

    // Act
    const problems = ledgerProblems(ledger, HOLDING, SCANNERS);

    // Assess
    expect(problems).toEqual([
      'AWS::Lambda::Function: source rds does not declare AWS::Lambda::Function in its covers',
      'lambda covers AWS::Lambda::Function, which the coverage ledger gives to rds',
    ]);
  });

  it('names a source that is no scanner, a covered place the ledger lacks, and a type that holds no group', () => {
    // Prepare
    const withoutPlace: CoverageLedger = Object.fromEntries(
      Object.entries({ ...LEDGER, 'AWS::Kendra::DataSource': { source: 'kendra' }, 'AWS::EC2::Subnet': { 'not-a-usage': 'holds subnets' } }).filter(
        ([key]) => key !== 'place:lambda-function-versions',
      ),
    );

    // Act
    const problems = ledgerProblems(withoutPlace, HOLDING, SCANNERS);

    // Assess
    expect(problems).toEqual([
      'AWS::Kendra::DataSource: source kendra is not a scanner',
      'AWS::EC2::Subnet is in the coverage ledger but no property of it holds a security group in the installed spec',
      'lambda covers place:lambda-function-versions, which the coverage ledger lacks',
    ]);
  });

  it('names a place a scanner covers that the ledger marks not scanned', () => {
    // Prepare
    const ledger = { ...LEDGER, 'AWS::RDS::DBInstance': { 'not-scanned': 'no scanner yet' } };

    // Act / Assess
    expect(ledgerProblems(ledger, HOLDING, SCANNERS)).toEqual(['rds covers AWS::RDS::DBInstance, which the coverage ledger marks not-scanned']);
  });
});

describe('parseLedger', () => {
  it('accepts an interfaces entry with one sentence and an AWS documentation link', () => {
    // Prepare
    const data = {
      'AWS::Svc::Endpoint': { interfaces: 'The endpoint exists only as its network interfaces, which carry the groups.', doc: 'https://docs.aws.amazon.com/svc/latest/ug/endpoints.html' },
    };

    // Act / Assess
    expect(parseLedger(data)).toBe(data);
  });

  it('rejects an interfaces entry without a sentence or without a documentation link, naming the key', () => {
    // Prepare
    const data = {
      'AWS::Svc::A': { interfaces: 'eni', doc: 'https://docs.aws.amazon.com/a.html' },
      'AWS::Svc::B': { interfaces: 'The group lives on the network interfaces of the endpoint.' },
    };

    // Act / Assess
    expect(() => parseLedger(data)).toThrow(
      'the coverage ledger is malformed:\n' +
        'AWS::Svc::A: interfaces must be one sentence saying why the group is held only while a network interface exists\n' +
        'AWS::Svc::B: interfaces needs a doc link (https://docs.aws.amazon.com/...)',
    );
  });

  it('rejects an entry with two kinds, an empty reason and a key that is neither a type nor a place', () => {
    // Prepare
    const data = {
      'AWS::Svc::A': { source: 'lambda', 'not-scanned': 'x' },
      'AWS::Svc::B': { 'not-scanned': ' ' },
      'lambda functions': { source: 'lambda' },
    };

    // Act / Assess
    expect(() => parseLedger(data)).toThrow(/AWS::Svc::A: the entry must have exactly one of[^\n]*\nAWS::Svc::B: not-scanned must be a non-empty string\nlambda functions: not a CloudFormation type/);
  });
});

describe('the figure', () => {
  it('counts scanned, interfaces, not scanned and not a usage, and lists the places not scanned with why', () => {
    // Prepare
    const ledger: CoverageLedger = {
      ...LEDGER,
      'AWS::Svc::Endpoint': { interfaces: 'The endpoint exists only as its network interfaces.', doc: 'https://docs.aws.amazon.com/x.html' },
      'AWS::RDS::DBSecurityGroup': { 'not-a-usage': 'EC2-Classic' },
      'place:kubernetes-objects': { 'not-scanned': 'no AWS API' },
    };

    // Act
    const figure = coverageFigure(ledger);
    const list = notScannedPlaces(ledger);

    // Assess
    expect(figure).toEqual({ scanned: 3, interfaces: 1, notScanned: 2, notAUsage: 1 });
    expect(list).toEqual([
      { key: 'AWS::Kendra::DataSource', why: 'no scanner yet' },
      { key: 'place:kubernetes-objects', why: 'no AWS API' },
    ]);
  });

  it('says how many places are not scanned, that a group used only there looks unused, and where the list is', () => {
    // Act
    const notice = notScannedNotice({ scanned: 120, interfaces: 2, notScanned: 1, listUrl: 'docs/coverage.md#places-not-scanned' });

    // Assess
    expect(notice).toBe(
      '1 place that can hold a security group is not scanned: a group used only there looks unused (list: docs/coverage.md#places-not-scanned; 120 scanned, 2 through network interfaces)',
    );
  });
});
