import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScenarioText } from '../io/scenarioFile.ts';
import type { Scenario } from '../sim/scenario/scenario.ts';

/** The benchmark's standard large scenario (bench/large-day.yaml), optionally with another dialing duration. */
export const LARGE_DAY = join(dirname(fileURLToPath(import.meta.url)), 'large-day.yaml');

export function largeDay(duration?: string): Scenario {
  const scenario = parseScenarioText(readFileSync(LARGE_DAY, 'utf8'), LARGE_DAY);
  return duration === undefined ? scenario : { ...scenario, duration };
}
