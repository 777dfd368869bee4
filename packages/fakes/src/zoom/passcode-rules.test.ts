import {
  findPasscodeViolations,
  generatePasscode,
  longestConsecutiveRun,
  normalizePasswordRequirement,
} from './passcode-rules';
import { CONSECUTIVE_RUN_CASES } from './passcode-cases';
import type { MeetingPasswordRequirement } from './types';

const rules = (partial: Partial<MeetingPasswordRequirement> = {}) => normalizePasswordRequirement(partial);
const passes = (passcode: string, partial: Partial<MeetingPasswordRequirement> = {}) =>
  findPasscodeViolations(passcode, rules(partial)).length === 0;

describe('passcode rules', () => {
  it("holds every passcode to Zoom's own limit: at most 10 of [a-zA-Z0-9@-_*]", () => {
    expect(passes('aZ09@-_*xy')).toBe(true);
    expect(findPasscodeViolations('12345678901', rules())).toEqual([
      'Password can only have a maximum 10 characters.',
    ]);
    expect(passes('abc def')).toBe(false);
    expect(passes('abc#1')).toBe(false);
  });

  it('applies the minimum length', () => {
    expect(passes('a1b2c', { length: 6 })).toBe(false);
    expect(passes('a1b2c3', { length: 6 })).toBe(true);
  });

  it('requires letters, numbers, specials and both cases when asked', () => {
    expect(passes('928371', { have_letter: true })).toBe(false);
    expect(passes('abcxyz', { have_number: true })).toBe(false);
    expect(passes('ab12xy', { have_special_character: true })).toBe(false);
    expect(passes('ab12x*', { have_special_character: true })).toBe(true);
    expect(passes('ab12xy', { have_upper_and_lower_characters: true })).toBe(false);
    expect(passes('aB12xy', { have_upper_and_lower_characters: true })).toBe(true);
  });

  it('allows only digits when only_allow_numeric is on', () => {
    expect(passes('928371', { only_allow_numeric: true })).toBe(true);
    expect(passes('92837a', { only_allow_numeric: true })).toBe(false);
  });

  it('consecutive_characters_length n allows n-1 identical or sequential characters in a row, not n', () => {
    const four = { consecutive_characters_length: 4 } as const;
    for (const ok of ['111a', 'a123x9', 'cbaz', 'qwe1']) expect(passes(ok, four)).toBe(true);
    for (const bad of ['1111', 'x1234', 'abcd9', 'DCBA', 'qwer', 'aAaA'])
      expect(passes(bad, four)).toBe(false);
    expect(passes('123456', { consecutive_characters_length: 0 })).toBe(true);
    expect(passes('12345x', { consecutive_characters_length: 6 })).toBe(true);
    expect(passes('123456', { consecutive_characters_length: 6 })).toBe(false);
  });

  it.each(CONSECUTIVE_RUN_CASES)('measures the longest run in %p as %i', (passcode, run) => {
    expect(longestConsecutiveRun(passcode)).toBe(run);
  });

  it('refuses weak passcodes only when weak_enhance_detection is on', () => {
    for (const weak of ['123456', 'password', 'Qwerty', 'ababab', '121212']) {
      expect(passes(weak, { weak_enhance_detection: true })).toBe(false);
      expect(passes(weak)).toBe(true);
    }
    expect(passes('x7Kp2m', { weak_enhance_detection: true })).toBe(true);
  });

  it('words each broken rule for the error message', () => {
    expect(
      findPasscodeViolations(
        '1111',
        rules({ length: 6, have_letter: true, consecutive_characters_length: 4 }),
      ),
    ).toEqual([
      'Password must have at least 6 characters.',
      'Password must contain at least 1 letter (a, b, c...).',
      'Password cannot contain 4 or more consecutive characters (e.g. "11111", "12345", "abcde", or "qwert").',
    ]);
  });

  it('generates passcodes that meet every combination of rules', () => {
    const combos: Array<Partial<MeetingPasswordRequirement>> = [
      {},
      {
        only_allow_numeric: true,
        length: 10,
        consecutive_characters_length: 4,
        weak_enhance_detection: true,
      },
      {
        have_letter: true,
        have_number: true,
        have_special_character: true,
        have_upper_and_lower_characters: true,
      },
      {
        length: 8,
        consecutive_characters_length: 4,
        weak_enhance_detection: true,
        have_special_character: true,
      },
      { length: 3 },
    ];
    for (const combo of combos) {
      for (let i = 0; i < 200; i += 1) {
        const passcode = generatePasscode(rules(combo));
        expect(findPasscodeViolations(passcode, rules(combo))).toEqual([]);
        expect(passcode.length).toBeGreaterThanOrEqual(Math.max(6, combo.length ?? 0));
      }
    }
  });
});
