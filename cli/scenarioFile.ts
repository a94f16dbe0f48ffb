import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { Scenario } from '../sim/scenario.ts';
import { validateScenario } from '../sim/validate.ts';

/** A scenario file that cannot be used: the CLI prints the messages and exits 2. */
export class ScenarioError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(problems.map((p) => `${source}: ${p}`).join('\n'));
  }
}

export const DEFAULT_SCENARIO = join(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios', 'default.yaml');

/** Parses YAML (JSON is YAML too) and validates it. */
export function parseScenarioText(text: string, source: string): Scenario {
  return readScenario(text, source).scenario;
}

/** The effective scenario, and what the file itself said (to tell the user's settings from defaults). */
function readScenario(text: string, source: string): { scenario: Scenario; input: unknown } {
  let input: unknown;
  try {
    input = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new ScenarioError(source, [`not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`]);
  }
  const result = validateScenario(input);
  if (!result.ok) throw new ScenarioError(source, result.errors);
  return { scenario: result.scenario, input };
}

export function loadScenario(path: string | undefined): { scenario: Scenario; source: string; input: unknown } {
  const source = path ?? DEFAULT_SCENARIO;
  return { ...readScenario(readInputFile(source), source), source };
}

/** The `ocs` settings a scenario file sets itself (at application level). */
export function ocsSettingsGiven(input: unknown): Set<string> {
  const ocs = input !== null && typeof input === 'object' ? (input as { ocs?: unknown }).ocs : undefined;
  return new Set(ocs !== null && typeof ocs === 'object' ? Object.keys(ocs) : []);
}

/** The text of a file the user named (a scenario or sweep file); a path that is missing, a directory or unreadable is bad input. */
export function readInputFile(path: string): string {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new ScenarioError(path, ['no such file']);
  }
  if (!isFile) throw new ScenarioError(path, ['not a file (a directory?); expected a scenario or sweep file, YAML or JSON']);
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScenarioError(path, [`cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`]);
  }
}
