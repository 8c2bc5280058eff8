import { keepStatus, keepReasonTagValue, keepTags, keptUntilEnd, KEPT_REASON_TAG, KEPT_UNTIL_TAG, parseKeepChoice } from '../../lambda/core/keep';

const NOW = new Date('2026-11-26T10:00:00Z');
const kept = (until: string, reason?: string) => ({ [KEPT_UNTIL_TAG]: until, ...(reason === undefined ? {} : { [KEPT_REASON_TAG]: reason }) });

describe('keptUntilEnd', () => {
  it('keeps a date through the whole of that day in UTC', () => {
    expect(keptUntilEnd('2027-01-31')?.toISOString()).toBe('2027-02-01T00:00:00.000Z');
  });

  it('keeps a full ISO time until that instant', () => {
    expect(keptUntilEnd('2027-01-31T12:30:00+01:00')?.toISOString()).toBe('2027-01-31T11:30:00.000Z');
  });

  it.each(['next year', '2027-02-30', '2027-1-31', '31/01/2027', '', '2027-01-31T25:00:00Z', '2027-01-31 12:00'])('reads %j as malformed', (value) => {
    expect(keptUntilEnd(value)).toBeUndefined();
  });
});

describe('keepStatus', () => {
  it('says who kept the group, until when and why', () => {
    expect(keepStatus(kept('2027-01-31', 'batch job runs in January'), NOW)).toEqual({
      state: 'kept',
      reason: 'kept by reviewer until 2027-01-31: batch job runs in January',
    });
  });

  it('still keeps the group on the last day itself', () => {
    expect(keepStatus(kept('2026-11-26', 'x'), NOW).state).toBe('kept');
  });

  it('lets the keep lapse the day after the date, with a note for the reviewer', () => {
    expect(keepStatus(kept('2026-11-25', 'x'), NOW)).toEqual({ state: 'expired', note: 'was kept by reviewer until 2026-11-25, which has passed: x' });
  });

  it('keeps a group whose date cannot be read, quoting the bad value', () => {
    const status = keepStatus(kept('someday', 'x'), NOW);
    expect(status).toEqual({
      state: 'malformed',
      reason: 'tag sg-auditor:kept-until is malformed ("someday", expected a date such as 2027-01-31): kept until a person corrects or removes it: x',
    });
  });

  it('turns line breaks, bidi overrides and escapes in a reason into spaces', () => {
    const status = keepStatus(kept('2027-01-31', 'ok\nverdict: CANDIDATE\u202e\u001b[31m'), NOW);
    expect(status).toEqual({ state: 'kept', reason: 'kept by reviewer until 2027-01-31: ok verdict: CANDIDATE [31m' });
  });

  it('bounds a long reason to 256 characters', () => {
    const status = keepStatus(kept('2027-01-31', 'x'.repeat(5000)), NOW);
    expect(status.state === 'kept' && status.reason).toBe(`kept by reviewer until 2027-01-31: ${'x'.repeat(255)}…`);
  });

  it('says when no reason was given', () => {
    expect(keepStatus(kept('2027-01-31'), NOW)).toEqual({ state: 'kept', reason: 'kept by reviewer until 2027-01-31 (no reason given)' });
  });

  it('reads the keys as people write them, ignoring case and surrounding spaces', () => {
    expect(keepStatus({ ' SG-Auditor:Kept-Until ': '2027-01-31', 'sg-auditor:KEPT-REASON': 'why' }, NOW).state).toBe('kept');
  });

  it('keeps nothing for a reason without a date', () => {
    expect(keepStatus({ [KEPT_REASON_TAG]: 'why' }, NOW)).toEqual({ state: 'none' });
  });
});

describe('keepTags', () => {
  it('writes the date N days ahead and a one-line reason', () => {
    expect(keepTags(30, 'quarterly\r\njob', NOW)).toEqual({ [KEPT_UNTIL_TAG]: '2026-12-26', [KEPT_REASON_TAG]: 'quarterly job' });
  });

  it('refuses a keep of less than a day', () => {
    expect(() => keepTags(0, 'x', NOW)).toThrow(RangeError);
  });
});

describe('keepReasonTagValue', () => {
  it('collapses line breaks, bidi overrides and runs of spaces into one space', () => {
    expect(keepReasonTagValue(' a\u202e\u200b b \t\n\n c ')).toBe('a b c');
  });

  it('cuts a reason to the 256 characters EC2 takes in a tag value, ending with …', () => {
    // Act
    const value = keepReasonTagValue('x'.repeat(300));

    // Assess
    expect(value).toHaveLength(256);
    expect(value.endsWith('x…')).toBe(true);
  });

  it('never splits a character made of two UTF-16 units when cutting', () => {
    // Act
    const value = keepReasonTagValue('xx' + '\u{1F512}'.repeat(200));

    // Assess
    expect(value.length).toBeLessThanOrEqual(256);
    expect(value).toMatch(/^xx(\u{1F512})+…$/u);
  });

  it('does not start a value with the aws: prefix AWS reserves', () => {
    expect(keepReasonTagValue('AWS: managed by support')).toBe('reason: AWS: managed by support');
  });
});

describe('parseKeepChoice', () => {
  it('keeps untagged when no duration is chosen', () => {
    expect(parseKeepChoice(undefined, 'ignored')).toEqual({ ok: true, choice: { days: 0 } });
  });

  it('takes an offered duration with its reason, on one line', () => {
    expect(parseKeepChoice('90', ' nightly\njob ')).toEqual({ ok: true, choice: { days: 90, reason: 'nightly job' } });
  });

  it('refuses a duration the page does not offer', () => {
    expect(parseKeepChoice('36500', 'x')).toMatchObject({ ok: false, problem: expect.stringContaining('not one of the offered durations') });
  });

  it('refuses a duration without a reason', () => {
    expect(parseKeepChoice('30', '  ')).toMatchObject({ ok: false, problem: expect.stringContaining('say why') });
  });

  it('refuses a reason longer than 256 characters', () => {
    expect(parseKeepChoice('30', 'x'.repeat(257))).toMatchObject({ ok: false, problem: expect.stringContaining('longer than 256') });
  });

  it('counts characters as the page does, so 128 two-unit characters fill the reason', () => {
    expect(parseKeepChoice('30', '\u{1F512}'.repeat(129))).toMatchObject({ ok: false, problem: expect.stringContaining('longer than 256') });
  });

  it('refuses a reason starting with the reserved aws: prefix', () => {
    expect(parseKeepChoice('30', 'aws:cdk owns it')).toMatchObject({ ok: false, problem: expect.stringContaining('"aws:"') });
  });
});
