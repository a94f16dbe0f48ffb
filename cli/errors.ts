/**
 * The CLI's own failure, which main() turns into an exit code: kept apart
 * from the check command so that main() can tell it without loading it.
 */

/** An invariant did not hold: the check has printed which and how to replay it (exit code 1). */
export class ChecksFailed extends Error {
  constructor() {
    super('an invariant did not hold');
  }
}
