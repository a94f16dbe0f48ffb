/**
 * The OCS log around each wait condition: a few lines before and after every
 * `Wait condition has been activated/cleared` line, overlapping windows
 * merged, so a reader sees what OCS logged as the condition came and went.
 */

export type LogKind = 'saved' | 'queued' | 'wait' | 'race' | 'other';

export interface ExcerptLine {
  /** 1-based line number in ocs.log. */
  n: number;
  text: string;
  kind: LogKind;
  /** The activated/cleared line the window is centred on. */
  focus: boolean;
}

export interface LogExcerpt {
  /** e.g. `activated (Outbound Sales@Sales Agents, DBID 101)` for the first focus line. */
  title: string;
  lines: ExcerptLine[];
}

export function logKind(text: string): LogKind {
  if (text.includes('Wait condition has been')) return 'wait';
  if (text.includes('has been saved')) return 'saved';
  if (text.includes('queued for reprocessing')) return 'queued';
  if (text.includes('race condition')) return 'race';
  return 'other';
}

const WAIT_LINE = /Wait condition has been (activated|cleared) for Campaign Group (.*)$/;

export function waitConditionExcerpts(log: readonly string[], context = 6, maxExcerpts = 12): { excerpts: LogExcerpt[]; omitted: number } {
  const focus: number[] = [];
  log.forEach((line, i) => {
    if (WAIT_LINE.test(line)) focus.push(i);
  });
  const windows: { from: number; until: number; focus: number[] }[] = [];
  for (const i of focus) {
    const from = Math.max(0, i - context);
    const until = Math.min(log.length - 1, i + context);
    const last = windows[windows.length - 1];
    if (last !== undefined && from <= last.until + 1) {
      last.until = until;
      last.focus.push(i);
    } else windows.push({ from, until, focus: [i] });
  }
  const excerpts = windows.slice(0, maxExcerpts).map((w) => {
    const titles = w.focus.map((i) => {
      const m = WAIT_LINE.exec(log[i])!;
      return `${m[1]} for ${m[2]}`;
    });
    const lines: ExcerptLine[] = [];
    for (let i = w.from; i <= w.until; i++) lines.push({ n: i + 1, text: log[i], kind: logKind(log[i]), focus: w.focus.includes(i) });
    return { title: titles.join(', then '), lines };
  });
  return { excerpts, omitted: windows.length - excerpts.length };
}
