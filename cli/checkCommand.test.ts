import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { TraceLine } from '../sim/observer.ts';
import { validateScenario } from '../sim/scenario/validate.ts';

// A planted violation, so the failure path can be seen: the accounting claim "fails" on runs whose seed
// `planted` picks (the model itself keeps every invariant, which is what the properties show).
let planted: (seed: number) => boolean = () => false;
let plantedDetail = '1 violation(s): planted';
// And "the external system ends with seq 1" failing on the seeds `plantedByDesign` picks: by design at a last-write-wins system.
let plantedByDesign: (seed: number) => boolean = () => false;
vi.mock('../properties/invariants.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../properties/invariants.ts')>();
  return {
    ...real,
    checkInvariants: (trace: TraceLine[], ...rest: Parameters<typeof real.checkInvariants> extends [unknown, ...infer R] ? R : never) => {
      const results = real.checkInvariants(trace, ...rest);
      const seed = Number(trace[0].seed);
      return results.map((r) =>
        r.name === real.ACCOUNTING && planted(seed)
          ? { ...r, holds: false, detail: plantedDetail }
          : r.name === real.ENDS_WITH_SEQ1 && plantedByDesign(seed)
            ? { ...r, holds: false, detail: 'seq 0 overwrote seq 1 (planted)' }
            : r,
      );
    },
  };
});
const { runCheck } = await import('./checkCommand.ts');
const { loadScenario } = await import('../io/scenarioFile.ts');
const { main } = await import('./program.ts');
const { checkGenerated } = await import('../properties/checkScenario.ts');
const { ACCOUNTING, ENDS_WITH_SEQ1 } = await import('../properties/invariants.ts');

const dir = mkdtempSync(join(tmpdir(), 'ocs-sim-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const small = validateScenario({
  duration: '3m',
  campaignGroups: [{ name: 'Check@Agents', dbid: 8, agents: 6 }],
  externalSystem: { outages: [{ from: '1m', until: '90s', status: 503 }] },
});
if (!small.ok) throw new Error(small.errors.join('\n'));
const scenario = small.scenario;

function check(opts: Partial<Parameters<typeof runCheck>[2]>) {
  let out = '';
  const code = runCheck(scenario, 'my-scenario.yaml', { runs: 4, faults: 'as-written', out: join(dir, 'out'), ...opts }, (t) => (out += t));
  return { code, out };
}

describe('ocs-sim check', () => {
  it('checks every invariant on each seed of the scenario as written and exits 0 when all hold', () => {
    planted = () => false;
    const { code, out } = check({ seed: 10 });
    expect(code).toBe(0);
    expect(out).toContain('4 runs, seeds 10..13, faults as written');
    expect(out).toContain('  holds     no record is ever lost');
    expect(out).toContain('all invariants hold on 4 runs');
  });

  it("stops at the first seed that violates a claim, names it, writes the run's scenario and prints a one-line replay", () => {
    planted = (seed) => seed === 12;
    const { code, out } = check({ seed: 10 });
    expect(code).toBe(1);
    expect(out).toMatch(/FAILS\s+every count in summary\.json equals the count derived from the trace \(seed 12: 1 violation\(s\): planted\)/);
    expect(out).toContain('Replay: npx ocs-sim check my-scenario.yaml --seed 12 --runs 1');
    const yaml = readFileSync(join(dir, 'out', 'counterexample.yaml'), 'utf8');
    expect(yaml).toContain('seed: 12');
    expect(yaml).toContain('# Replay the check: npx ocs-sim check my-scenario.yaml --seed 12 --runs 1');
  });

  it("passes a three-group campaign written without firstPhone: contacts are (calling list, phone), so groups never redial each other's contacts", () => {
    planted = () => false;
    const { scenario: threeGroups } = loadScenario(join(import.meta.dirname, '..', 'scenarios', 'three-groups.yaml'));
    expect(threeGroups.campaignGroups.map((g) => g.callingList)).toEqual(['Sales Leads', 'Overdue Accounts', 'Overdue Accounts']);
    let out = '';
    const code = runCheck(threeGroups, 'three-groups.yaml', { runs: 2, seed: 1, faults: 'as-written', out: join(dir, 'three') }, (t) => (out += t));
    expect(out).toContain("  holds     a contact is tried again only when its call result's treatment allows");
    expect(out).toContain('  holds     no dialing during a wait condition');
    expect(code).toBe(0);
  });

  it('passes the three-group campaign under generated fault schedules too (--faults generated)', () => {
    planted = () => false;
    const { scenario: threeGroups } = loadScenario(join(import.meta.dirname, '..', 'scenarios', 'three-groups.yaml'));
    const shorter = validateScenario({ ...threeGroups, duration: '12m' });
    if (!shorter.ok) throw new Error(shorter.errors.join('\n'));
    let out = '';
    const code = runCheck(
      shorter.scenario,
      'three-groups.yaml',
      { runs: 3, faults: 'generated', fcSeed: 5, out: join(dir, 'three-generated') },
      (t) => (out += t),
    );
    expect(out).toContain('all invariants hold on 3 runs');
    expect(code).toBe(0);
  });

  it('refuses, with exit 2, two groups that give one calling list different sizes, naming the list', async () => {
    const file = join(dir, 'conflict.yaml');
    writeFileSync(
      file,
      'campaignGroups:\n  - { name: A@X, dbid: 1, callingList: Overdue, callingListSize: 10 }\n  - { name: B@X, dbid: 2, callingList: Overdue, callingListSize: 20 }\n',
    );
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const code = await main(['check', file, '--runs', '1']);
    const printed = err.mock.calls.map((c) => String(c[0])).join('');
    err.mockRestore();
    expect(code).toBe(2);
    expect(printed).toContain('campaignGroups[1].callingListSize: got 20; the calling list "Overdue" has 10 records in campaignGroups[0]');
  });

  it('exits 1 through the ocs-sim command when an invariant does not hold, 0 when all do', async () => {
    const file = join(dir, 'small.yaml');
    writeFileSync(file, 'duration: 2m\ncampaignGroups: [{ name: Exit@Agents, dbid: 9, agents: 4 }]\n');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      planted = (seed) => seed === 3;
      expect(await main(['check', file, '--runs', '2', '--seed', '1', '--out', join(dir, 'exit')])).toBe(0);
      expect(await main(['check', file, '--runs', '3', '--seed', '1', '--out', join(dir, 'exit')])).toBe(1);
    } finally {
      write.mockRestore();
    }
  });

  it('rejects a --fc-seed that is not a whole number with exit code 2, naming the value', async () => {
    const error = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['check', '--faults', 'generated', '--fc-seed', 'abc'])).toBe(2);
      expect(error.mock.calls.map((c) => String(c[0])).join('')).toContain('got "abc"; expected a whole number');
    } finally {
      error.mockRestore();
    }
  });

  it("with generated faults keeps the scenario's own options and policy, and a failure replays exactly from its fast-check seed and path", () => {
    planted = () => false;
    const clean = checkGenerated(scenario, { runs: 5, fcSeed: 3 });
    expect(clean.failure).toBeNull();
    expect(clean.runs).toBe(5);
    // Planted on every run: the first generated run fails, and fast-check shrinks its faults and seed.
    planted = () => true;
    const { code, out } = check({ faults: 'generated', fcSeed: 5, runs: 5 });
    expect(code).toBe(1);
    const replay = /Replay: (npx ocs-sim check .*)/.exec(out)![1];
    const fcSeed = Number(/--fc-seed (-?\d+)/.exec(replay)![1]);
    const fcPath = /--fc-path '?([\d:]*)'?/.exec(replay)![1];
    const again = checkGenerated(scenario, { runs: 5, fcSeed, fcPath });
    expect(again.failure?.check.seed).toBe(Number(/on seed (\d+)/.exec(out)![1]));
    expect(again.failure?.check.seed).toBe(0); // shrunk
    const failing = again.failure!.check.scenario;
    expect(failing.ocs).toEqual(scenario.ocs);
    expect(failing.externalSystem.storagePolicy).toBe(scenario.externalSystem.storagePolicy);
    expect(failing.network.latency).toEqual(scenario.network.latency);
  });
});

/** The XML's entities resolved, as a reader of it sees the text. */
const unescapeXml = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, (_, e: string) =>
    e.startsWith('#') ? String.fromCodePoint(Number(e.slice(1))) : { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e]!,
  );
const count = (xml: string, pattern: RegExp) => xml.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
const attr = (xml: string, tag: string, name: string) => new RegExp(`<${tag}\\b[^>]*\\s${name}="([^"]*)"`).exec(xml)?.[1];
/** The claims the check printed, in order (each line "  holds     CLAIM", "  FAILS     CLAIM (seed ...)", ...). */
const printedClaims = (out: string) =>
  [...out.matchAll(/^ {2}(?:holds|FAILS|by design) +(.+?)(?: \((?:seed \d+: .*|fails by the scenario's design: .*)\))?$/gm)].map((m) => m[1]);
const testcases = (xml: string) =>
  [...xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)" time="0"(\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => ({
    classname: unescapeXml(m[1]),
    name: unescapeXml(m[2]),
    body: m[4] ?? '',
  }));

describe('ocs-sim check --junit', () => {
  it('writes one passing testcase per claim when every claim holds, with the counts and runs on the suite, byte-identical on a second check', () => {
    planted = () => false;
    plantedByDesign = () => false;
    const junit = join(dir, 'junit-pass', 'nested', 'junit.xml');
    const { code, out } = check({ seed: 10, junit });
    expect(code).toBe(0);
    expect(out).toContain(`JUnit XML: ${junit}`);
    const xml = readFileSync(junit, 'utf8');
    const claims = printedClaims(out);
    expect(claims.length).toBeGreaterThan(10);
    expect(testcases(xml).map((c) => c.name)).toEqual(claims);
    expect(count(xml, /<testcase /)).toBe(claims.length);
    expect(xml).not.toContain('<failure');
    expect(xml).not.toContain('<skipped');
    expect(testcases(xml).every((c) => c.classname === 'ocs-sim check.my-scenario' && c.body === '')).toBe(true);
    expect(attr(xml, 'testsuite', 'tests')).toBe(String(claims.length));
    expect(attr(xml, 'testsuite', 'failures')).toBe('0');
    expect(attr(xml, 'testsuite', 'skipped')).toBe('0');
    expect(xml).toContain('<property name="runs" value="4"/>');
    expect(xml).toContain('<property name="seeds" value="10..13"/>');
    expect(xml).not.toMatch(/timestamp|\d{4}-\d\d-\d\dT\d\d|time="(?!0")/);
    // The same check gives the same bytes, and leaves no temporary file behind.
    const again = join(dir, 'junit-pass', 'again.xml');
    check({ seed: 10, junit: again });
    expect(readFileSync(again, 'utf8')).toBe(xml);
    expect(readdirSync(join(dir, 'junit-pass', 'nested'))).toEqual(['junit.xml']);
  });

  it('marks the claim that failed as a failure carrying its seed, detail, counterexample file and the exact replay line', () => {
    planted = (seed) => seed === 12;
    plantedByDesign = () => false;
    const junit = join(dir, 'junit-fail.xml');
    const { code, out } = check({ seed: 10, junit });
    expect(code).toBe(1);
    const xml = readFileSync(junit, 'utf8');
    const cases = testcases(xml);
    expect(cases.map((c) => c.name)).toEqual(printedClaims(out));
    expect(count(xml, /<failure /)).toBe(1);
    expect(xml).not.toContain('<skipped');
    expect(attr(xml, 'testsuite', 'failures')).toBe('1');
    expect(attr(xml, 'testsuite', 'tests')).toBe(String(cases.length));
    expect(xml).toContain('<property name="runs" value="3"/>');
    const failing = cases.filter((c) => c.body.includes('<failure'));
    expect(failing.map((c) => c.name)).toEqual([ACCOUNTING]);
    const failure = /<failure message="([^"]*)" type="invariant violated">([\s\S]*?)<\/failure>/.exec(failing[0].body)!;
    expect(unescapeXml(failure[1])).toBe(ACCOUNTING);
    const text = unescapeXml(failure[2]);
    const replay = /Replay: (.*)/.exec(out)![1];
    expect(replay).toBe('npx ocs-sim check my-scenario.yaml --seed 12 --runs 1');
    expect(text).toContain('seed 12: 1 violation(s): planted');
    expect(text).toContain(`Replay: ${replay}\n`);
    expect(text).toContain(join(dir, 'out', 'counterexample.yaml'));
    expect(existsSync(join(dir, 'out', 'counterexample.yaml'))).toBe(true);
  });

  it("reports a claim that fails by the scenario's design (last-write-wins) as skipped with that reason, not as a failure", () => {
    const lww = validateScenario({ ...small.scenario, externalSystem: { ...small.scenario.externalSystem, storagePolicy: 'last-write-wins' } });
    if (!lww.ok) throw new Error(lww.errors.join('\n'));
    plantedByDesign = (seed) => seed === 11;
    const skippedClaims = (xml: string) => testcases(xml).filter((c) => c.body.includes('<skipped'));
    const reason = 'fails by the scenario&apos;s design: a last-write-wins external system';

    planted = () => false;
    const pass = join(dir, 'junit-lww-pass.xml');
    expect(runCheck(lww.scenario, 'lww.yaml', { runs: 3, seed: 10, faults: 'as-written', out: join(dir, 'lww'), junit: pass }, () => {})).toBe(0);
    let xml = readFileSync(pass, 'utf8');
    expect(skippedClaims(xml).map((c) => c.name)).toEqual([ENDS_WITH_SEQ1]);
    expect(skippedClaims(xml)[0].body).toContain(`<skipped message="${reason}"/>`);
    expect(xml).not.toContain('<failure');
    expect([attr(xml, 'testsuite', 'failures'), attr(xml, 'testsuite', 'skipped')]).toEqual(['0', '1']);

    // A real failure on a later seed: the by-design claim (held on the failing seed, not on seed 11) stays skipped.
    planted = (seed) => seed === 12;
    const fail = join(dir, 'junit-lww-fail.xml');
    expect(runCheck(lww.scenario, 'lww.yaml', { runs: 3, seed: 10, faults: 'as-written', out: join(dir, 'lww'), junit: fail }, () => {})).toBe(1);
    xml = readFileSync(fail, 'utf8');
    expect(skippedClaims(xml).map((c) => c.name)).toEqual([ENDS_WITH_SEQ1]);
    expect(
      testcases(xml)
        .filter((c) => c.body.includes('<failure'))
        .map((c) => c.name),
    ).toEqual([ACCOUNTING]);
    expect([attr(xml, 'testsuite', 'failures'), attr(xml, 'testsuite', 'skipped')]).toEqual(['1', '1']);
  });

  it('escapes a detail and a file name with markup, quotes and control characters so the XML stays well-formed and reads back exactly', () => {
    planted = (seed) => seed === 10;
    plantedByDesign = () => false;
    plantedDetail = `<b>"x" & 'y'</b> ]]> \u001b[31mred\u0000`;
    try {
      const junit = join(dir, 'junit-escape.xml');
      const file = `it's <mine> & "yours".yaml`;
      let out = '';
      expect(runCheck(scenario, file, { runs: 2, seed: 10, faults: 'as-written', out: join(dir, 'escape'), junit }, (t) => (out += t))).toBe(1);
      const xml = readFileSync(junit, 'utf8');
      expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
      // Outside the markup itself, no raw < > " ' &: every one is escaped.
      const markupless = xml.replace(/<\/?[\w?]+|\/?>|\?>|\s[\w.-]+="|"(?=[\s/>?])|&(amp|lt|gt|quot|apos|#\d+);/g, '');
      expect(markupless).not.toMatch(/[<>"'&]/);
      const [failing] = testcases(xml).filter((c) => c.body.includes('<failure'));
      expect(failing.classname).toBe(`ocs-sim check.it's <mine> & "yours"`);
      const text = unescapeXml(/<failure [^>]*>([\s\S]*?)<\/failure>/.exec(failing.body)![1]);
      expect(text).toContain(`seed 10: <b>"x" & 'y'</b> ]]> \\u001B[31mred\\u0000`);
      const replay = /Replay: (.*)/.exec(out)![1];
      expect(replay).toBe(`npx ocs-sim check 'it'\\''s <mine> & "yours".yaml' --seed 10 --runs 1`);
      expect(text).toContain(`Replay: ${replay}\n`);
      expect(unescapeXml(attr(xml, 'testsuite', 'name')!)).toBe(`ocs-sim check ${file}`);
    } finally {
      plantedDetail = '1 violation(s): planted';
    }
  });

  it('with generated faults, the failure carries the --fc-seed/--fc-path replay line', () => {
    planted = () => true;
    plantedByDesign = () => false;
    const junit = join(dir, 'junit-generated.xml');
    const { code, out } = check({ faults: 'generated', fcSeed: 5, runs: 3, junit });
    expect(code).toBe(1);
    const xml = readFileSync(junit, 'utf8');
    expect(count(xml, /<failure /)).toBe(1);
    const replay = /Replay: (npx ocs-sim check .*)/.exec(out)![1];
    expect(replay).toMatch(/--faults generated --runs 3 --fc-seed -?\d+ --fc-path /);
    expect(unescapeXml(xml)).toContain(`Replay: ${replay}\n`);
    expect(xml).toContain('<property name="fc-seed" value="5"/>');
    expect(xml).toContain('<property name="faults" value="generated"/>');
  });

  it('through the ocs-sim command: written on exit 0 and rewritten on exit 1; a path whose directory cannot be created, or a directory, is exit 2 before any run', async () => {
    const file = join(dir, 'cmd.yaml');
    writeFileSync(file, 'duration: 2m\ncampaignGroups: [{ name: Junit@Agents, dbid: 9, agents: 4 }]\n');
    const junit = join(dir, 'cmd', 'out', 'junit.xml');
    let stdout = '';
    let stderr = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((t) => ((stdout += String(t)), true));
    const error = vi.spyOn(process.stderr, 'write').mockImplementation((t) => ((stderr += String(t)), true));
    try {
      plantedByDesign = () => false;
      planted = (seed) => seed === 3;
      expect(await main(['check', file, '--runs', '2', '--seed', '1', '--out', join(dir, 'cmd'), '--junit', junit])).toBe(0);
      expect(readFileSync(junit, 'utf8')).not.toContain('<failure');
      expect(await main(['check', file, '--runs', '3', '--seed', '1', '--out', join(dir, 'cmd'), '--junit', junit])).toBe(1);
      expect(count(readFileSync(junit, 'utf8'), /<failure /)).toBe(1);
      expect(readdirSync(join(dir, 'cmd', 'out'))).toEqual(['junit.xml']);

      stdout = '';
      const underAFile = join(file, 'sub', 'junit.xml');
      expect(await main(['check', file, '--runs', '2', '--seed', '1', '--junit', underAFile])).toBe(2);
      expect(stderr).toContain(`--junit ${underAFile}: cannot create its directory ${join(file, 'sub')}`);
      expect(stdout).not.toContain('runs, seeds');
      stderr = '';
      expect(await main(['check', file, '--runs', '2', '--seed', '1', '--junit', join(dir, 'cmd')])).toBe(2);
      expect(stderr).toContain(`--junit ${join(dir, 'cmd')} is a directory`);

      stdout = '';
      expect(await main(['check', '--help'])).toBe(0);
      expect(stdout).toMatch(/--junit <file>\s+also write the result as JUnit XML/);
    } finally {
      write.mockRestore();
      error.mockRestore();
    }
  });
});
