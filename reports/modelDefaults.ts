/**
 * Which `ocs` settings a run's scenario file left to the model: Genesys
 * publishes none of their defaults, so the report marks those values
 * "[model default]", and only those. scenario.yaml (the effective scenario,
 * every default filled in) names them in a comment, written by ocs-sim run
 * and drive, read back by ocs-sim report.
 */

/** scenario.yaml's comment naming the `ocs` settings the scenario file did not set. */
export const MODEL_DEFAULTS_COMMENT = "# ocs settings the scenario file did not set (the model's defaults): ";

/** The comment's line for these settings. */
export function modelDefaultsLine(ocs: Readonly<Record<string, unknown>>, given: ReadonlySet<string>): string {
  return `${MODEL_DEFAULTS_COMMENT}${
    Object.keys(ocs)
      .filter((name) => !given.has(name))
      .join(', ') || 'none'
  }\n`;
}

/** The settings scenario.yaml says the scenario file did not set; none when it does not say (a run written before it did). */
export function modelDefaultsOf(scenarioYaml: string): Set<string> {
  const line = scenarioYaml.split('\n', 3).find((l) => l.startsWith(MODEL_DEFAULTS_COMMENT));
  if (line === undefined) return new Set();
  return new Set(
    line
      .slice(MODEL_DEFAULTS_COMMENT.length)
      .split(', ')
      .filter((name) => name !== 'none'),
  );
}
