// Zoom meeting passcodes: the host's `meeting_password_requirement` rules, a validator that names the
// rules a passcode breaks, and a generator (node:crypto randomness) that only returns passcodes
// every rule accepts.
import { randomInt as cryptoRandomInt } from 'node:crypto';
import { PermanentError } from '@meetlink/errors';

/**
 * `settings.schedule_meeting.meeting_password_requirement` (or `meeting_security.…`) from
 * GET /users/{userId}/settings. Every field is optional: a missing field is a rule that is off.
 * Rivet types `consecutive_characters_length` as `0 | 4 | 5 | 6 | 7 | 8`; we accept any integer
 * from the wire and judge it here.
 */
export interface MeetingPasswordRequirement {
  /** Minimum passcode length. */
  length?: number;
  have_letter?: boolean;
  have_number?: boolean;
  /** At least one special character; in a meeting passcode only `@ - _ *` are allowed at all. */
  have_special_character?: boolean;
  only_allow_numeric?: boolean;
  have_upper_and_lower_characters?: boolean;
  /** n (0 = off, else 4–8): at most n−1 identical or sequential characters in a row. */
  consecutive_characters_length?: number;
  /** Reject weak passcodes: repeated, sequential or commonly used ones. */
  weak_enhance_detection?: boolean;
}

/** The rule a passcode breaks, as `validatePasscode` names it. */
export type PasscodeRule =
  /** Zoom's own limit: at most 10 characters. */
  | 'zoom_max_length'
  /** Zoom's own limit: only `[a-zA-Z0-9@-_*]`. */
  | 'zoom_allowed_characters'
  | 'length'
  | 'have_letter'
  | 'have_number'
  | 'have_special_character'
  | 'only_allow_numeric'
  | 'have_upper_and_lower_characters'
  | 'consecutive_characters_length'
  | 'weak_enhance_detection';

export type RandomInt = (maxExclusive: number) => number;

export const ZOOM_PASSCODE_MAX_LENGTH = 10;

const DIGITS = '0123456789';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const SPECIALS = '@-_*';
const ALLOWED = /^[a-zA-Z0-9@\-_*]*$/;

/**
 * Keyboard rows count as "sequential": Zoom's own example of consecutive characters includes
 * "qwert" next to "11111", "12345" and "abcde".
 */
const KEYBOARD_ROWS = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const KEYBOARD_NEXT = new Map<string, string>();
for (const row of KEYBOARD_ROWS) {
  for (let i = 0; i + 1 < row.length; i += 1) KEYBOARD_NEXT.set(row.charAt(i), row.charAt(i + 1));
}

/** Passcodes people pick; weak detection rejects any passcode that contains one (case-insensitive). */
const COMMON_PASSCODES = [
  'password',
  'passw0rd',
  'p@ssword',
  'qwerty',
  'abc123',
  'letmein',
  'welcome',
  'admin',
  'iloveyou',
  'monkey',
  'dragon',
  'master',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'shadow',
  'superman',
  'trustno1',
  'zoom',
  'meeting',
  'secret',
  'changeme',
  'guest',
  'login',
  'test',
  '1q2w3e',
  '1qaz',
  'qazwsx',
  'zaq1',
  '123456',
  '654321',
  '123123',
  '111111',
  '000000',
  '121212',
  '112233',
];

/** Runs this long of identical or sequential characters are "weak" when weak detection is on. */
const WEAK_RUN_LENGTH = 3;

type Relation = 'same' | 'up' | 'down' | 'keyboard_up' | 'keyboard_down';
const RELATIONS: readonly Relation[] = ['same', 'up', 'down', 'keyboard_up', 'keyboard_down'];

const holds = (relation: Relation, previous: string, current: string): boolean => {
  switch (relation) {
    case 'same':
      return previous === current;
    case 'up':
      return current.charCodeAt(0) === previous.charCodeAt(0) + 1;
    case 'down':
      return current.charCodeAt(0) === previous.charCodeAt(0) - 1;
    case 'keyboard_up':
      return KEYBOARD_NEXT.get(previous) === current;
    case 'keyboard_down':
      return KEYBOARD_NEXT.get(current) === previous;
  }
};

/**
 * The longest stretch of characters that are all identical, or all ascending/descending by one
 * ('abcd', '4321'), or all along a keyboard row ('qwer'). Case-insensitive, so 'aBcD' and 'aAaA'
 * count too: stricter than Zoom may be, never looser.
 */
export const longestRun = (passcode: string): number => {
  const chars = [...passcode.toLowerCase()];
  if (chars.length === 0) return 0;
  const runs = new Map<Relation, number>(RELATIONS.map((relation) => [relation, 1]));
  let longest = 1;
  for (let i = 1; i < chars.length; i += 1) {
    const previous = chars[i - 1] ?? '';
    const current = chars[i] ?? '';
    for (const relation of RELATIONS) {
      const run = holds(relation, previous, current) ? (runs.get(relation) ?? 1) + 1 : 1;
      runs.set(relation, run);
      if (run > longest) longest = run;
    }
  }
  return longest;
};

/** 'abab', 'a1b2a1b2': the passcode is one shorter unit repeated. */
const isRepeatedUnit = (passcode: string): boolean => {
  for (let unit = 1; unit <= passcode.length / 2; unit += 1) {
    if (passcode.length % unit === 0 && passcode.slice(0, unit).repeat(passcode.length / unit) === passcode) {
      return true;
    }
  }
  return false;
};

export const isWeakPasscode = (passcode: string): boolean => {
  const lower = passcode.toLowerCase();
  return (
    longestRun(passcode) >= WEAK_RUN_LENGTH ||
    (passcode.length >= 2 && isRepeatedUnit(lower)) ||
    COMMON_PASSCODES.some((common) => lower.includes(common))
  );
};

const hasAny = (passcode: string, set: string): boolean => [...passcode].some((c) => set.includes(c));

/** The names of the rules `passcode` breaks; empty when Zoom and the host's rules accept it. */
export const validatePasscode = (
  passcode: string,
  requirement: MeetingPasswordRequirement,
): PasscodeRule[] => {
  const violated: PasscodeRule[] = [];
  if (passcode.length > ZOOM_PASSCODE_MAX_LENGTH) violated.push('zoom_max_length');
  if (!ALLOWED.test(passcode)) violated.push('zoom_allowed_characters');
  if (passcode.length < Math.max(1, requirement.length ?? 0)) violated.push('length');
  const hasLetter = hasAny(passcode, LOWER) || hasAny(passcode, UPPER);
  if (requirement.have_letter && !hasLetter) violated.push('have_letter');
  if (requirement.have_number && !hasAny(passcode, DIGITS)) violated.push('have_number');
  if (requirement.have_special_character && !hasAny(passcode, SPECIALS))
    violated.push('have_special_character');
  if (requirement.only_allow_numeric && !/^[0-9]*$/.test(passcode)) violated.push('only_allow_numeric');
  if (requirement.have_upper_and_lower_characters && !(hasAny(passcode, LOWER) && hasAny(passcode, UPPER))) {
    violated.push('have_upper_and_lower_characters');
  }
  const maxRun = requirement.consecutive_characters_length ?? 0;
  if (maxRun > 0 && longestRun(passcode) >= maxRun) violated.push('consecutive_characters_length');
  if (requirement.weak_enhance_detection && isWeakPasscode(passcode)) violated.push('weak_enhance_detection');
  return violated;
};

const unsatisfiable = (rule: string, why: string): PermanentError =>
  new PermanentError('passcode_policy_unsatisfiable', `no Zoom passcode can meet ${rule}: ${why}`);

/** Throws `passcode_policy_unsatisfiable` (naming the rule) when no passcode of ≤ 10 characters can pass. */
export const assertSatisfiable = (requirement: MeetingPasswordRequirement): void => {
  const { length, consecutive_characters_length: maxRun } = requirement;
  if (length !== undefined && (!Number.isInteger(length) || length < 0)) {
    throw unsatisfiable('length', `minimum length ${length} is not a whole number`);
  }
  if (length !== undefined && length > ZOOM_PASSCODE_MAX_LENGTH) {
    throw unsatisfiable(
      'length',
      `minimum length ${length} exceeds Zoom's maximum of ${ZOOM_PASSCODE_MAX_LENGTH}`,
    );
  }
  if (requirement.only_allow_numeric) {
    for (const rule of [
      'have_letter',
      'have_special_character',
      'have_upper_and_lower_characters',
    ] as const) {
      if (requirement[rule])
        throw unsatisfiable(`only_allow_numeric with ${rule}`, 'a numeric passcode has no such character');
    }
  }
  if (maxRun !== undefined && (!Number.isInteger(maxRun) || maxRun < 0)) {
    throw unsatisfiable('consecutive_characters_length', `${maxRun} is not a valid run length`);
  }
  if (maxRun === 1) {
    throw unsatisfiable('consecutive_characters_length', 'a run limit of 1 forbids every character');
  }
};

/** Rejection sampling gives up after this many draws; satisfiable policies need a handful. */
const MAX_ATTEMPTS = 10_000;

/**
 * A random passcode the host's rules accept: always 10 characters (Zoom's maximum, the most
 * entropy). Without a numeric-only rule it mixes upper case, lower case and digits (never digits
 * only) and uses `@ - _ *` only when a special character is required. Each character is drawn
 * uniformly and a draw that breaks any rule is thrown away, so the result is uniform over the
 * passcodes the rules allow.
 */
export const generatePasscode = (
  requirement: MeetingPasswordRequirement,
  randomInt: RandomInt = (maxExclusive) => cryptoRandomInt(maxExclusive),
): string => {
  assertSatisfiable(requirement);
  const isNumeric = requirement.only_allow_numeric === true;
  const alphabet = isNumeric
    ? DIGITS
    : UPPER + LOWER + DIGITS + (requirement.have_special_character ? SPECIALS : '');
  const effective: MeetingPasswordRequirement = isNumeric
    ? requirement
    : { ...requirement, have_letter: true, have_number: true, have_upper_and_lower_characters: true };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    let passcode = '';
    for (let i = 0; i < ZOOM_PASSCODE_MAX_LENGTH; i += 1)
      passcode += alphabet.charAt(randomInt(alphabet.length));
    if (validatePasscode(passcode, effective).length === 0) return passcode;
  }
  throw unsatisfiable('the combined rules', `no passcode found in ${MAX_ATTEMPTS} random draws`);
};
