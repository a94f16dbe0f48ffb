import type { Health } from '../sim/health/health.ts';
import { healthHeadline, recoveryWords, triggerWords } from '../sim/health/healthText.ts';
import { esc } from './format.ts';

/**
 * The report's health section: the verdict, the recovery after each trigger,
 * goodput over time as a row of small bars, and the mechanism. A summary.json
 * from before health (schemaVersion 2) has none: nothing is shown.
 */

const TONE: Record<Health['verdict'], string> = { stable: 'good', 'slow-recovery': 'warn', metastable: 'bad', overloaded: 'bad' };

export function healthHtml(h: Health | undefined): string[] {
  if (h === undefined) return [];
  const bars = h.goodput.windows
    .map((w) => {
      const g = w.goodput ?? 0;
      return `<span title="${esc(`from ${w.fromSeconds} s: ${w.goodput === null ? 'no work' : `${Math.round(g * 100)}% of ${w.work}`}`)}" style="display:inline-block;width:6px;margin-right:1px;height:${Math.max(1, Math.round(g * 40))}px;background:${w.goodput === null ? '#ccc' : g < 0.5 ? 'var(--bad, #c0392b)' : 'var(--good, #2e7d32)'}"></span>`;
    })
    .join('');
  return [
    `<section id="health"><h2>Health: ${esc(h.verdict)}</h2>`,
    `<div class="card ${TONE[h.verdict]}"><div class="value">${esc(healthHeadline(h))}</div></div>`,
    '<ul class="story">',
    ...h.triggers.map(
      (t) =>
        `<li>recovery after the ${esc(triggerWords(t))}: <b>${esc(recoveryWords(t))}</b> (backlog ${t.backlogBefore} before, ${t.peakBacklog} at its peak)</li>`,
    ),
    '</ul>',
    `<p class="lead">Goodput over time (each bar ${esc(String(h.goodput.windowSeconds))} s: the share of the requests reaching the external system whose answer OCS took):</p><div style="display:flex;align-items:flex-end;height:42px">${bars}</div>`,
    '<ul class="story">',
    ...h.mechanism.map((m) => `<li>${esc(m)}</li>`),
    '</ul></section>',
  ];
}

export function healthMarkdown(h: Health | undefined): string[] {
  if (h === undefined) return [];
  return [
    `## Health: ${h.verdict}`,
    '',
    healthHeadline(h),
    '',
    ...h.triggers.map(
      (t) => `- recovery after the ${triggerWords(t)}: **${recoveryWords(t)}** (backlog ${t.backlogBefore} before, ${t.peakBacklog} at its peak)`,
    ),
    ...h.mechanism.map((m) => `- ${m}`),
    '',
  ];
}
