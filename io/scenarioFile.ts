import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { Scenario } from '../sim/scenario/scenario.ts';
import { validateScenario } from '../sim/scenario/validate.ts';
import { ScenarioError } from './inputErrors.ts';
import { PACKAGE_ROOT } from './packageRoot.ts';

/** Deeper than this, YAML flow nesting takes the parser seconds to hours; a scenario needs fewer than ten levels. */
const DEEPEST_NESTING = 64;
/** Larger than this is no scenario (the largest example is a few KB). */
const LARGEST_FILE_CHARS = 4 << 20;

/** Control characters a terminal would act on, shown as escapes. */
const escapeControls = (text: string) => text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * YAML (JSON is YAML too) as plain data; anything the parser would only warn
 * about (an unknown tag or directive, a mapping as a key) is bad input too,
 * never a silent guess.
 */
export function parseYamlText(text: string, source: string): unknown {
  const bad = (why: string) => new ScenarioError(source, [`not valid YAML or JSON: ${escapeControls(why)}`]);
  if (text.length > LARGEST_FILE_CHARS) throw bad(`${text.length} characters; expected a scenario or sweep file of at most ${LARGEST_FILE_CHARS} characters`);
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) {
      if (++depth > DEEPEST_NESTING) throw bad(`brackets nested more than ${DEEPEST_NESTING} deep; expected a scenario nested a few levels deep`);
    } else if ((c === 0x7d || c === 0x5d) && depth > 0) depth--;
  }
  // A key named __proto__ would set the object's prototype instead of a field, and vanish.
  if (/__proto__/.test(text)) throw bad('a key named __proto__; expected field names of a scenario');
  const doc = parseDocument(text, { prettyErrors: true, logLevel: 'silent' });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem !== undefined) throw bad(problem.message.split('\n')[0]);
  try {
    return doc.toJS({ mapAsMap: false });
  } catch (error) {
    throw bad((error as Error).message.split('\n')[0]);
  }
}

export const DEFAULT_SCENARIO = join(PACKAGE_ROOT, 'scenarios', 'default.yaml');

/** Parses YAML (JSON is YAML too) and validates it. */
export function parseScenarioText(text: string, source: string): Scenario {
  return readScenario(text, source).scenario;
}

/** The effective scenario, and what the file itself said (to tell the user's settings from defaults). */
function readScenario(text: string, source: string): { scenario: Scenario; input: unknown } {
  const input = parseYamlText(text, source);
  // A sweep file holds a scenario, but is not one: say which command takes it.
  if (input !== null && typeof input === 'object' && 'scenario' in input && ('vary' in input || 'objectives' in input)) {
    throw new ScenarioError(source, [
      `this is a sweep file (it has scenario: and vary:), not a scenario: run it with ocs-sim sweep ${source} (or ocs-sim boundary ${source} --option NAME); a scenario file holds the fields under its scenario:`,
    ]);
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
