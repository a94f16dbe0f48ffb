/**
 * The CLI's own failures, which main() turns into exit codes: kept apart
 * from the commands that raise them so that main() can tell them without
 * loading every command.
 */

/** A scenario file that cannot be used: the CLI prints the messages and exits 2. */
export class ScenarioError extends Error {
  readonly problems: string[];
  constructor(
    readonly source: string,
    problems: string[],
  ) {
    // One line per problem, each naming the file (a problem may hold several lines).
    const lines = problems.flatMap((p) => p.split('\n'));
    super(lines.map((p) => `${source}: ${p}`).join('\n'));
    this.problems = lines;
  }
}

/** An invariant did not hold: the check has printed which and how to replay it (exit code 1). */
export class ChecksFailed extends Error {
  constructor() {
    super('an invariant did not hold');
  }
}
