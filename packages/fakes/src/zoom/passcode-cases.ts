// Zoom's consecutive-characters rule, case by case: a passcode and its longest run of identical,
// ascending, descending or keyboard-adjacent characters, case-insensitive. The fake's rules and the
// Zoom adapter's passcode policy are both tested against these, so the two cannot drift apart.
export const CONSECUTIVE_RUN_CASES: ReadonlyArray<readonly [passcode: string, longestRun: number]> = [
  ['', 0],
  ['x', 1],
  ['a1b2', 1],
  ['Xk7mQ2', 1],
  ['Xk7pQ2', 2],
  ['zyx1', 3],
  // A change of direction starts a new run.
  ['abcba', 3],
  ['xx7890y', 4],
  ['7890', 4],
  ['z9876', 4],
  ['aAaA', 4],
  ['aBcDz', 4],
  ['asdfg', 5],
];
