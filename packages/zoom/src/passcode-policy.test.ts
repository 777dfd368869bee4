import type { UsersGetUserSettingsResponse } from '@zoom/rivet/users';
import { PermanentError } from '@meetlink/errors';
import { CONSECUTIVE_RUN_CASES, errorThrownBy } from '@meetlink/fakes';
import { generatePasscode, isWeakPasscode, longestRun, validatePasscode } from './passcode-policy';
import type { MeetingPasswordRequirement } from './passcode-policy';
import { EVERY_PASSCODE_RULE } from '../test/harness';

// Rivet's settings answer is a union; pick the member that carries schedule_meeting.
type ScheduleMeetingOf<T> = T extends { schedule_meeting?: infer S }
  ? 'schedule_meeting' extends keyof T
    ? S
    : never
  : never;
type RivetRequirement = NonNullable<
  NonNullable<ScheduleMeetingOf<UsersGetUserSettingsResponse>>['meeting_password_requirement']
>;

const errorOf = (fn: () => unknown): PermanentError => errorThrownBy(fn, PermanentError);

/** A scripted "random" source: returns the given indexes in turn, then repeats the last one. */
const scripted = (indexes: number[]): ((max: number) => number) => {
  let i = 0;
  return (max) => {
    const value = indexes[Math.min(i, indexes.length - 1)] ?? 0;
    i += 1;
    return value % max;
  };
};

describe('validatePasscode', () => {
  it('accepts Rivet’s settings type as a requirement', () => {
    const fromRivet: RivetRequirement = { length: 6, consecutive_characters_length: 4, have_number: true };
    expect(validatePasscode('Xk7pQ2', fromRivet)).toEqual([]);
  });

  it('enforces Zoom’s own limit of 10 characters of [a-zA-Z0-9@-_*]', () => {
    expect(validatePasscode('Ab3@-_*xyz', {})).toEqual([]);
    expect(validatePasscode('Ab3@-_*xyzQ', {})).toEqual(['zoom_max_length']);
    expect(validatePasscode('Ab3#x', {})).toEqual(['zoom_allowed_characters']);
    expect(validatePasscode('Ab3 x', {})).toEqual(['zoom_allowed_characters']);
  });

  it('treats length as a minimum and never accepts an empty passcode', () => {
    expect(validatePasscode('Ab3xY', { length: 6 })).toEqual(['length']);
    expect(validatePasscode('Ab3xYz', { length: 6 })).toEqual([]);
    expect(validatePasscode('', {})).toEqual(['length']);
  });

  it('names each character-class rule that is broken', () => {
    expect(validatePasscode('1357924680', { have_letter: true })).toEqual(['have_letter']);
    expect(validatePasscode('abcXYZqwe', { have_number: true })).toContain('have_number');
    expect(validatePasscode('Ab3xYz', { have_special_character: true })).toEqual(['have_special_character']);
    expect(validatePasscode('Ab3xYz', { only_allow_numeric: true })).toEqual(['only_allow_numeric']);
    expect(validatePasscode('ab3xyz', { have_upper_and_lower_characters: true })).toEqual([
      'have_upper_and_lower_characters',
    ]);
    expect(
      validatePasscode('Ab3x@z', { have_special_character: true, have_upper_and_lower_characters: true }),
    ).toEqual([]);
  });

  it('allows at most n−1 identical or sequential characters in a row', () => {
    const rule = { consecutive_characters_length: 4 };
    expect(validatePasscode('Xaaa7k', rule)).toEqual([]);
    expect(validatePasscode('Xaaaa7', rule)).toEqual(['consecutive_characters_length']);
    expect(validatePasscode('Xabcd7', rule)).toEqual(['consecutive_characters_length']);
    expect(validatePasscode('X43217', rule)).toEqual(['consecutive_characters_length']);
    expect(validatePasscode('Xqwer7', rule)).toEqual(['consecutive_characters_length']);
    expect(validatePasscode('X4321', { consecutive_characters_length: 5 })).toEqual([]);
    expect(validatePasscode('X43210', { consecutive_characters_length: 5 })).toEqual([
      'consecutive_characters_length',
    ]);
    expect(validatePasscode('aaaaaaaa', { consecutive_characters_length: 0 })).toEqual([]);
  });

  it('flags weak passcodes only when weak detection is on', () => {
    const rule = { weak_enhance_detection: true };
    for (const weak of ['111', 'abc9XkQ', 'ab12ab12', 'myZoom42', 'Password1', '1q2w3eX']) {
      expect(validatePasscode(weak, rule)).toEqual(['weak_enhance_detection']);
      expect(validatePasscode(weak, {})).toEqual([]);
    }
    expect(validatePasscode('Xk7pQ2mR9w', rule)).toEqual([]);
  });
});

describe('longestRun / isWeakPasscode', () => {
  // The same cases the fake Zoom's rules are tested with: what we generate, the fake judges alike.
  it.each(CONSECUTIVE_RUN_CASES)('measures the longest run in %p as %i', (passcode, run) => {
    expect(longestRun(passcode)).toBe(run);
  });

  it('does not call a varied random passcode weak', () => {
    expect(isWeakPasscode('Xk7pQ2mR9w')).toBe(false);
  });
});

describe('generatePasscode', () => {
  it('makes 10 characters of upper case, lower case and digits when there is no rule', () => {
    for (let i = 0; i < 200; i += 1) {
      const passcode = generatePasscode({});
      expect(passcode).toMatch(/^[A-Za-z0-9]{10}$/);
      expect(passcode).toMatch(/[A-Z]/);
      expect(passcode).toMatch(/[a-z]/);
      expect(passcode).toMatch(/[0-9]/);
    }
  });

  it('never returns digits only without a numeric rule, drawing again instead', () => {
    // First draw: ten digits (indexes 52..61 of upper+lower+digits); then a valid mix.
    const random = scripted([52, 55, 58, 61, 53, 56, 59, 54, 57, 60, 0, 27, 53, 14, 40, 56, 3, 45, 59, 20]);
    expect(generatePasscode({}, random)).toBe('Ab1Oo4Dt7U');
  });

  it('makes numeric passcodes for a numeric-only rule', () => {
    for (let i = 0; i < 100; i += 1) {
      const passcode = generatePasscode({
        only_allow_numeric: true,
        consecutive_characters_length: 4,
        length: 8,
      });
      expect(passcode).toMatch(/^[0-9]{10}$/);
      expect(
        validatePasscode(passcode, { only_allow_numeric: true, consecutive_characters_length: 4 }),
      ).toEqual([]);
    }
  });

  it('includes a special character only when one is required', () => {
    for (let i = 0; i < 100; i += 1) {
      expect(generatePasscode({ have_special_character: true })).toMatch(/[@\-_*]/);
      expect(generatePasscode({ have_letter: true })).not.toMatch(/[@\-_*]/);
    }
  });

  it('meets every rule at once', () => {
    const strict: MeetingPasswordRequirement = EVERY_PASSCODE_RULE;
    for (let i = 0; i < 200; i += 1) expect(validatePasscode(generatePasscode(strict), strict)).toEqual([]);
  });

  it.each([
    [{ length: 11 }, 'length'],
    [{ length: -1 }, 'length'],
    [{ only_allow_numeric: true, have_letter: true }, 'only_allow_numeric with have_letter'],
    [
      { only_allow_numeric: true, have_special_character: true },
      'only_allow_numeric with have_special_character',
    ],
    [
      { only_allow_numeric: true, have_upper_and_lower_characters: true },
      'only_allow_numeric with have_upper_and_lower_characters',
    ],
    [{ consecutive_characters_length: 1 }, 'consecutive_characters_length'],
  ])('refuses the unsatisfiable policy %j, naming %s', (requirement, rule) => {
    const error = errorOf(() => generatePasscode(requirement));
    expect(error.code).toBe('passcode_policy_unsatisfiable');
    expect(error.message).toContain(rule);
  });
});
