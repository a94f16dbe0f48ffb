/**
 * What a run tells the outside world while it goes. The simulator does no
 * I/O: the shell hands it these sinks (files, arrays, nothing) and formats.
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
  trace?: (line: TraceLine) => void;
  /** One OCS log line: virtual time in ms and the text. */
  log?: (t: number, text: string) => void;
}
