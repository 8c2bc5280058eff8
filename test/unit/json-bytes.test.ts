import { buildBackup } from '../../lambda/core/backup';
import { jsonBytes } from '../../lambda/core/json-bytes';
import { auditReport, candidate, regionReport, reportWithCandidates } from '../helpers/audit-report';

const stringified = (value: unknown): Buffer => Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');

describe('jsonBytes', () => {
  it('writes an audit report byte for byte as JSON.stringify with two-space indent does', () => {
    const report = reportWithCandidates(300);
    expect(jsonBytes(report).equals(stringified(report))).toBe(true);
  });

  it('writes a backup byte for byte as JSON.stringify with two-space indent does', () => {
    const backup = buildBackup(reportWithCandidates(50));
    expect(jsonBytes(backup).equals(stringified(backup))).toBe(true);
  });

  it('writes names and descriptions with newlines, quotes, backslashes and non-ASCII text exactly, below and above the walked levels', () => {
    const hostile = 'line1\nline2\r\n"quoted" \\ back\u2028sep é 日本 🎉 </script>';
    const group = candidate('sg-0123456789abcdef0', 'eu-west-1', { groupName: hostile, description: hostile, tags: { [hostile]: hostile } });
    const value = { [hostile]: hostile, report: auditReport([regionReport('eu-west-1', [group])]) };
    expect(jsonBytes(value).equals(stringified(value))).toBe(true);
  });

  it('leaves out undefined, functions and symbols in objects and writes them as null in arrays, at every depth', () => {
    const edge = { a: undefined, b: () => 1, c: Symbol('s'), d: [undefined, () => 1, Symbol('s'), 1] };
    const value = { top: edge, list: [edge, [edge, [edge, [edge, [edge]]]]], n: null, t: true, f: 1.5e-7, neg: -0 };
    expect(jsonBytes(value).equals(stringified(value))).toBe(true);
  });

  it('writes empty objects and arrays, and objects whose every member is left out, as JSON does', () => {
    const value = { e: {}, a: [], gone: { x: undefined }, nested: [[], {}, [[]], [{}], { y: [] }], deep: { a: { b: { c: { d: {}, e: [] } } } } };
    expect(jsonBytes(value).equals(stringified(value))).toBe(true);
  });

  it('calls toJSON as JSON does (dates become their ISO string)', () => {
    const value = { when: new Date('2026-12-06T10:00:00Z'), list: [new Date(0)], custom: { toJSON: (key: string) => `key=${key}` } };
    expect(jsonBytes(value).equals(stringified(value))).toBe(true);
  });

  it('writes top-level scalars, null and undefined as the artifact writer always did', () => {
    for (const value of [null, 0, 'text', true, undefined, [], {}]) expect(jsonBytes(value).equals(stringified(value))).toBe(true);
  });
});
