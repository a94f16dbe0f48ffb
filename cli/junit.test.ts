import { describe, expect, it } from 'vitest';
import { escapeAttribute, escapeText, junitXml, type TestSuite } from './junit.ts';

/** A parsed element: what a CI system's JUnit reader sees. */
interface Element {
  tag: string;
  attrs: Record<string, string>;
  children: Element[];
  text: string;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Entities resolved as an XML parser does; a bare `&` or an unknown entity is malformed. */
function decode(s: string, where: string): string {
  return s.replace(/&([^;]*);?/g, (whole, ref: string) => {
    if (!whole.endsWith(';')) throw new Error(`bare & in ${where}: ${JSON.stringify(s)}`);
    if (ref in NAMED) return NAMED[ref];
    const n = /^#(\d+)$/.exec(ref)?.[1] ?? (/^#x([0-9a-f]+)$/i.exec(ref) ? String(parseInt(ref.slice(2), 16)) : undefined);
    if (n === undefined) throw new Error(`unknown entity &${ref}; in ${where}`);
    return String.fromCodePoint(Number(n));
  });
}

/**
 * A minimal XML 1.0 reader, strict where it matters here: balanced tags,
 * quoted attributes, no raw `<`, `&` or `>` in text or attribute values, no
 * characters XML forbids, and attribute-value normalization (a literal tab,
 * LF or CR becomes a space) as a real parser does.
 */
function parseXml(xml: string): Element {
  if (/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(xml)) throw new Error('a character XML 1.0 forbids');
  const body = xml.replace(/^<\?xml [^?]*\?>\n/, '');
  const root: Element = { tag: '#document', attrs: {}, children: [], text: '' };
  const stack = [root];
  const tag = /<(\/?)([\w.-]+)((?:\s+[\w.-]+="[^"]*")*)\s*(\/?)>|([^<]+)|(<)/gy;
  let m: RegExpExecArray | null;
  let read = 0;
  while ((m = tag.exec(body)) !== null) {
    read = tag.lastIndex;
    const [, close, name, attrText, selfClose, text, stray] = m;
    const top = stack[stack.length - 1];
    if (stray) throw new Error(`malformed markup at ${m.index}: ${body.slice(m.index, m.index + 40)}`);
    if (text !== undefined) {
      if (text.includes('>')) throw new Error(`raw > in text: ${JSON.stringify(text)}`);
      top.text += decode(text.replace(/\r\n?/g, '\n'), 'text');
    } else if (close) {
      if (top.tag !== name) throw new Error(`</${name}> closes <${top.tag}>`);
      stack.pop();
    } else {
      const attrs: Record<string, string> = {};
      for (const [, k, v] of attrText.matchAll(/([\w.-]+)="([^"]*)"/g)) {
        if (v.includes('<') || v.includes('>')) throw new Error(`raw < or > in attribute ${k}`);
        attrs[k] = decode(v.replace(/[\t\n\r]/g, ' '), `attribute ${k}`);
      }
      const element: Element = { tag: name, attrs, children: [], text: '' };
      top.children.push(element);
      if (!selfClose) stack.push(element);
    }
  }
  if (read !== body.length) throw new Error('trailing garbage');
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1].tag}> is never closed`);
  if (root.children.length !== 1 || root.text.trim() !== '') throw new Error('expected one root element');
  return root.children[0];
}

const all = (e: Element, tag: string): Element[] => [...(e.tag === tag ? [e] : []), ...e.children.flatMap((c) => all(c, tag))];

const NASTY = 'a & b < c > d "quoted" \'single\' ]]> \u001b[31mred\u001b[0m \u0000 nul \uFFFE \uD800 tab\there\r\nnext line é 😀';

describe('JUnit XML', () => {
  it('escapes the five markup characters in text and attributes', () => {
    expect(escapeText(`<a href="x">Tom & 'Jerry'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;');
    expect(escapeAttribute(`<a href="x">Tom & 'Jerry'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;');
    // Already-escaped text is escaped again, not passed through.
    expect(escapeText('&amp;')).toBe('&amp;amp;');
  });

  it('writes characters XML 1.0 forbids as visible \\uXXXX text and keeps the rest, astral characters too', () => {
    expect(escapeText('x\u0000y\u001b[0m\u0008\u000B\u000C\uFFFE\uFFFF')).toBe('x\\u0000y\\u001B[0m\\u0008\\u000B\\u000C\\uFFFE\\uFFFF');
    expect(escapeText('lone \uD800 and \uDFFF')).toBe('lone \\uD800 and \\uDFFF');
    expect(escapeText('é 😀 \u0085 \uD7FF \uE000 \uFFFD')).toBe('é 😀 \u0085 \uD7FF \uE000 \uFFFD');
  });

  it('keeps tab, LF and CR: literal in text (CR as a reference), references in attributes, which parsers would turn into spaces', () => {
    expect(escapeText('a\tb\nc\rd')).toBe('a\tb\nc&#13;d');
    expect(escapeAttribute('a\tb\nc\rd')).toBe('a&#9;b&#10;c&#13;d');
  });

  it('round-trips any claim, detail and property through a strict reader', () => {
    const suite: TestSuite = {
      name: `suite ${NASTY}`,
      properties: [[`key ${NASTY}`, `value ${NASTY}`]],
      cases: [
        { classname: `c ${NASTY}`, name: `failing ${NASTY}`, outcome: { kind: 'failure', message: `message ${NASTY}`, text: `text ${NASTY}` } },
        { classname: 'c', name: `skipped ${NASTY}`, outcome: { kind: 'skipped', message: `why ${NASTY}` } },
      ],
    };
    const doc = parseXml(junitXml(suite));
    // What cannot be written comes back visibly escaped; everything else exactly.
    const readable = (s: string) =>
      s
        .replace('\u001b[31m', '\\u001B[31m')
        .replace('\u001b[0m', '\\u001B[0m')
        .replace('\u0000', '\\u0000')
        .replace('\uFFFE', '\\uFFFE')
        .replace('\uD800', '\\uD800');
    const [failing, skipped] = all(doc, 'testcase');
    expect(failing.attrs.name).toBe(readable(`failing ${NASTY}`));
    expect(failing.attrs.classname).toBe(readable(`c ${NASTY}`));
    expect(all(failing, 'failure')[0].attrs.message).toBe(readable(`message ${NASTY}`));
    expect(all(failing, 'failure')[0].text).toBe(readable(`text ${NASTY}`));
    expect(all(skipped, 'skipped')[0].attrs.message).toBe(readable(`why ${NASTY}`));
    expect(all(doc, 'property')[0].attrs).toEqual({ name: readable(`key ${NASTY}`), value: readable(`value ${NASTY}`) });
    expect(doc.attrs.name).toBe(readable(`suite ${NASTY}`));
  });

  it('counts tests, failures and skipped on the suite, writes every time as 0, and gives the same bytes for the same report', () => {
    const suite: TestSuite = {
      name: 'ocs-sim check s.yaml',
      properties: [['runs', '7']],
      cases: [
        { classname: 'ocs-sim check.s', name: 'one', outcome: { kind: 'passed' } },
        { classname: 'ocs-sim check.s', name: 'two', outcome: { kind: 'failure', message: 'two', text: 'seed 3: broken' } },
        { classname: 'ocs-sim check.s', name: 'three', outcome: { kind: 'skipped', message: 'by design' } },
        { classname: 'ocs-sim check.s', name: 'four', outcome: { kind: 'passed' } },
      ],
    };
    const xml = junitXml(suite);
    expect(xml).toBe(junitXml(structuredClone(suite)));
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')).toBe(true);
    const doc = parseXml(xml);
    expect(doc.tag).toBe('testsuites');
    const [testsuite] = all(doc, 'testsuite');
    for (const counted of [doc, testsuite]) expect(counted.attrs).toMatchObject({ tests: '4', failures: '1', errors: '0', skipped: '1', time: '0' });
    expect(all(testsuite, 'testcase').map((c) => [c.attrs.name, c.attrs.time, c.children.map((x) => x.tag).join()])).toEqual([
      ['one', '0', ''],
      ['two', '0', 'failure'],
      ['three', '0', 'skipped'],
      ['four', '0', ''],
    ]);
    expect(all(doc, 'property').map((p) => p.attrs)).toEqual([{ name: 'runs', value: '7' }]);
    expect(xml).not.toMatch(/timestamp|\d{4}-\d\d-\d\dT/);
  });

  it('the strict reader rejects what a broken escaper would write', () => {
    expect(() => parseXml('<a>x & y</a>')).toThrow(/bare &/);
    expect(() => parseXml('<a>x < y</a>')).toThrow(/malformed/);
    expect(() => parseXml('<a b="x"y"/>')).toThrow();
    expect(() => parseXml('<a>\u001b</a>')).toThrow(/forbids/);
    expect(() => parseXml('<a><b></a>')).toThrow(/closes/);
  });
});
