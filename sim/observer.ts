import type { KnownTraceLine } from './traceLineTypes.ts';

/**
 * What a run tells the outside world while it goes. The simulator does no
 * I/O: the shell hands it these sinks (files, arrays, nothing) and formats.
 */
/**
 * A trace line as its readers see it: any kind (a file may come from another
 * version), its fields unknown until looked at. The run writes only
 * `KnownTraceLine`s (sim/traceLineTypes.ts), each of which is a TraceLine.
 */
export interface TraceLine {
  /** Virtual time, milliseconds since the start of the run. */
  t: number;
  /** `record:<GUID>:<seq>`, `group:<name>`, `recoveryTimer:<group>`, `contact:<phone>`, `network`, `external`, `run`. */
  entity: string;
  /** The machine event, or what happened (`dial`, `POST`, `stored`, ...). */
  event: string;
  /** The entity's state after the event, for machines. */
  state?: string;
  [detail: string]: unknown;
}

export interface RunObserver {
  /** One line per event; when absent the run builds no trace lines at all. */
  trace?: (line: KnownTraceLine) => void;
  /** One OCS log line: virtual time in ms and the text. */
  log?: (t: number, text: string) => void;
}
