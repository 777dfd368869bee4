// Meeting passcodes as Zoom checks them: at most 10 of [a-zA-Z0-9@-_*], then the account's
// meeting_password_requirement. Also makes passcodes that pass, as Zoom does when a create names none.
import { randomInt } from 'node:crypto';
import type { MeetingPasswordRequirement } from './types';

export const MAX_PASSCODE_LENGTH = 10;
const SPECIALS = '@-_*';
const ALLOWED = /^[a-zA-Z0-9@\-_*]*$/;
const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm', '1234567890'];
/** A short list in the spirit of Zoom's "enhanced weak passcode detection"; its real list is not public. */
const WEAK_PASSCODES = new Set([
  '123456',
  '1234567',
  '12345678',
  '123456789',
  '1234567890',
  '654321',
  '987654',
  '123123',
  '123321',
  '112233',
  '121212',
  '111111',
  '000000',
  '666666',
  '888888',
  'password',
  'passw0rd',
  'qwerty',
  'abc123',
  'abcdef',
  'iloveyou',
  'letmein',
  'welcome',
  'admin',
  'zoom',
  'zoom123',
  'zoomzoom',
]);

export const DEFAULT_PASSWORD_REQUIREMENT: MeetingPasswordRequirement = {
  length: 0,
  have_letter: false,
  have_number: false,
  have_special_character: false,
  only_allow_numeric: false,
  have_upper_and_lower_characters: false,
  consecutive_characters_length: 0,
  weak_enhance_detection: false,
};

export const normalizePasswordRequirement = (
  partial: Partial<MeetingPasswordRequirement> = {},
): MeetingPasswordRequirement => {
  const merged = { ...DEFAULT_PASSWORD_REQUIREMENT, ...partial };
  return { ...merged, length: Math.min(Math.max(0, Math.trunc(merged.length)), MAX_PASSCODE_LENGTH) };
};

type Step = 'same' | 'up' | 'down' | 'keyboard';

const charClass = (c: string): 'digit' | 'letter' | 'other' =>
  /\d/.test(c) ? 'digit' : /[a-z]/i.test(c) ? 'letter' : 'other';

const stepsBetween = (a: string, b: string): Step[] => {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()];
  const steps: Step[] = [];
  if (x === y) steps.push('same');
  if (charClass(x) !== 'other' && charClass(x) === charClass(y)) {
    const delta = y.charCodeAt(0) - x.charCodeAt(0);
    if (delta === 1) steps.push('up');
    if (delta === -1) steps.push('down');
  }
  if (KEYBOARD_ROWS.some((row) => row.includes(x + y))) steps.push('keyboard');
  return steps;
};

/** The longest run of identical, ascending, descending or keyboard-adjacent characters ("11111", "abcde", "qwert"). */
export const longestConsecutiveRun = (passcode: string): number => {
  if (passcode.length === 0) return 0;
  let longest = 1;
  const runs: Record<Step, number> = { same: 1, up: 1, down: 1, keyboard: 1 };
  for (let i = 1; i < passcode.length; i += 1) {
    const steps = stepsBetween(passcode[i - 1] ?? '', passcode[i] ?? '');
    for (const step of Object.keys(runs) as Step[]) {
      runs[step] = steps.includes(step) ? runs[step] + 1 : 1;
      longest = Math.max(longest, runs[step]);
    }
  }
  return longest;
};

const isWeak = (passcode: string): boolean => {
  const lower = passcode.toLowerCase();
  if (WEAK_PASSCODES.has(lower)) return true;
  // A short pattern repeated ("ababab", "123123123") is as guessable as the pattern.
  for (let period = 1; period <= 3; period += 1) {
    if (lower.length >= period * 2 && lower === lower.slice(0, period).repeat(lower.length / period))
      return true;
  }
  return false;
};

/** The rules `passcode` breaks, worded as in Zoom's error message; empty when it passes. */
export const findPasscodeViolations = (
  passcode: string,
  requirement: MeetingPasswordRequirement,
): string[] => {
  const violations: string[] = [];
  if (passcode.length > MAX_PASSCODE_LENGTH) {
    violations.push(`Password can only have a maximum ${MAX_PASSCODE_LENGTH} characters.`);
  }
  if (!ALLOWED.test(passcode)) {
    violations.push('Password can only contain the following characters: [a-z A-Z 0-9 @ - _ *].');
  }
  if (passcode.length < requirement.length) {
    violations.push(`Password must have at least ${requirement.length} characters.`);
  }
  if (requirement.only_allow_numeric) {
    if (!/^\d*$/.test(passcode)) violations.push('Password can only contain numbers.');
  } else {
    if (requirement.have_letter && !/[a-z]/i.test(passcode)) {
      violations.push('Password must contain at least 1 letter (a, b, c...).');
    }
    if (requirement.have_upper_and_lower_characters && !(/[a-z]/.test(passcode) && /[A-Z]/.test(passcode))) {
      violations.push('Password must include both uppercase and lowercase characters.');
    }
    if (requirement.have_special_character && ![...passcode].some((c) => SPECIALS.includes(c))) {
      violations.push('Password must contain at least 1 special character (@, -, _, *).');
    }
  }
  if (requirement.have_number && !/\d/.test(passcode)) {
    violations.push('Password must contain at least 1 number (1, 2, 3...).');
  }
  const n = requirement.consecutive_characters_length;
  if (n > 0 && longestConsecutiveRun(passcode) >= n) {
    violations.push(
      `Password cannot contain ${n} or more consecutive characters (e.g. "11111", "12345", "abcde", or "qwert").`,
    );
  }
  if (requirement.weak_enhance_detection && isWeak(passcode)) {
    violations.push('Password is too weak. Please use a stronger password.');
  }
  return violations;
};

/** Zoom's wording for a passcode that breaks the rules (seen in its XML answer for a too-long passcode). */
export const passcodeRuleMessage = (violations: string[]): string =>
  'Password provided does not match the password requirement settings set for this account. ' +
  `The password must follow these rules: [${violations.join(', ')}].`;

const pick = (alphabet: string): string => alphabet[randomInt(alphabet.length)] ?? alphabet[0] ?? '0';

/** A passcode that meets `requirement`, as Zoom makes one for a create without `password`. */
export const generatePasscode = (requirement: MeetingPasswordRequirement): string => {
  const length = Math.min(Math.max(requirement.length, 6), MAX_PASSCODE_LENGTH);
  const digits = '0123456789';
  const lower = 'abcdefghijkmnpqrstuvwxyz';
  const upper = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
  for (let attempt = 0; attempt < 1_000; attempt += 1) {
    let chars: string[];
    if (requirement.only_allow_numeric) {
      chars = Array.from({ length }, () => pick(digits));
    } else {
      const required = [pick(lower), pick(upper), pick(digits)];
      if (requirement.have_special_character) required.push(pick(SPECIALS));
      const rest = Array.from({ length: length - required.length }, () => pick(lower + upper + digits));
      chars = [...required, ...rest];
      for (let i = chars.length - 1; i > 0; i -= 1) {
        const j = randomInt(i + 1);
        [chars[i], chars[j]] = [chars[j] ?? '', chars[i] ?? ''];
      }
    }
    const passcode = chars.join('');
    if (findPasscodeViolations(passcode, requirement).length === 0) return passcode;
  }
  throw new Error('no passcode satisfies this meeting_password_requirement');
};
