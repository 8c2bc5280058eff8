import type { KeptRecord } from '../../lambda/core/deletion-contract';
import { keptByReviewerReason } from '../../lambda/workflows/deletion/tasks';

const KEEP_FOR = { days: 30, reason: 'month-end batch' };
const RECORD: KeptRecord = {
  until: '2026-12-29',
  reason: 'month-end batch',
  tagged: ['sg-0a'],
  failed: [{ groupId: 'sg-0b', code: 'InvalidGroup.NotFound', message: 'gone' }],
};

describe('the result reason of a group the reviewer kept', () => {
  it('says only that it was kept when the reviewer kept it this time only', () => {
    expect(keptByReviewerReason(undefined, undefined, 'sg-0a')).toBe('kept by reviewer (not selected)');
  });

  it('gives the date and the reason of a group tagged kept', () => {
    expect(keptByReviewerReason(KEEP_FOR, RECORD, 'sg-0a')).toBe('kept by reviewer until 2026-12-29: month-end batch');
  });

  it('says the next audit asks again when tagging that group failed, with the error code', () => {
    expect(keptByReviewerReason(KEEP_FOR, RECORD, 'sg-0b')).toBe(
      'kept by reviewer (not selected); keeping it for 30 days could not be tagged (InvalidGroup.NotFound), so the next audit asks again',
    );
  });

  it('says the next audit asks again when the keep step itself did not finish', () => {
    expect(keptByReviewerReason(KEEP_FOR, undefined, 'sg-0a')).toBe(
      'kept by reviewer (not selected); keeping it for 30 days could not be tagged (the keep step did not finish), so the next audit asks again',
    );
  });
});
