import { describePlaces, groupIdSweep, groupIdTokens, placesByGroup } from '../../lambda/core/group-id-sweep';

const LONG = 'sg-0123456789abcdef0';
const SHORT = 'sg-0a1b2c3d';
const OTHER = 'sg-0fedcba9876543210';

describe('groupIdTokens', () => {
  it('finds ids of 17 and of 8 hex digits', () => {
    // Act
    const tokens = groupIdTokens(`use ${LONG} and ${SHORT}`);

    // Assess
    expect(tokens).toEqual([LONG, SHORT]);
  });

  it('ignores sg- followed by another number of hex digits', () => {
    // Act
    const tokens = groupIdTokens('sg-0123456 sg-012345678 sg-0123456789abcdef sg-0123456789abcdef01');

    // Assess
    expect(tokens).toEqual([]);
  });

  it('ignores an id-like run inside a longer word, on either side', () => {
    // Act
    const tokens = groupIdTokens(`x${SHORT} ${SHORT}x ${SHORT}_1 my_${LONG}`);

    // Assess
    expect(tokens).toEqual([]);
  });

  it('lower-cases upper-case ids', () => {
    // Act
    const tokens = groupIdTokens('SG-0A1B2C3D and sg-0123456789ABCDEF0');

    // Assess
    expect(tokens).toEqual([SHORT, LONG]);
  });

  it('finds ids inside ARNs, URIs, quoted and comma-separated lists', () => {
    // Act
    const tokens = groupIdTokens(
      `arn:aws:ec2:us-east-1:123456789012:security-group/${LONG} security_group:${SHORT} "${OTHER}",${SHORT}`,
    );

    // Assess
    expect(tokens).toEqual([LONG, SHORT, OTHER, SHORT]);
  });

  it('finds ids right after JSON escapes and URL-encoded separators', () => {
    // Act
    const tokens = groupIdTokens(`a\\n${LONG} \\u0022${SHORT}\\u0022 security-group%2F${OTHER} \\"${SHORT}\\"`);

    // Assess
    expect(tokens).toEqual([LONG, SHORT, OTHER, SHORT]);
  });

  it('sweeps a 2 MB adversarial text in linear time', () => {
    // Prepare: near-misses everywhere, the worst case for a backtracking pattern (a quadratic or
    // exponential pattern would take minutes here; the bound is loose for a loaded machine).
    const text = 'sg-0123456789abcdefsg-'.repeat(100_000);
    const started = performance.now();

    // Act
    const tokens = groupIdTokens(text);

    // Assess
    expect(tokens).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('groupIdSweep', () => {
  it('reports only ids of the inventory, once each, in the inventory spelling', () => {
    // Prepare
    const sweep = groupIdSweep([LONG, SHORT]);

    // Act
    const ids = sweep.inText(`${SHORT} ${OTHER} ${LONG.toUpperCase()} ${SHORT}`);

    // Assess
    expect(ids).toEqual([SHORT, LONG]);
  });

  it('names the JSON path of every place in a document', () => {
    // Prepare
    const sweep = groupIdSweep([LONG, SHORT]);
    const doc = { States: { Run: { Parameters: { NetworkConfiguration: { AwsvpcConfiguration: { SecurityGroups: [SHORT, LONG] } } } } } };

    // Act
    const places = sweep.inJson(doc);

    // Assess
    expect(places.map((p) => [p.groupId, p.path])).toEqual([
      [SHORT, '$.States.Run.Parameters.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups[0]'],
      [LONG, '$.States.Run.Parameters.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups[1]'],
    ]);
    expect(places[0]?.segments).toEqual(['States', 'Run', 'Parameters', 'NetworkConfiguration', 'AwsvpcConfiguration', 'SecurityGroups', 0]);
  });

  it('opens JSON held in a string and continues the path into it', () => {
    // Prepare
    const sweep = groupIdSweep([LONG]);
    const target = { Id: 't1', Input: JSON.stringify({ NetworkConfiguration: { SecurityGroupIds: [LONG] } }) };

    // Act
    const places = sweep.inJson(target);

    // Assess
    expect(places.map((p) => p.path)).toEqual(['$.Input.NetworkConfiguration.SecurityGroupIds[0]']);
  });

  it('finds an id in a string that is not JSON, and in an object key', () => {
    // Prepare
    const sweep = groupIdSweep([LONG, SHORT]);

    // Act
    const places = sweep.inJson({ 'odd key': `run with --sg ${SHORT}`, map: { [LONG]: 'web tier' } });

    // Assess
    expect(places.map((p) => [p.groupId, p.path])).toEqual([
      [SHORT, '$["odd key"]'],
      [LONG, `$.map["${LONG}"]`],
    ]);
  });

  it('sweeps a JSON document given as text, and text that is not JSON as plain text', () => {
    // Prepare
    const sweep = groupIdSweep([LONG]);

    // Act
    const fromJson = sweep.inJsonText(JSON.stringify({ a: [LONG] }));
    const fromText = sweep.inJsonText(`not json: ${LONG}`);

    // Assess
    expect(fromJson.map((p) => p.path)).toEqual(['$.a[0]']);
    expect(fromText.map((p) => p.path)).toEqual(['$']);
  });

  it('walks a deeply nested document without overflowing the stack', () => {
    // Prepare
    const sweep = groupIdSweep([SHORT]);
    let doc: unknown = SHORT;
    for (let i = 0; i < 50_000; i += 1) doc = [doc];

    // Act
    const places = sweep.inJson(doc);

    // Assess
    expect(places).toHaveLength(1);
    expect(places[0]?.path.endsWith('...')).toBe(true);
  });

  it('sweeps a 1 MB definition quickly', () => {
    // Prepare
    const states: Record<string, unknown> = {};
    for (let i = 0; i < 5_000; i += 1) states[`State${i}`] = { Type: 'Task', Parameters: { Note: 'sg-x '.repeat(30), Groups: i === 4_999 ? [LONG] : [] } };
    const text = JSON.stringify({ States: states });
    const sweep = groupIdSweep([LONG]);
    const started = performance.now();

    // Act
    const places = sweep.inJsonText(text);

    // Assess
    expect(text.length).toBeGreaterThan(1_000_000);
    expect(places.map((p) => p.path)).toEqual(['$.States.State4999.Parameters.Groups[0]']);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('placesByGroup and describePlaces', () => {
  it('groups places by id and names the first few of them', () => {
    // Prepare
    const places = groupIdSweep([SHORT]).inJson({ a: SHORT, b: SHORT, c: SHORT, d: SHORT });

    // Act
    const detail = describePlaces(placesByGroup(places).get(SHORT) ?? []);

    // Assess
    expect(detail).toBe('at $.a, $.b, $.c (+1 more)');
  });
});
