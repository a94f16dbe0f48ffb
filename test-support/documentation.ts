import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The verbatim parts of docs/ocs-behaviour.md (the specification kept in the
 * repository), so tests compare the model with the documentation's words
 * rather than with the model's own strings.
 */
const PAGE = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'ocs-behaviour.md');

function between(name: string): string {
  const page = readFileSync(PAGE, 'utf8');
  const begin = page.indexOf(`<!-- ${name}:begin -->`);
  const end = page.indexOf(`<!-- ${name}:end -->`);
  if (begin < 0 || end < begin) throw new Error(`docs/ocs-behaviour.md has no ${name} section`);
  return page.slice(begin, end);
}

/** The record attributes of the 2017 page's table, in its order. */
export function documentedAttributes(): string[] {
  return between('attributes').match(/GSW_[A-Z_]+/g) ?? [];
}

/** The documented OCS log lines, with the page's placeholders (%s, %d). */
export function documentedLogLines(): string[] {
  return [...between('log-lines').matchAll(/`([^`]+)`/g)].map((m) => m[1]);
}
