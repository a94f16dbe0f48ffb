import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { isSeq, parse as parseYaml, parseDocument, stringify as toYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { numRuns, replayCommand } from '../properties/replay.ts';
import { CALL_RESULT_NAMES } from '../sim/scenario/callResults.ts';
import { ScenarioRun } from '../sim/run.ts';
import { durationMs } from '../sim/scenario/durations.ts';
import { validateScenario } from '../sim/scenario/validate.ts';
import { main } from './program.ts';

/**
 * Fuzzing scenario files through the CLI's own program, in-process: every
 * input is either refused with exit code 2 and one message line per mistake,
 * `FILE: field.path: got ...; expected ...` (or `FILE: not valid YAML or
 * JSON: ...`), or run to completion with exit code 0. Never exit code 1,
 * never an exception out of main, never a stack trace, never a hang.
 *
 * The inputs are the example scenarios (scenarios/*.yaml) made small (2
 * minutes of dialing and at most 2 of draining, at most 4 agents and 40
 * calling-list records per group, so that a valid input runs in tens of
 * milliseconds), then damaged: structurally (keys deleted, values replaced
 * with values of another type or at the edge, unknown keys, renamed keys,
 * deep nesting, aliases and cycles, extra groups; written as YAML or JSON)
 * and as raw text (truncated, characters flipped, inserted or deleted, lines
 * duplicated, deleted or swapped, tabs, a BOM, NUL, CRLF, bytes that are not
 * UTF-8). A mutation may target the capped fields; a valid value it leaves
 * there above the cap is kept only when the first mutation put it there.
 *
 * A valid input whose run executes more than FUZZ_EVENT_BUDGET model events
 * (default 50 million: about 15 s here, and the same count on any
 * machine, however loaded) is stopped: that is a hang unless the tool warned
 * before the run that it would be slow (a re-submission storm: the user may
 * mean it). An input that hangs outside the run (parsing, validating) meets
 * the test's timeout: FUZZ_DEBUG_LOG=FILE writes each input to FILE before it
 * runs, to find it. Speed itself is the bench's to measure, not this test's.
 *
 * FOUND holds the smallest inputs of the defects found so far, kept as
 * regression tests. FUZZ_HUNT=1 collects every distinct
 * kind of violation (with its shortest input) instead of stopping at the
 * first: `FUZZ_HUNT=1 FC_NUM_RUNS=1000 npx vitest run cli/scenarioFuzz.test.ts`.
 */

const FILE = 'cli/scenarioFuzz.test.ts';
const TEST_TIMEOUT = 600_000;
const EVENT_BUDGET = Number(process.env.FUZZ_EVENT_BUDGET ?? 50_000_000);
const HUNT = process.env.FUZZ_HUNT === '1';

const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-fuzz-'));
const scenarioFile = join(dir, 'scenario.yaml');
const outDir = join(dir, 'out');

// ---------------------------------------------------------------- running the CLI

/**
 * Runs past the budget are stopped between two slices of the run
 * (runToFiles advances the model in slices), so that a hang costs the budget,
 * not the test's timeout, and leaves nothing running behind.
 */
const realAdvance = ScenarioRun.prototype.advance;
let stoppedForBudget = false;

beforeAll(() => {
  ScenarioRun.prototype.advance = function advance(this: ScenarioRun, maxEvents: number): boolean {
    if (this.eventsRun > EVENT_BUDGET) {
      stoppedForBudget = true;
      throw new Error(`scenario fuzz: run stopped after its budget of ${EVENT_BUDGET} events`);
    }
    return realAdvance.call(this, maxEvents);
  };
});

afterAll(() => {
  ScenarioRun.prototype.advance = realAdvance;
  rmSync(dir, { recursive: true, force: true });
});

interface Outcome {
  code: number | null;
  /** What main threw, if it threw (it must not). */
  thrown?: unknown;
  stdout: string;
  stderr: string;
  stoppedForBudget: boolean;
}

type Write = typeof process.stdout.write;

function capture(append: (text: string) => void): Write {
  return ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const callback = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    callback?.();
    return true;
  }) as Write;
}

/** `ocs-sim run FILE --out DIR --no-trace` in-process, with stdout and stderr captured. */
async function runCli(content: string | Uint8Array): Promise<Outcome> {
  writeFileSync(scenarioFile, content);
  if (process.env.FUZZ_DEBUG_LOG) writeFileSync(process.env.FUZZ_DEBUG_LOG, content);
  rmSync(join(outDir, 'summary.json'), { force: true });
  let stdout = '';
  let stderr = '';
  const realOut = process.stdout.write;
  const realErr = process.stderr.write;
  process.stdout.write = capture((t) => (stdout += t));
  process.stderr.write = capture((t) => (stderr += t));
  stoppedForBudget = false;
  try {
    const code = await main(['run', scenarioFile, '--out', outDir, '--no-trace']);
    // Process warnings (the yaml library emits some) are printed on a later tick: they belong to this input.
    await new Promise((resolve) => setImmediate(resolve));
    return { code, stdout, stderr, stoppedForBudget };
  } catch (thrown) {
    return { code: null, thrown, stdout, stderr, stoppedForBudget };
  } finally {
    process.stdout.write = realOut;
    process.stderr.write = realErr;
  }
}

// ---------------------------------------------------------------- the contract

type Verdict = 'rejected' | 'ran' | 'stopped';

/** A broken promise of the CLI; `kind` groups violations for the hunt. */
class Violation extends Error {
  constructor(
    readonly kind: string,
    /** The output line at fault, for the hunt's grouping. */
    readonly line: string,
    message: string,
  ) {
    super(message);
  }
}

const clip = (s: string, n = 3000) => (s.length > n ? `${s.slice(0, n)}... (${s.length} characters)` : s);
const textOf = (content: string | Uint8Array) => (typeof content === 'string' ? content : Buffer.from(content).toString('utf8'));

const STACK_FRAME = /^[ \t]+at \S.*:\d+:\d+\)?$/m;
/** Control characters a terminal acts on (a carriage return rewrites the line), other than the line ends. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;
const INTERNAL = /\b(TypeError|RangeError|ReferenceError|SyntaxError|ZodError)\b|node_modules/;
/** A message after `FILE: `: the YAML error, or a field path, then what is wrong and what is expected (or allowed). */
const MESSAGE = /^(not valid YAML or JSON: \S.*|.+?: .*\b(expected|allowed here)\b.*)$/;
/** A warning before the run that says it will be slow: a run past the budget is then what the user was told. */
const SLOW_WARNING = /^warning: .*\bslow\b/m;

/** What happened to one input, or a Violation saying what promise broke. */
function verdict(o: Outcome, content: string | Uint8Array, applied: string[] = []): Verdict {
  const fail = (kind: string, why: string, line = o.stderr.split('\n')[0]): never => {
    throw new Violation(
      kind,
      line,
      [
        why,
        ...(applied.length > 0 ? ['--- damage applied:', ...applied.map((a) => `  ${clip(a, 300)}`)] : []),
        `--- exit code ${o.code}; stderr:`,
        clip(o.stderr),
        `--- input (${textOf(content).length} characters):`,
        clip(textOf(content)),
      ].join('\n'),
    );
  };
  if (o.thrown !== undefined) fail('main threw', `main threw instead of returning an exit code: ${(o.thrown as Error)?.stack ?? String(o.thrown)}`);
  if (o.stoppedForBudget) {
    if (SLOW_WARNING.test(o.stderr)) return 'stopped';
    fail('hang', `a hang: a valid scenario ran more than ${EVENT_BUDGET} model events, and no warning said it would be slow`);
  }
  if (STACK_FRAME.test(o.stderr)) fail('stack trace', 'a stack trace in stderr');
  if (INTERNAL.test(o.stderr)) fail('internal error', 'an internal error name in stderr');
  if (o.code === 2) {
    if (o.stdout !== '') fail('stdout on rejection', `rejected input printed to stdout: ${clip(o.stdout, 300)}`);
    if (o.stderr === '') fail('silent rejection', 'exit code 2 with nothing on stderr');
    for (const line of o.stderr.replace(/\n$/, '').split('\n')) {
      if (!line.startsWith(`${scenarioFile}: `))
        fail('line without the file', `a message line that does not start with "FILE: ": ${JSON.stringify(clip(line, 300))}`, line);
      if (CONTROL.test(line)) fail('control character', `a message line with a raw control character: ${JSON.stringify(clip(line, 300))}`, line);
      if (!MESSAGE.test(line.slice(scenarioFile.length + 2)))
        fail('line without what is expected', `a message line that does not say what is expected: ${JSON.stringify(clip(line, 300))}`, line);
    }
    return 'rejected';
  }
  if (o.code === 0) {
    if (!o.stdout.includes(`files in ${outDir}`)) fail('no summary', `exit code 0 without the run's summary on stdout: ${clip(o.stdout, 300)}`);
    const other = o.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('warning: '));
    if (other.length > 0) fail('stderr on success', `exit code 0 with stderr lines that are not warnings: ${clip(other.join('\n'), 300)}`);
    if (!existsSync(join(outDir, 'summary.json'))) fail('no summary', 'exit code 0 without summary.json');
    return 'ran';
  }
  return fail(`exit code ${o.code}`, `exit code ${o.code}: expected 0 (ran) or 2 (bad input)`);
}

/** Verdicts per property, for the shares (and so that the fuzz is seen not to be vacuous). */
const tally = new Map<string, Record<Verdict, number>>();
/** FUZZ_HUNT: the shortest input of each distinct kind of violation. */
const found = new Map<string, Violation>();

/** The violation's kind and the line at fault with field names and values blanked, so that the hunt lists each problem once. */
function signature(v: Violation): string {
  if (v.kind === 'hang' || v.kind === 'main threw' || v.kind === 'slow outside the run') return v.kind;
  const shape = v.line
    .replace(`${scenarioFile}: `, 'FILE: ')
    .replace(/^(FILE: )?[\s\S]*?: (got|unknown field)/, '$1PATH: $2')
    .replace(/\(given .*?\); allowed here: .*/, '(given …); allowed here: …')
    .replace(/got .*?; /, 'got …; ')
    .replace(/; \S.*?: Invalid key in record/, '; …: Invalid key in record')
    .replace(/"(?:[^"\\]|\\.)*"/g, '"…"')
    .replace(/\d+(\.\d+)?(e[+-]?\d+)?/g, 'N');
  return `${v.kind}: ${shape.slice(0, 200)}`;
}

/** FUZZ_HUNT: inputs that broke the contract, and the wall-clock time they took (the rest is what a run of the fuzz costs once they are fixed). */
const broken = { inputs: 0, ms: 0 };

async function check(property: string, content: string | Uint8Array, applied: string[] = []): Promise<void> {
  const counts = tally.get(property) ?? { rejected: 0, ran: 0, stopped: 0 };
  tally.set(property, counts);
  const started = performance.now();
  const outcome = await runCli(content);
  try {
    counts[verdict(outcome, content, applied)]++;
  } catch (error) {
    if (!HUNT || !(error instanceof Violation)) throw error;
    broken.inputs++;
    broken.ms += performance.now() - started;
    const key = signature(error);
    const before = found.get(key);
    if (before === undefined || error.message.length < before.message.length) found.set(key, error);
  }
}

/** fc.check of an async property; a failure says how to replay it exactly. */
async function assertFuzz<Ts extends unknown[]>(name: string, property: fc.IAsyncPropertyWithHooks<Ts>, runs: number): Promise<void> {
  const path = process.env.FC_PATH;
  const details = await fc.check(property, { numRuns: runs, ...(path ? { path } : {}) });
  if (details.failed) {
    const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(
      `${fc.defaultReportMessage(details) ?? 'property failed'}\n\nReplay exactly: ${replayCommand({ file: FILE, name }, details)}\n\nThe shrunk input:\n${error}`,
    );
  }
}

/** Both kinds of outcome occur: the fuzz is neither all noise nor all valid input. */
function expectKinds(property: string, runs: number, kinds: Verdict[] = ['rejected', 'ran']) {
  const counts = tally.get(property)!;
  if (HUNT || runs < 50) return;
  for (const kind of kinds) expect(counts[kind], `${property}: no input ${kind}`).toBeGreaterThan(0);
}

// ---------------------------------------------------------------- the examples, made small

type Json = unknown;
type Path = (string | number)[];

const SCENARIOS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');
const EXAMPLES = readdirSync(SCENARIOS_DIR)
  .filter((name) => name.endsWith('.yaml'))
  .sort()
  .map((name) => ({ name, text: readFileSync(join(SCENARIOS_DIR, name), 'utf8') }));

/** What keeps a valid input's run short. */
const CAP = { duration: '2m', drainLimit: '2m', agents: 4, callingListSize: 40 } as const;
const CAPPED_GROUP_FIELDS = ['agents', 'callingListSize'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const clone = <T>(v: T): T => structuredClone(v);

/** The example as parsed, made small. */
function smallInput(text: string): Record<string, unknown> {
  const s = parseYaml(text) as Record<string, unknown>;
  s.duration = CAP.duration;
  s.drainLimit = CAP.drainLimit;
  for (const g of s.campaignGroups as Record<string, unknown>[]) {
    g.agents = Math.min(Number(g.agents ?? 50), CAP.agents);
    g.callingListSize = Math.min(Number(g.callingListSize ?? 100_000), CAP.callingListSize);
  }
  return s;
}

/** The example's text made small the same way, comments and layout kept (for the raw damage). */
function smallText(text: string): string {
  const doc = parseDocument(text);
  doc.setIn(['duration'], CAP.duration);
  doc.setIn(['drainLimit'], CAP.drainLimit);
  const groups = doc.get('campaignGroups');
  const n = isSeq(groups) ? groups.items.length : 0;
  for (let i = 0; i < n; i++) for (const key of CAPPED_GROUP_FIELDS) doc.setIn(['campaignGroups', i, key], CAP[key]);
  return doc.toString();
}

/** Every node's path (the root's is []). */
function nodePaths(v: Json, path: Path = [], acc: Path[] = [], seen = new Set<unknown>()): Path[] {
  acc.push(path);
  // An alias mutation can make the tree a graph: each object once.
  if (typeof v === 'object' && v !== null) {
    if (seen.has(v)) return acc;
    seen.add(v);
  }
  if (Array.isArray(v)) for (const [i, x] of v.entries()) nodePaths(x, [...path, i], acc, seen);
  else if (isObject(v)) for (const key of Object.keys(v)) nodePaths(v[key], [...path, key], acc, seen);
  return acc;
}

const SMALL = EXAMPLES.map(({ name, text }) => {
  const input = smallInput(text);
  const validation = validateScenario(clone(input));
  if (!validation.ok) throw new Error(`${name} made small is invalid:\n${validation.errors.join('\n')}`);
  // The effective scenario has every field with its default: a mutation can set a field the example leaves out.
  const effective = JSON.parse(JSON.stringify(validation.scenario)) as Json;
  return { name, input, text: smallText(text), effective, schemaPaths: nodePaths(effective).filter((p) => p.length > 0) };
});
type Small = (typeof SMALL)[number];

// ---------------------------------------------------------------- values

const DURATION_TEXT = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const isDurationText = (v: unknown): v is string => typeof v === 'string' && DURATION_TEXT.test(v);

const HUGE_STRING = 'x'.repeat(100_000);
const ENUM_VALUES = [
  'preview',
  'progressive',
  'predictive',
  'queue',
  'reject',
  'by-sequence',
  'last-write-wins',
  'per-record',
  'batch',
  'any',
  'autodial',
  'refused',
  'hang',
  'request-loss',
  'response-loss',
  ...CALL_RESULT_NAMES,
];

/** Values of any type, at the edge or plainly wrong. */
const GENERIC: Json[] = [
  null,
  -1,
  0,
  1,
  1e308,
  -1e308,
  NaN,
  Infinity,
  '',
  'NaN',
  '.nan',
  '30sec',
  '1e3s',
  '99999999999999999999h',
  '2026-13-45T99:99:99Z',
  HUGE_STRING,
  [],
  {},
  [[[[]]]],
  { a: { b: { c: {} } } },
  true,
  false,
  '2m',
  '0s',
  [null],
  { fixed: '1s' },
];

const NUMBERS: Json[] = [
  -1,
  0,
  1,
  0.5,
  0.999,
  1.0000001,
  2,
  3,
  7,
  100,
  399,
  400,
  503,
  599,
  600,
  1e308,
  -1e308,
  5e-324,
  2 ** 31,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 53 + 2,
  1e21,
  NaN,
  Infinity,
  -Infinity,
  -0,
  0.1 + 0.2,
  '1',
  '0.5',
  '1e3',
  null,
];

const DURATIONS: Json[] = [
  '0s',
  '0ms',
  '1ms',
  '0.001ms',
  '250ms',
  '1s',
  '30s',
  '2m',
  '5m',
  '1h30m',
  '0.5s',
  '1m1m',
  '2390000000h',
  '2400000000h',
  '2400000001h',
  '99999999999999999999h',
  '00000000000000000000000000001ms',
  '30sec',
  '1e3s',
  '-1s',
  '30',
  30,
  0,
  -30,
  '10 s',
  's',
  '1.s',
  '.5s',
  'P1D',
  '1H',
  '1.5.5s',
  '',
  'NaN',
  null,
];

const TIMES: Json[] = [
  '2026-01-05T08:00:00Z',
  '2026-13-45T99:99:99Z',
  '2026-02-29T08:00:00Z',
  '2024-02-29T08:00:00Z',
  '1900-02-29T00:00:00Z',
  '2000-02-29T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '2026-00-00T00:00:00Z',
  '2026-01-05T24:00:00Z',
  '2026-01-05T23:59:60Z',
  '2026-04-31T08:00:00Z',
  '2026-01-05T08:00:00',
  '2026-01-05 08:00:00Z',
  '2026-01-05T08:00:00.000Z',
  '2026-01-05T08:00:00+01:00',
  '+275760-09-13T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '1969-12-31T23:59:59Z',
  1767600000,
  '',
  null,
];

const STRINGS: Json[] = [
  '',
  ' ',
  'x',
  'NaN',
  '.nan',
  'Infinity',
  '-.inf',
  'null',
  '~',
  'true',
  'no',
  'yes',
  '0x1F',
  '0o17',
  '1e3',
  '1_000',
  '\u0000',
  '\uFEFF',
  '\t',
  '\n',
  'a\nb',
  'é€😀\u202e',
  HUGE_STRING,
  '"',
  "'",
  '{',
  '[',
  '*alias',
  '&anchor',
  '!!str x',
  '#',
  '%YAML',
  '<<',
  42,
  null,
  ...ENUM_VALUES,
];

const BOOLEANS: Json[] = [true, false, 'true', 'yes', 'on', 1, 0, null];

const ARRAYS: Json[] = [
  [],
  [null],
  [1],
  ['2m'],
  [[]],
  [{}],
  Array(100).fill(0),
  ['1s', '2s'],
  ['2s', '1s'],
  ['1s', '2s', '3s'],
  [{ name: 'Fuzz@Agents', dbid: 9, agents: 2, callingListSize: 10 }],
  [{ from: '30s', until: '1m' }],
  [{ kind: 'refused', from: '30s', until: '1m' }],
  [{ from: '1m', until: '30s', status: 503 }],
  {},
  null,
];

const OBJECTS: Json[] = [
  {},
  { fixed: '1s' },
  { uniform: ['1s', '2s'] },
  { exponential: '1s' },
  { lognormal: { median: '1s', p99: '2s' } },
  { lognormal: { median: '2s', p99: '1s' } },
  { fixed: '1s', uniform: ['1s', '2s'] },
  { fixed: '0s' },
  { '': null },
  { from: '1m', until: '2m' },
  { '409': 0.5 },
  { '200': 0.1 },
  { '503': 1 },
  { redialAfter: '1s', maxAttempts: 2 },
  [],
  null,
  'x',
];

/** Values like the one there, of the same type: edges, near misses, and valid values too. */
function typedPool(current: Json, key: string | number | undefined): Json[] {
  if (typeof current === 'number') return NUMBERS;
  if (typeof current === 'boolean') return BOOLEANS;
  if (key === 'startTime') return TIMES;
  if (isDurationText(current)) return DURATIONS;
  if (typeof current === 'string') return STRINGS;
  if (Array.isArray(current)) return ARRAYS;
  if (isObject(current)) return OBJECTS;
  return GENERIC;
}

/** The values of each typed pool that some field of that type accepts: the extremes of valid input. */
const validOf = (pool: Json[], ok: (v: Json) => boolean) => pool.filter(ok);
const VALID_POOLS = new Map<Json[], Json[]>([
  [NUMBERS, validOf(NUMBERS, (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0)],
  [BOOLEANS, [true, false]],
  [TIMES, validOf(TIMES, (v) => typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(v))],
  [DURATIONS, validOf(DURATIONS, (v) => isDurationText(v) && durationMs(v) <= 8.64e15)],
  [STRINGS, validOf(STRINGS, (v) => typeof v === 'string')],
  [ARRAYS, validOf(ARRAYS, (v) => Array.isArray(v))],
  [OBJECTS, validOf(OBJECTS, (v) => isObject(v))],
  [GENERIC, GENERIC],
]);

const UNKNOWN_KEYS = [
  'bogus',
  'Duration',
  'duraton',
  'agentz',
  'history-wait-recovery-timout',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'a.b',
  '',
  ' ',
  '0',
  '409',
  'campaignGroups',
  'fixed',
  'x'.repeat(1000),
  'é',
  '[0]',
  '<<',
  'name',
  'dbid',
];

type Choice = { pool: 'generic' | 'typed' | 'valid'; index: number } | { pool: 'random'; value: Json };

const choiceArb: fc.Arbitrary<Choice> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ pool: fc.constantFrom('typed' as const), index: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ pool: fc.constantFrom('generic' as const), index: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ pool: fc.constant('random' as const), value: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> }) },
);

function choose(choice: Choice, current: Json, key: string | number | undefined): Json {
  if (choice.pool === 'random') return clone(choice.value);
  const pool = choice.pool === 'generic' ? GENERIC : choice.pool === 'typed' ? typedPool(current, key) : VALID_POOLS.get(typedPool(current, key))!;
  return clone(pool[choice.index % pool.length]);
}

// ---------------------------------------------------------------- structural mutations

type Mutation =
  | { op: 'delete'; at: number }
  | { op: 'set'; at: number; anyField: boolean; value: Choice }
  | { op: 'unknownKey'; at: number; key: number; value: Choice }
  | { op: 'rename'; at: number; key: number }
  | { op: 'nest'; at: number; depth: number; asArray: boolean }
  | { op: 'duplicateGroup'; fresh: boolean }
  | { op: 'alias'; at: number; target: number; ancestor: boolean };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 8, arbitrary: fc.record({ op: fc.constant('set' as const), at: fc.nat(), anyField: fc.boolean(), value: choiceArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('unknownKey' as const), at: fc.nat(), key: fc.nat(), value: choiceArb }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('rename' as const), at: fc.nat(), key: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('nest' as const), at: fc.nat(), depth: fc.constantFrom(1, 2, 5, 50, 500), asArray: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicateGroup' as const), fresh: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('alias' as const), at: fc.nat(), target: fc.nat(), ancestor: fc.boolean() }) },
);

/** Only 'set', to a value of the same type that some field accepts (0, 1, 2^53 - 1, 1e308, 0s, 0.001ms, 2390000000h...): the edge of valid input. */
const validSetArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constant('set' as const),
  at: fc.nat(),
  anyField: fc.constant(true),
  value: fc.record({ pool: fc.constant('valid' as const), index: fc.nat() }),
});

interface Box {
  root: Json;
}

function getAt(root: Json, path: Path): Json {
  let v = root;
  for (const key of path) {
    if (Array.isArray(v) && typeof key === 'number') v = v[key];
    else if (isObject(v) && Object.hasOwn(v, key)) v = v[key as string];
    else return undefined;
  }
  return v;
}

/** An own, enumerable property, even for `__proto__`. */
function put(obj: Record<string, unknown>, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Sets the value at `path`, making the objects on the way; false when something on the way is not an object or array. */
function setAt(box: Box, path: Path, value: Json): boolean {
  if (path.length === 0) {
    box.root = value;
    return true;
  }
  let v = box.root;
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    const last = i === path.length - 1;
    if (Array.isArray(v) && typeof key === 'number' && key <= v.length) {
      if (last) v[key] = value;
      else {
        if (v[key] === undefined) v[key] = {};
        v = v[key];
      }
    } else if (isObject(v) && typeof key === 'string') {
      if (last) put(v, key, value);
      else {
        if (!Object.hasOwn(v, key)) put(v, key, {});
        v = v[key];
      }
    } else return false;
  }
  return true;
}

function deleteAt(box: Box, path: Path): boolean {
  if (path.length === 0) return false;
  const parent = getAt(box.root, path.slice(0, -1));
  const key = path[path.length - 1];
  if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
  else if (isObject(parent) && typeof key === 'string') delete parent[key];
  else return false;
  return true;
}

const show = (p: Path) =>
  p.length === 0
    ? '(top level)'
    : p
        .map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`))
        .join('')
        .replace(/^\./, '');
const showValue = (v: Json) => clip(JSON.stringify(v) ?? String(v), 120);

/** Applies one mutation; says what it did (the fuzz's report quotes it). */
function mutate(box: Box, m: Mutation, small: Small): { said: string; path?: Path } {
  const existing = nodePaths(box.root);
  const objects = existing.filter((p) => isObject(getAt(box.root, p)));
  switch (m.op) {
    case 'delete': {
      const candidates = existing.filter((p) => p.length > 0);
      if (candidates.length === 0) return { said: 'delete: nothing to delete' };
      const path = candidates[m.at % candidates.length];
      deleteAt(box, path);
      return { said: `delete ${show(path)}`, path };
    }
    case 'set': {
      const candidates = m.anyField ? [...small.schemaPaths, ...existing] : existing;
      const path = candidates[m.at % candidates.length];
      const current = getAt(box.root, path) ?? getAt(small.effective, path);
      const value = choose(m.value, current, path[path.length - 1]);
      return setAt(box, path, value) ? { said: `set ${show(path)} = ${showValue(value)}`, path } : { said: `set ${show(path)}: not reachable` };
    }
    case 'unknownKey': {
      if (objects.length === 0) return { said: 'unknownKey: no object' };
      const path = objects[m.at % objects.length];
      const key = UNKNOWN_KEYS[m.key % UNKNOWN_KEYS.length];
      const value = choose(m.value, undefined, key);
      put(getAt(box.root, path) as Record<string, unknown>, key, value);
      return { said: `add ${show([...path, key])} = ${showValue(value)}`, path: [...path, key] };
    }
    case 'rename': {
      const candidates = existing.filter((p) => typeof p[p.length - 1] === 'string');
      if (candidates.length === 0) return { said: 'rename: nothing to rename' };
      const path = candidates[m.at % candidates.length];
      const parent = getAt(box.root, path.slice(0, -1)) as Record<string, unknown>;
      const old = path[path.length - 1] as string;
      const renames = [old.toUpperCase(), old.slice(0, -1), `${old}s`, old.replace(/-/g, '_'), `${old} `, UNKNOWN_KEYS[m.key % UNKNOWN_KEYS.length]];
      const key = renames[m.key % renames.length];
      const value = parent[old];
      delete parent[old];
      put(parent, key, value);
      return { said: `rename ${show(path)} to ${JSON.stringify(key)}`, path };
    }
    case 'nest': {
      const path = existing[m.at % existing.length];
      let value = getAt(box.root, path);
      for (let i = 0; i < m.depth; i++) value = m.asArray ? [value] : { [String(path[path.length - 1] ?? 'x')]: value };
      setAt(box, path, value);
      return { said: `nest ${show(path)} ${m.depth} deep in ${m.asArray ? 'arrays' : 'objects'}`, path };
    }
    case 'duplicateGroup': {
      const groups = getAt(box.root, ['campaignGroups']);
      if (!Array.isArray(groups) || groups.length === 0) return { said: 'duplicateGroup: no groups' };
      const copy = clone(groups[0]);
      if (m.fresh && isObject(copy)) {
        copy.name = `${String(copy.name)} (copy ${groups.length})`;
        copy.dbid = 9000 + groups.length;
      }
      groups.push(copy);
      return { said: `append a ${m.fresh ? 'renamed ' : ''}copy of campaignGroups[0]`, path: ['campaignGroups', groups.length - 1] };
    }
    case 'alias': {
      // The same object in two places, which YAML writes as an anchor and an alias; an ancestor makes a cycle.
      const candidates = existing.filter((p) => p.length > 0);
      if (candidates.length === 0) return { said: 'alias: nothing to replace' };
      const path = candidates[m.at % candidates.length];
      const containers = m.ancestor
        ? path.map((_, k) => path.slice(0, k))
        : existing.filter((p) => typeof getAt(box.root, p) === 'object' && getAt(box.root, p) !== null);
      if (containers.length === 0) return { said: 'alias: no object to refer to' };
      const target = containers[m.target % containers.length];
      setAt(box, path, getAt(box.root, target));
      return { said: `set ${show(path)} to an alias of ${show(target)}${m.ancestor ? ' (a cycle)' : ''}`, path };
    }
  }
}

const samePath = (a: Path, b: Path) => a.length === b.length && a.every((k, i) => k === b[i]);

/**
 * Puts the run-length caps back on a valid value the mutations made larger,
 * except on a field a mutation targeted (`keep`); invalid values stay, to be
 * rejected.
 */
function recap(box: Box, keep: Path[]): void {
  const capDuration = (path: Path, cap: string) => {
    if (keep.some((k) => samePath(k, path))) return;
    const v = getAt(box.root, path);
    if (isDurationText(v) && durationMs(v) > durationMs(cap) && durationMs(v) <= 8.64e15) setAt(box, path, cap);
  };
  const capCount = (path: Path, cap: number) => {
    if (keep.some((k) => samePath(k, path))) return;
    const v = getAt(box.root, path);
    if (typeof v === 'number' && Number.isSafeInteger(v) && v > cap) setAt(box, path, cap);
  };
  if (!isObject(box.root)) return;
  capDuration(['duration'], CAP.duration);
  capDuration(['drainLimit'], CAP.drainLimit);
  const groups = getAt(box.root, ['campaignGroups']);
  if (Array.isArray(groups)) for (let i = 0; i < groups.length; i++) for (const key of CAPPED_GROUP_FIELDS) capCount(['campaignGroups', i, key], CAP[key]);
}

type Format = 'yaml' | 'yaml-flow' | 'json';
const formatArb = fc.constantFrom<Format>('yaml', 'yaml', 'yaml-flow', 'json');

function serialize(v: Json, format: Format): string {
  const asYaml = () => toYaml(v, format === 'yaml-flow' ? { collectionStyle: 'flow' } : {});
  const asJson = () => JSON.stringify(v, null, format === 'json' ? 1 : undefined) ?? '';
  // JSON cannot write a cycle (YAML can, with an alias); yaml's stringify cannot write very deep nesting (JSON can, and JSON is YAML too).
  const [first, second] = format === 'json' ? [asJson, asYaml] : [asYaml, asJson];
  try {
    return first();
  } catch {
    return second();
  }
}

/** An example made small, with the mutations applied; the caps stay off the field the first mutation targeted (a second one could make both agents and the calling list huge). */
function mutatedScenario(example: number, mutations: Mutation[], format: Format): { text: string; applied: string[] } {
  const small = SMALL[example % SMALL.length];
  const box: Box = { root: clone(small.input) };
  const applied = [`example ${small.name} made small, as ${format}`];
  const targeted: Path[] = [];
  mutations.forEach((m, i) => {
    const { said, path } = mutate(box, m, small);
    applied.push(said);
    if (path && i === 0) targeted.push(path);
  });
  recap(box, targeted);
  return { text: serialize(box.root, format), applied };
}

// ---------------------------------------------------------------- raw text damage

type Damage =
  | { op: 'truncate'; at: number }
  | { op: 'replace'; at: number; text: string }
  | { op: 'insert'; at: number; text: string }
  | { op: 'deleteRange'; at: number; length: number }
  | { op: 'duplicateLine'; line: number }
  | { op: 'deleteLine'; line: number }
  | { op: 'swapLines'; a: number; b: number }
  | { op: 'indent'; line: number; by: string }
  | { op: 'dedent'; line: number }
  | { op: 'nest'; line: number; depth: number; open: '[' | '{' }
  | { op: 'bom' }
  | { op: 'crlf' }
  | { op: 'appendDocument'; text: string }
  | { op: 'bytes'; at: number; bytes: number[] };

const CHARS = [
  ':',
  '-',
  ' ',
  '\t',
  '\n',
  '\r',
  '#',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&',
  '*',
  '!',
  '|',
  '>',
  '"',
  "'",
  '%',
  '@',
  '`',
  '?',
  '\0',
  '\uFEFF',
  '0',
  '9',
  '.',
  'e',
  'h',
  's',
  'm',
  'x',
  '\\',
  '\u00a0',
  '😀',
];
const INSERTS = [
  ' NaN',
  '.nan',
  '.inf',
  '1e308',
  '-',
  '99999999999999999999',
  '!!binary ',
  '!!timestamp ',
  '&a ',
  '*a',
  '<<: *a',
  '? ',
  '- ',
  ': ',
  '~',
  '\t',
  '\0',
  '\uFEFF',
  '\n  ',
  '\n- ',
  '"',
  "'",
  '{',
  '[',
  '#',
  '%YAML 1.1\n---\n',
  '0x',
  '1_0',
  'e3',
  'sec',
  '99999999999999999999h',
];

const SLOW_NESTING = 300;
const damageArb: fc.Arbitrary<Damage> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(...CHARS), fc.string({ maxLength: 2 })) }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('insert' as const),
      at: fc.nat(),
      text: fc.oneof(fc.constantFrom(...CHARS), fc.constantFrom(...INSERTS), fc.string({ maxLength: 4 })),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('deleteRange' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('duplicateLine' as const), line: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('deleteLine' as const), line: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('swapLines' as const), a: fc.nat(), b: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('indent' as const), line: fc.nat(), by: fc.constantFrom(' ', '  ', '\t', ' \t') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('dedent' as const), line: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('nest' as const),
      line: fc.nat(),
      depth: fc.constantFrom(1, 3, 100, 1000, 10_000),
      open: fc.constant('[' as const),
    }),
  },
  // Not deeper: should the CLI's nesting limit go, yaml's parse takes time that grows steeply with nested flow mappings (see FOUND), ~5 s at 300 here, and nothing can stop it.
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('nest' as const),
      line: fc.nat(),
      depth: fc.constantFrom(1, 3, 100, SLOW_NESTING),
      open: fc.constant('{' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('bom' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('crlf' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('appendDocument' as const), text: fc.constantFrom('---\nduration: 2m\n', '...\n', '---\n', '--- !!str\n') }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('bytes' as const),
      at: fc.nat(),
      bytes: fc.array(fc.constantFrom(0xff, 0xfe, 0xc3, 0x80, 0xed, 0xa0, 0xe2, 0x00), { minLength: 1, maxLength: 3 }),
    }),
  },
);

/** The text damaged (bytes that are not UTF-8 make it a Buffer), and what was done to it. */
function damaged(text: string, damages: Damage[]): { content: string | Uint8Array; applied: string[] } {
  let t = text;
  const applied: string[] = [];
  let bytes: { at: number; bytes: number[] } | null = null;
  const lines = () => t.split('\n');
  const join = (ls: string[]) => (t = ls.join('\n'));
  for (const d of damages) {
    const at = 'at' in d ? d.at % (t.length + 1) : 0;
    switch (d.op) {
      case 'truncate':
        t = t.slice(0, at);
        applied.push(`truncate at ${at}`);
        break;
      case 'replace':
        t = t.slice(0, at) + d.text + t.slice(at + 1);
        applied.push(`replace character ${at} with ${JSON.stringify(d.text)}`);
        break;
      case 'insert':
        t = t.slice(0, at) + d.text + t.slice(at);
        applied.push(`insert ${JSON.stringify(d.text)} at ${at}`);
        break;
      case 'deleteRange':
        t = t.slice(0, at) + t.slice(at + d.length);
        applied.push(`delete ${d.length} characters at ${at}`);
        break;
      case 'duplicateLine': {
        const ls = lines();
        const i = d.line % ls.length;
        ls.splice(i, 0, ls[i]);
        join(ls);
        applied.push(`duplicate line ${i + 1}`);
        break;
      }
      case 'deleteLine': {
        const ls = lines();
        const i = d.line % ls.length;
        ls.splice(i, 1);
        join(ls);
        applied.push(`delete line ${i + 1}`);
        break;
      }
      case 'swapLines': {
        const ls = lines();
        const a = d.a % ls.length;
        const b = d.b % ls.length;
        [ls[a], ls[b]] = [ls[b], ls[a]];
        join(ls);
        applied.push(`swap lines ${a + 1} and ${b + 1}`);
        break;
      }
      case 'indent': {
        const ls = lines();
        const i = d.line % ls.length;
        ls[i] = d.by + ls[i];
        join(ls);
        applied.push(`indent line ${i + 1} by ${JSON.stringify(d.by)}`);
        break;
      }
      case 'dedent': {
        const ls = lines();
        const i = d.line % ls.length;
        ls[i] = ls[i].replace(/^ {1,2}/, '');
        join(ls);
        applied.push(`dedent line ${i + 1}`);
        break;
      }
      case 'nest': {
        const ls = lines();
        const i = d.line % ls.length;
        const m = /^(\s*(?:- )?[^#:]+:\s)(.+)$/.exec(ls[i]);
        if (m) ls[i] = `${m[1]}${d.open.repeat(d.depth)}${m[2]}${(d.open === '[' ? ']' : '}').repeat(d.depth)}`;
        join(ls);
        applied.push(`nest the value on line ${i + 1} ${d.depth} deep in ${d.open}`);
        break;
      }
      case 'bom':
        t = `\uFEFF${t}`;
        applied.push('prepend a BOM');
        break;
      case 'crlf':
        t = t.replace(/\n/g, '\r\n');
        applied.push('CRLF line ends');
        break;
      case 'appendDocument':
        t = `${t}${t.endsWith('\n') ? '' : '\n'}${d.text}`;
        applied.push(`append ${JSON.stringify(d.text)}`);
        break;
      case 'bytes':
        bytes = { at, bytes: d.bytes };
        applied.push(`insert bytes ${d.bytes.map((b) => `0x${b.toString(16)}`).join(' ')} at character ${at}`);
        break;
    }
  }
  if (bytes === null) return { content: t, applied };
  const at = Math.min(bytes.at, t.length);
  return { content: Buffer.concat([Buffer.from(t.slice(0, at)), Buffer.from(bytes.bytes), Buffer.from(t.slice(at))]), applied };
}

// ---------------------------------------------------------------- what the fuzz found

/** A valid scenario that runs in milliseconds, for inputs that should run. */
const TINY = 'duration: 2m\ndrainLimit: 2m\ncampaignGroups: [{ name: A, dbid: 1, agents: 2, callingListSize: 10 }]\n';

/**
 * The smallest inputs of each defect the fuzz (or the probing that shaped
 * it) found in this tree, with what they did before they were fixed: each
 * must now keep the contract like any other input.
 */
const FOUND: { defect: string; input: string }[] = [
  {
    defect: 'a YAML alias that makes a cycle (was: exit 1, "Converting circular structure to JSON" from show() of the value given)',
    input: 'network: &n\n  latency: *n\n',
  },
  {
    defect: 'two unknown keys in one object (was: the second message line without "FILE: ")',
    input: 'ocs:\n  history-wait-recovery-timout: 30s\n  history-http-respons-timeout: 10s\n',
  },
  {
    defect: 'a key with a line break in it (was: printed raw, the message broken across lines)',
    input: '"dura\\ntion": 2m\n',
  },
  {
    defect: 'a key with a carriage return (was: printed raw, a terminal overwrites the start of the line)',
    input: '"dura\\rtion": 2m\n',
  },
  {
    defect: 'a YAML error about a carriage return (was: printed raw, "Not a YAML token: \\r...")',
    input: 'description: >\rb\n',
  },
  {
    defect: 'an externalSystem.errors status that is not 4xx/5xx (was: "Invalid key in record", the path twice, not what is expected)',
    input: 'externalSystem:\n  errors: { "200": 0.1 }\n',
  },
  {
    defect: 'outcome probabilities over 1 with the defaults of those not given (was: nothing said expected)',
    input: 'campaignGroups: [{ name: A, dbid: 1, calls: { outcomes: { Busy: 0.9 } } }]\n',
  },
  {
    defect: 'a YAML tag the parser does not know (was: exit 0 and a Node process warning "(node:PID) [TAG_RESOLVE_FAILED] YAMLWarning" on stderr)',
    input: `name: !custom x\n${TINY}`,
  },
  {
    defect: 'a mapping as a key (was: a Node process warning "Keys with collection values will be stringified ... Set mapAsMap: true" on stderr)',
    input: '? [duration]\n: 2m\n',
  },
  {
    defect: 'an unknown YAML directive (was: a Node process warning "(node:PID) [BAD_DIRECTIVE] YAMLWarning" on stderr)',
    input: `%FOO bar\n---\n${TINY}`,
  },
  {
    defect:
      'flow mappings nested 350 deep, 700 characters (was: ~10 s in the YAML parser, growing steeply with the depth, hours at 1000: a hang nothing could stop)',
    input: `${'{'.repeat(350)}${'}'.repeat(350)}\n`,
  },
  {
    defect: 'syntheticRecords.perSecond 1e15 (was: accepted, the virtual clock could not advance, a hang with no warning)',
    input: `${TINY}syntheticRecords: { perSecond: 1e15 }\n`,
  },
  {
    defect: 'OCS timeouts of a microsecond (was: every POST timed out and came back a microsecond later, for hours, with no storm warning)',
    input: `${TINY}ocs: { history-http-response-timeout: 0.001ms, history-wait-recovery-timeout: 0.001ms }\n`,
  },
  {
    defect: 'a zero-time redial loop: busy at once, redialed at once, 2^53 - 1 attempts (was: the virtual clock stood still, a hang with no warning)',
    input: `duration: 2m\ndrainLimit: 2m\ncampaignGroups:\n  - name: A\n    dbid: 1\n    agents: 2\n    callingListSize: 10\n    calls: { outcomes: { Answer: 0, Busy: 1, Answering Machine Detected: 0, Fax Detected: 0, Wrong Number: 0 }, busyTime: { fixed: 0s } }\n    treatments: { Busy: { redialAfter: 0s, maxAttempts: 9007199254740991 } }\n`,
  },
  {
    defect:
      'the metastable example dialing for 2390000000 h (was: a retry storm that sustains itself for the whole run, past the event budget, with no warning: the storm estimate counted outages only)',
    input: readFileSync(join(SCENARIOS_DIR, 'metastable-retry-storm.yaml'), 'utf8').replace(/^duration: 1h$/m, 'duration: 2390000000h'),
  },
  {
    defect:
      'an OCS restart back up after the last date a timestamp can have (was: "ocsRestarts: a restart ends after +275760-09-13": which restart, and what is allowed, unsaid)',
    input: `${TINY}ocsRestarts: [{ at: 2400000000h, downFor: 1m }]\n`,
  },
];

describe('inputs that broke the contract before they were fixed', () => {
  it.each(FOUND.map((f) => [f.defect, f.input] as const))(
    '%s',
    async (_defect, input) => {
      verdict(await runCli(input), input);
    },
    TEST_TIMEOUT,
  );
});

// ---------------------------------------------------------------- the properties

const exampleArb = fc.nat({ max: SMALL.length - 1 });

describe('scenario files fuzzed through ocs-sim run: exit 2 naming the field, or a run to completion', () => {
  it('every example scenario, made small, runs (the fuzz starts from valid input)', async () => {
    for (const small of SMALL) {
      for (const content of [serialize(small.input, 'yaml'), small.text]) {
        const outcome = await runCli(content);
        expect(verdict(outcome, content), `${small.name}: ${outcome.stderr}`).toBe('ran');
      }
    }
  });

  const one =
    'one structural mutation of an example: a key deleted, a value replaced (another type, an edge value), an unknown key, a renamed key, deep nesting, another group';
  it(
    one,
    async () => {
      const runs = numRuns(10);
      await assertFuzz(
        one,
        fc.asyncProperty(exampleArb, mutationArb, formatArb, async (example, mutation, format) => {
          const { text, applied } = mutatedScenario(example, [mutation], format);
          await check(one, text, applied);
        }),
        runs,
      );
      expectKinds(one, runs);
    },
    TEST_TIMEOUT,
  );

  const several = 'several structural mutations of an example (the run-length caps put back on valid values)';
  it(
    several,
    async () => {
      const runs = numRuns(5);
      await assertFuzz(
        several,
        fc.asyncProperty(exampleArb, fc.array(mutationArb, { minLength: 2, maxLength: 6 }), formatArb, async (example, mutations, format) => {
          const { text, applied } = mutatedScenario(example, mutations, format);
          await check(several, text, applied);
        }),
        runs,
      );
      expectKinds(several, runs, ['rejected']);
    },
    TEST_TIMEOUT,
  );

  const edge = 'valid values at the extremes (0, 1, 2^53 - 1, 1e308, 0s, 0.001ms, 2390000000h, year 9999), one to three fields at once';
  it(
    edge,
    async () => {
      const runs = numRuns(3);
      await assertFuzz(
        edge,
        fc.asyncProperty(exampleArb, fc.array(validSetArb, { minLength: 1, maxLength: 3 }), formatArb, async (example, mutations, format) => {
          const { text, applied } = mutatedScenario(example, mutations, format);
          await check(edge, text, applied);
        }),
        runs,
      );
      expectKinds(edge, runs);
    },
    TEST_TIMEOUT,
  );

  const raw =
    'raw text damage of an example made small: truncated, characters flipped, inserted, deleted, lines duplicated, tabs, a BOM, NUL, bytes that are not UTF-8';
  it(
    raw,
    async () => {
      const runs = numRuns(10);
      await assertFuzz(
        raw,
        fc.asyncProperty(exampleArb, fc.array(damageArb, { minLength: 1, maxLength: 4 }), async (example, damages) => {
          // A long hunt lists the slow parse once: each input that has it costs seconds.
          if (HUNT && [...found.keys()].includes('slow outside the run') && damages.some((d) => d.op === 'nest' && d.open === '{' && d.depth >= SLOW_NESTING))
            return;
          const small = SMALL[example];
          const { content, applied } = damaged(small.text, damages);
          await check(raw, content, [`example ${small.name} made small`, ...applied]);
        }),
        runs,
      );
      expectKinds(raw, runs);
    },
    TEST_TIMEOUT,
  );

  it('most inputs are rejected, and a fair share runs', () => {
    const total = { rejected: 0, ran: 0, stopped: 0 };
    for (const counts of tally.values()) for (const k of Object.keys(total) as Verdict[]) total[k] += counts[k];
    const n = total.rejected + total.ran + total.stopped;
    const share = (k: Verdict) => `${k} ${total[k]} (${((100 * total[k]) / Math.max(1, n)).toFixed(1)}%)`;
    const perProperty = [...tally.entries()].map(([name, c]) => `  ${c.rejected} rejected, ${c.ran} ran, ${c.stopped} stopped: ${name.split(':')[0]}`);
    const hunted = HUNT ? `; ${broken.inputs} more broke the contract (${Math.round(broken.ms / 1000)} s of wall-clock time)` : '';
    console.log(
      `scenario fuzz: ${n} inputs: ${share('rejected')}, ${share('ran')}, ${share('stopped')} (warned slow, stopped at the budget)${hunted}\n${perProperty.join('\n')}`,
    );
    if (HUNT && found.size > 0) {
      throw new Error(`${found.size} kind(s) of violation:\n\n${[...found.entries()].map(([key, v]) => `=== ${key}\n${v.message}`).join('\n\n')}`);
    }
    if (n < 200) return;
    expect(total.rejected / n, 'share of inputs rejected').toBeGreaterThan(0.5);
    expect(total.ran / n, 'share of inputs that ran').toBeGreaterThan(0.1);
  });
});
