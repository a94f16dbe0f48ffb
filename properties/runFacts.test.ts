import { describe, expect, it } from 'vitest';
import { callReportRecordMachine, IN_FLIGHT, MARKED_FOR_RESUBMISSION } from '../machines/callReportRecord.ts';
import { IN_FLIGHT_STATES, MARKED_STATES, RECORD_STATES } from './runFacts.ts';

// The checkers restate the record machine's state sets rather than import them, so a change to the
// machine cannot quietly change what the checkers check; this says when the two part ways.
describe("the checkers' record states", () => {
  it("are the record machine's states, and its marked and in-flight sets", () => {
    expect([...RECORD_STATES].sort()).toEqual(Object.keys(callReportRecordMachine.root.states).sort());
    expect([...MARKED_STATES].sort()).toEqual([...MARKED_FOR_RESUBMISSION].sort());
    expect([...IN_FLIGHT_STATES].sort()).toEqual([...IN_FLIGHT].sort());
  });
});
