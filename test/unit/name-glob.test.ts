import { compileGlob, GlobSyntaxError } from '../../lambda/core/name-glob';

describe('compileGlob', () => {
  it.each([
    ['prod-*', 'prod-', true],
    ['*-live', 'a/b-LIVE', true],
    ['a*b*c', 'a-x/b-y/c', true],
    ['a*b*c', 'a-c-b', false],
    ['*', '', true],
    ['', '', true],
    ['?', 'é', true],
    ['x[a-c]y', 'xBy', true],
    ['x[]]y', 'x]y', true],
    ['x[a-]y', 'x-y', true],
  ])('%s against %j is %s', (pattern, name, expected) => {
    // Act / Assess
    expect(compileGlob(pattern)(name)).toBe(expected);
  });

  it.each([
    ['prod-[x', 'never closed'],
    ['x[z-a]', 'is reversed'],
  ])('refuses %s (%s)', (pattern, why) => {
    // Act / Assess
    expect(() => compileGlob(pattern)).toThrow(GlobSyntaxError);
    expect(() => compileGlob(pattern)).toThrow(why);
  });

  it('decides a many-star pattern against a long near-miss without backtracking blow-up', () => {
    // Prepare: a backtracking regular expression takes exponential time on this pair.
    const test = compileGlob(`${'*a'.repeat(30)}*b`);
    const name = 'a'.repeat(255);

    // Act
    const started = process.hrtime.bigint();
    const result = test(name);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;

    // Assess
    expect(result).toBe(false);
    expect(ms).toBeLessThan(1000);
  });
});
