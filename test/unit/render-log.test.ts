import { renderLog } from '../../lambda/core/render-log';
import { auditReport, candidate, regionReport } from '../helpers/audit-report';

describe('renderLog', () => {
  it('keeps a hostile group name on its own line, without terminal escapes or bidi controls', () => {
    // Prepare
    const name = 'evil\nverdict: PROTECTED\u001b[2J\u202e';
    const report = auditReport([regionReport('us-east-1', [candidate('sg-1', 'us-east-1', { groupName: name })])]);

    // Act
    const log = renderLog(report);

    // Assess
    const checking = log.split('\n').filter((l) => l.startsWith('Checking security group'));
    expect(checking).toEqual([expect.stringContaining('(evil verdict: PROTECTED [2J ) us-east-1/')]);
    expect(log).not.toMatch(/[\u001b\u202e]/);
    expect(log.split('\n').filter((l) => l.startsWith('verdict: PROTECTED'))).toEqual([]);
  });
});
