import { existsSync, readFileSync } from 'node:fs';
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
  let input: unknown;
  try {
    input = parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new ScenarioError(source, [`not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`]);
  }
  const result = validateScenario(input);
  if (!result.ok) throw new ScenarioError(source, result.errors);
  return result.scenario;
}

export function loadScenario(path: string | undefined): { scenario: Scenario; source: string } {
  const source = path ?? DEFAULT_SCENARIO;
  if (!existsSync(source)) throw new ScenarioError(source, ['no such file']);
  return { scenario: parseScenarioText(readFileSync(source, 'utf8'), source), source };
}
