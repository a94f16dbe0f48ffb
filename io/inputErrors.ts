/**
 * Input that cannot be used: a wrong value, flag, file or field. Whoever
 * finds it names the problem and what is allowed; the CLI prints the
 * message and exits 2, a server answers 400.
 */

/** Bad input found after the command line parsed (values that clash, a path that is not a file, a queue URL that is not one). */
export class BadInput extends Error {}

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
