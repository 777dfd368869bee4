// Property: for any policy Zoom can express and a passcode can meet, every generated passcode passes.
import fc from 'fast-check';
import { generatePasscode, validatePasscode } from './passcode-policy';
import type { MeetingPasswordRequirement } from './passcode-policy';

const POLICIES = 1_000;
const PASSCODES_PER_POLICY = 100;

/** Policies as Zoom's settings can hold them, minus the combinations no passcode can meet. */
const satisfiablePolicy: fc.Arbitrary<MeetingPasswordRequirement> = fc
  .record(
    {
      length: fc.integer({ min: 0, max: 10 }),
      have_letter: fc.boolean(),
      have_number: fc.boolean(),
      have_special_character: fc.boolean(),
      only_allow_numeric: fc.boolean(),
      have_upper_and_lower_characters: fc.boolean(),
      consecutive_characters_length: fc.constantFrom(0, 4, 5, 6, 7, 8),
      weak_enhance_detection: fc.boolean(),
    },
    { requiredKeys: [] },
  )
  .filter(
    (policy) =>
      !policy.only_allow_numeric ||
      !(policy.have_letter || policy.have_special_character || policy.have_upper_and_lower_characters),
  );

describe('generatePasscode (property)', () => {
  it(`meets the policy for ${POLICIES * PASSCODES_PER_POLICY} passcodes over ${POLICIES} random policies`, () => {
    let checked = 0;
    fc.assert(
      fc.property(satisfiablePolicy, (policy) => {
        for (let i = 0; i < PASSCODES_PER_POLICY; i += 1) {
          const passcode = generatePasscode(policy);
          checked += 1;
          const violated = validatePasscode(passcode, policy);
          if (violated.length > 0 || !/^[a-zA-Z0-9@\-_*]{1,10}$/.test(passcode)) return false;
          if (policy.only_allow_numeric ? !/^\d+$/.test(passcode) : /^\d+$/.test(passcode)) return false;
        }
        return true;
      }),
      { numRuns: POLICIES },
    );
    expect(checked).toBe(POLICIES * PASSCODES_PER_POLICY);
  });
});
