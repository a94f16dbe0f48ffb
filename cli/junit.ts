/**
 * JUnit XML, the test-result format CI systems (GitHub Actions, GitLab,
 * Jenkins) show natively: what `ocs-sim check --junit FILE` writes, one
 * <testcase> per claim. Pure: no I/O and no wall clock, so the same report
 * gives the same bytes (every `time` is "0").
 */

export type CaseOutcome =
  | { kind: 'passed' }
  /** `message`: one line (the claim); `text`: the whole story (seed, detail, replay). */
  | { kind: 'failure'; message: string; text: string /** The failure's type attribute (default "invariant violated"). */; type?: string }
  | { kind: 'skipped'; message: string };

export interface TestCase {
  classname: string;
  name: string;
  outcome: CaseOutcome;
}

export interface TestSuite {
  name: string;
  /** Written as <properties>, in this order. */
  properties: ReadonlyArray<readonly [string, string]>;
  cases: readonly TestCase[];
}

/**
 * Characters XML 1.0 forbids even as character references: controls other
 * than tab, LF and CR, lone surrogates, U+FFFE and U+FFFF. They are written
 * as visible `\uXXXX` text instead, so nothing (an ANSI colour code in a
 * detail, say) is silently lost.
 */
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const visible = (c: string) => `\\u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;', '\n': '&#10;', '\t': '&#9;' };

/** Text content: the five markup characters escaped, CR kept as a reference (a parser would turn a literal CR into LF). */
export function escapeText(s: string): string {
  return s.replace(FORBIDDEN, visible).replace(/[&<>"'\r]/g, (c) => ENTITIES[c]);
}

/** An attribute value (in double quotes): as text, and tab and LF as references too, which a parser would otherwise turn into spaces. */
export function escapeAttribute(s: string): string {
  return s.replace(FORBIDDEN, visible).replace(/[&<>"'\r\n\t]/g, (c) => ENTITIES[c]);
}

const attributes = (attrs: ReadonlyArray<readonly [string, string | number]>) => attrs.map(([k, v]) => ` ${k}="${escapeAttribute(String(v))}"`).join('');

/** The report: <testsuites> holding one <testsuite>, with tests/failures/errors/skipped counted from the cases. */
export function junitXml(suite: TestSuite): string {
  const failures = suite.cases.filter((c) => c.outcome.kind === 'failure').length;
  const skipped = suite.cases.filter((c) => c.outcome.kind === 'skipped').length;
  const counts = [
    ['tests', suite.cases.length],
    ['failures', failures],
    ['errors', 0],
    ['skipped', skipped],
    ['time', '0'],
  ] as const;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes([['name', suite.name], ...counts])}>`,
    `  <testsuite${attributes([['name', suite.name], ...counts])}>`,
  ];
  if (suite.properties.length > 0) {
    lines.push('    <properties>');
    for (const [name, value] of suite.properties)
      lines.push(
        `      <property${attributes([
          ['name', name],
          ['value', value],
        ])}/>`,
      );
    lines.push('    </properties>');
  }
  for (const c of suite.cases) {
    const open = `    <testcase${attributes([
      ['classname', c.classname],
      ['name', c.name],
      ['time', '0'],
    ])}`;
    const o = c.outcome;
    if (o.kind === 'passed') lines.push(`${open}/>`);
    else if (o.kind === 'skipped') lines.push(`${open}>`, `      <skipped${attributes([['message', o.message]])}/>`, '    </testcase>');
    else
      lines.push(
        `${open}>`,
        `      <failure${attributes([
          ['message', o.message],
          ['type', o.type ?? 'invariant violated'],
        ])}>${escapeText(o.text)}</failure>`,
        '    </testcase>',
      );
  }
  lines.push('  </testsuite>', '</testsuites>');
  return `${lines.join('\n')}\n`;
}
