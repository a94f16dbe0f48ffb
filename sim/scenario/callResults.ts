/** OCS call results and their numeric codes, as in docs/ocs-behaviour.md. */
export const CALL_RESULTS = {
  Ok: 0,
  Busy: 6,
  'No Answer': 7,
  'Answering Machine Detected': 9,
  'Fax Detected': 17,
  Abandoned: 21,
  Dropped: 26,
  'Dropped on No Answer': 27,
  'Unknown Call Result': 28,
  Silence: 32,
  Answer: 33,
  'Wrong Party': 40,
  Stale: 46,
  'Do Not Call': 51,
  'Cancel Record': 52,
  'Wrong Number': 53,
} as const;

export type CallResult = keyof typeof CALL_RESULTS;
export const CALL_RESULT_NAMES = Object.keys(CALL_RESULTS) as [CallResult, ...CallResult[]];
