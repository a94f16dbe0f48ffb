/**
 * Text helpers shared by the HTML and Markdown reports. Everything here is a
 * pure function of its arguments: no locale, no wall clock, so the same run
 * always gives the same bytes.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML and SVG, in content and in attribute values. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** Escapes text for a Markdown table cell. */
export function mdCell(text: string | number): string {
  return String(text).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A whole number with thin thousands separators, the same on every machine (no locale). */
export function int(n: number): string {
  const sign = n < 0 ? '-' : '';
  const digits = String(Math.round(Math.abs(n)));
  return sign + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A duration in virtual milliseconds, in the unit people read it in. */
export function duration(ms: number): string {
  if (ms < 1000) return `${trim(ms, ms < 10 ? 2 : ms < 100 ? 1 : 0)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${trim(s, s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  const rest = Math.round(s - m * 60);
  if (m < 60) return rest === 0 ? `${m} min` : `${m} min ${rest} s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}

/** A number with at most `decimals` decimals, trailing zeros dropped. */
export function trim(x: number, decimals: number): string {
  const text = x.toFixed(decimals);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** A share as a percentage. */
export function percent(part: number, whole: number): string {
  if (whole === 0) return '0%';
  const p = (100 * part) / whole;
  return `${p > 0 && p < 0.1 ? '<0.1' : trim(p, p < 10 ? 1 : 0)}%`;
}

/** Wall-clock time of day (UTC) of a virtual instant: `08:20:01.678`. */
export function clock(startEpochMs: number, t: number): string {
  const dayMs = (((startEpochMs + Math.floor(t)) % 86_400_000) + 86_400_000) % 86_400_000;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(Math.floor(dayMs / 3_600_000))}:${pad(Math.floor(dayMs / 60_000) % 60)}:${pad(Math.floor(dayMs / 1000) % 60)}.${pad(dayMs % 1000, 3)}`;
}

/** Minutes into the run, for chart axes and tables: `20:00` style (mm:ss, or h:mm:ss). */
export function runTime(t: number): string {
  const total = Math.floor(t / 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(total / 3600);
  const m = Math.floor(total / 60) % 60;
  const s = total % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** The font stack of hand-drawn SVG (system fonts only: the report loads nothing). */
export const SVG_FONT = 'system-ui, -apple-system, &quot;Segoe UI&quot;, Roboto, sans-serif';

/** Estimated width of text in the 11 px sans-serif the diagrams use, scaled by `size`/11 (no font metrics without a browser). */
export function textWidth(text: string, size = 11, bold = false): number {
  let em = 0;
  for (const c of text) {
    if (c >= 'A' && c <= 'Z') em += c === 'I' ? 0.32 : c === 'M' || c === 'W' ? 0.88 : 0.7;
    else if (c >= 'a' && c <= 'z') em += 'ijlft'.includes(c) ? 0.34 : c === 'm' || c === 'w' ? 0.88 : 0.6;
    else if (c >= '0' && c <= '9') em += 0.64;
    else if (c === ' ') em += 0.32;
    else if (c === '_') em += 0.52;
    else if ("[](),.:;'|".includes(c)) em += 0.33;
    else em += 0.62;
  }
  return Math.ceil(em * size * (bold ? 1.08 : 1));
}
