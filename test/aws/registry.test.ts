import { SCANNERS, scannerActions } from '../../lambda/aws/scanners/registry';
import { SOURCE_IDS } from '../../lambda/core/model';

describe('scanner registry', () => {
  it('has exactly one scanner for every source id, in source-id order', () => {
    expect(SCANNERS.map((s) => s.source)).toEqual([...SOURCE_IDS]);
  });

  it('has every scanner declare at least one IAM action of the form service:Action', () => {
    for (const scanner of SCANNERS) {
      expect(scanner.actions.length).toBeGreaterThan(0);
      for (const action of scanner.actions) expect(action).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/);
    }
  });

  it('grants no wildcard action', () => {
    expect(scannerActions().filter((a) => a.includes('*'))).toEqual([]);
  });

  it('names the service of every scanner that calls AWS, for the service-list check after a missing endpoint', () => {
    const withoutService = SCANNERS.filter((s) => !s.service).map((s) => s.source);
    expect(withoutService).toEqual(['sg-rule-references']);
  });

  it('runs only peered-references after the first classification', () => {
    expect(SCANNERS.filter((s) => s.afterClassify).map((s) => s.source)).toEqual(['peered-references']);
  });

  it('declares only read-only actions', () => {
    const mutating = scannerActions().filter((a) => /:(Create|Delete|Put|Update|Modify|Authorize|Revoke|Run|Start|Stop|Terminate)/.test(a));
    expect(mutating).toEqual([]);
  });
});
