import { roundsText } from '../sweep/adaptiveSweep.ts';
import { cellLabel, conditionsOf } from '../sweep/plan.ts';
import { fmtStat, meets, objectiveText, RULE, short } from '../sweep/recommend.ts';
import { esc, int } from './format.ts';
import { chart, pageStart, table } from './page.ts';
import { decisionsText, standingMark, type GridCell, type MetricView, type SweepReportData } from './sweepData.ts';

/**
 * The sweep report as one self-contained HTML page (inline CSS and SVG, no
 * script, nothing fetched): the recommendation with its evidence, the
 * objectives' region, every charted metric across the swept options with
 * its confidence intervals, and every cell in a table.
 */

export interface RenderedSweepCharts {
  region: string;
  /** An adaptive sweep's replications per cell; null in a fixed sweep. */
  replications: string | null;
  /** One per charted metric, in SweepReportData.metrics order. */
  metrics: string[];
}

const SWEEP_CSS = `
.verdict { border: 1px solid var(--line); border-left: 4px solid var(--good); border-radius: 8px; padding: 10px 14px; margin: 10px 0 14px; }
.verdict.none { border-left-color: var(--bad); }
.verdict h3 { margin: 0 0 6px; }
td.yes { color: var(--good); font-weight: 700; } td.no { color: var(--bad); font-weight: 700; }
tr.recommended td { background: #eaf5e8; } tr.runner-up td { background: #f4faf2; }
.wide { overflow-x: auto; } .wide table { width: auto; } .wide td, .wide th { white-space: nowrap; font-size: 12px; }
`;

/** Text with `code` spans, as HTML. */
const withCode = (text: string) => esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');

function evidence(cell: GridCell, d: SweepReportData): string {
  const { objectives } = d.input.plan.sweep;
  const rows = objectives.map((o) => {
    const s = cell.stats[o.metric];
    const ok = meets(o, s);
    return [`<code>${esc(o.metric)}</code>`, esc(fmtStat(s)), `${esc(short(s.min))} .. ${esc(short(s.max))}`, esc(objectiveText(o)), ok ? 'yes' : 'no'];
  });
  for (const view of d.metrics.filter((m) => m.goal !== null && m.objectives.length === 0)) {
    const s = cell.stats[view.metric];
    rows.push([`<code>${esc(view.metric)}</code>`, esc(fmtStat(s)), `${esc(short(s.min))} .. ${esc(short(s.max))}`, `goal: ${view.goal}`, '']);
  }
  const body = rows.map(
    (r) =>
      `<tr>${r.map((c, i) => (i === 4 ? `<td class="${c}">${c}</td>` : i === 1 || i === 2 ? `<td class="num">${c}</td>` : `<td>${c}</td>`)).join('')}</tr>`,
  );
  return `<table><thead><tr><th>metric</th><th class="num">mean [95% CI]</th><th class="num">min .. max</th><th>objective</th><th>met</th></tr></thead><tbody>${body.join('')}</tbody></table>`;
}

function metricCaption(view: MetricView, d: SweepReportData): string {
  const objective = view.objectives.map((o) => `<code>${esc(objectiveText(o))}</code>`).join(', ');
  const grid = d.columns.title !== '';
  const limit = grid ? 'cells failing it have a dashed red frame' : 'the dashed red line is its limit';
  const roles = [objective ? `objective ${objective}; ${limit}` : '', view.goal ? `goal: ${view.goal}` : ''].filter(Boolean).join('; ');
  const how = grid
    ? 'colour and first line: the mean over the replications; second line: its 95% confidence interval'
    : 'points: the mean over the replications; bars: its 95% confidence interval';
  return `${esc(view.description)}. ${how}${roles ? `; ${roles}` : ''}.`;
}

export function renderSweepHtml(d: SweepReportData, charts: RenderedSweepCharts): string {
  const { plan, recommendation: rec } = d.input;
  const sweep = plan.sweep;
  const base = d.input.cells[0]?.cell.scenario;
  const out: string[] = [];
  out.push(
    ...pageStart({
      title: `${sweep.name} · ocs-sim sweep report`,
      kicker: `ocs-sim sweep report${plan.quick ? ' · QUICK smoke version: not for decisions' : ''}`,
      heading: sweep.name,
      description: sweep.description,
      chips: [
        ...(d.adaptive
          ? [
              `${int(plan.cells.length)} cells × ${d.adaptive.min}..${d.adaptive.max} seeds, adaptive (${plan.seeds[0]}..${plan.seeds.at(-1)}, common to every cell)`,
              `${int(d.adaptive.runsUsed)} of the full grid's ${int(d.adaptive.fullGrid)} runs in ${roundsText(d.adaptive.rounds)}, each with its fault-free twin`,
            ]
          : [
              `${int(plan.cells.length)} cells × ${plan.seeds.length} seeds (${plan.seeds[0]}..${plan.seeds.at(-1)}, common to every cell)`,
              `${int(plan.runs.length)} runs, each with its fault-free twin`,
            ]),
        ...(base ? [`base scenario: ${esc(base.name)}, dials for ${esc(base.duration)}`] : []),
        ...sweep.vary.map((v) => `<code>${esc(v.key)}</code> ${esc(v.values.join(', '))}`),
      ],
      css: SWEEP_CSS,
    }),
  );
  const replicationsLink = d.adaptive ? '<a href="#replications">Replications</a>' : '';
  out.push(
    `<nav class="toc"><a href="#recommendation">Recommendation</a><a href="#region">Objectives' region</a>${replicationsLink}<a href="#metrics">Metrics</a><a href="#cells">All cells</a><a href="#method">Method</a></nav>`,
  );

  // Recommendation
  out.push('<section id="recommendation"><h2>Recommendation</h2>');
  out.push(`<p class="lead">Objectives: ${d.objectives.map((o) => `<code>${esc(o)}</code>`).join(', ')}. Goal: ${d.goals.map(esc).join(', then ')}.</p>`);
  if (plan.notes.length > 0)
    out.push(`<div class="verdict none"><h3>Note</h3><ul class="story">${plan.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></div>`);
  if (d.best) {
    // With conditions the choice is a setting, shown by the figures of its worst condition.
    const title = (choice: { options: Record<string, unknown> } | null, cell: GridCell) => (rec.conditions && choice ? cellLabel(choice.options) : cell.label);
    const worst = (cell: GridCell) =>
      rec.conditions
        ? `<p class="lead">Meets every objective under every condition (${esc(rec.conditions.text)}); the figures are those of its worst condition for the goal: ${esc(cellLabel(conditionsOf(sweep, cell.options)))}.</p>`
        : '';
    out.push(`<div class="verdict"><h3>★ Recommended: ${esc(title(rec.best, d.best))}</h3>${worst(d.best)}${evidence(d.best, d)}</div>`);
    if (d.runnerUp) {
      out.push(`<div class="verdict"><h3>☆ Runner-up: ${esc(title(rec.runnerUp, d.runnerUp))}</h3>${evidence(d.runnerUp, d)}`);
      const diffs = rec.pairedGoalDifferences.map(({ metric, difference: s }) => {
        const verdict =
          s.ciLow > 0 || s.ciHigh < 0
            ? 'a real difference at 95%'
            : s.min === 0 && s.max === 0
              ? 'identical in every replication'
              : 'not distinguishable at 95%';
        return `<li><code>${esc(metric)}</code>: ${esc(short(s.mean))} (95% CI ${esc(short(s.ciLow))} .. ${esc(short(s.ciHigh))}): ${verdict}</li>`;
      });
      out.push(`<p>Recommended − runner-up, paired by seed:</p><ul class="story">${diffs.join('')}</ul></div>`);
    } else out.push('<p class="lead">No runner-up: no other cell meets every objective.</p>');
  } else {
    out.push('<div class="verdict none"><h3>No setting meets every objective</h3><ul class="story">');
    for (const b of rec.binding) {
      const closest = d.cells.find((c) => c.index === b.closest.cell)!;
      out.push(
        `<li>Binding: <code>${esc(b.objective)}</code>, met by ${b.cellsMeetingIt} of ${d.cells.length} cells; dropping it alone would let ${b.cellsQualifyingWithoutIt} cell(s) qualify. Closest: ${esc(closest.label)}, judged value ${esc(short(b.closest.judged))}.</li>`,
      );
    }
    out.push('</ul></div>');
  }
  if (rec.conditions) out.push(conditionsSection(rec.conditions));
  out.push('</section>');

  // Region
  out.push('<section id="region"><h2>Objectives\' region</h2>');
  out.push(
    chart(
      'chart-region',
      'Which settings meet every objective',
      `each cell of the sweep, green when it meets every objective on its 95% confidence interval (framed), grey with the objectives it fails otherwise; ★ the recommended setting, ☆ the runner-up.`,
      charts.region,
    ),
  );
  out.push('</section>');

  if (d.adaptive && charts.replications !== null) {
    out.push('<section id="replications"><h2>Replications per cell</h2>');
    out.push(
      `<p class="lead">${int(d.adaptive.runsUsed)} of the full grid's ${int(d.adaptive.fullGrid)} runs (${((100 * d.adaptive.runsUsed) / d.adaptive.fullGrid).toFixed(1)}%): ` +
        `every cell started with ${d.adaptive.min} seeds and got one more per round while a decision about it was open, up to ${d.adaptive.max}.</p>`,
    );
    out.push(
      chart(
        'chart-replications',
        'Replications each cell got, and why it stopped',
        'colour and first line: the replications; second line: <i>failed</i> an objective failed decisively, <i>worse goal</i> decisively worse than the recommended cell (or identical and later in the sweep order), ' +
          '<i>decided</i> every objective and comparison decided, <i>at max</i> still open at the maximum; then how many objectives it left undecided (named in the table of all cells). Green frames: cells meeting every objective.',
        charts.replications,
      ),
    );
    out.push('</section>');
  }

  // Metrics
  out.push('<section id="metrics"><h2>Each metric across the swept options</h2>');
  out.push(
    '<p class="lead">Green frames mark the objectives\' region (cells meeting every objective), ★ the recommended setting, ☆ the runner-up. Every metric of every cell, with min and max, is in <code>cells.csv</code>.</p>',
  );
  d.metrics.forEach((view, i) => {
    const svg = charts.metrics[i];
    if (svg !== undefined) out.push(chart(`chart-metric-${view.metric}`, view.metric, metricCaption(view, d), svg));
  });
  out.push('</section>');

  // All cells
  out.push('<section id="cells"><h2>All cells</h2>');
  const shown = d.metrics.filter((m) => m.objectives.length > 0 || m.goal !== null);
  const runs = d.adaptive ? ['runs'] : [];
  const head = [...sweep.vary.map((v) => v.key), ...runs, ...shown.map((m) => m.metric), 'verdict', ...(d.adaptive ? ['decisions'] : [])];
  const rows = d.cells.map((c) => {
    const options = sweep.vary.map((v) => esc(String(c.options[v.key])));
    const verdict =
      c.standing === 'fails'
        ? `fails ${esc(c.failedMetrics.join(', '))}`
        : `${standingMark(c.standing)} ${c.standing === 'qualifies' ? 'meets all' : c.standing}`;
    const [n, decided] = c.decisions ? [[String(c.decisions.replications)], [esc(decisionsText(c.decisions))]] : [[], []];
    return { standing: c.standing, cells: [...options, ...n, ...shown.map((m) => esc(fmtStat(c.stats[m.metric]))), verdict, ...decided] };
  });
  const numeric = [...runs, ...shown].map((_, i) => sweep.vary.length + i);
  const adaptiveNote = d.adaptive
    ? ' Adaptive: the replications each cell got, why it stopped, and the objectives it left undecided (an undecided objective counts against the cell).'
    : '';
  out.push(`<p class="lead">Mean [95% CI] of every objective and goal metric; the objectives each failing cell misses.${adaptiveNote}</p>`);
  out.push(
    `<div class="wide">${table(
      head,
      rows.map((r) => r.cells),
      numeric,
      (i) => (rows[i].standing === 'recommended' || rows[i].standing === 'runner-up' ? rows[i].standing : null),
    )}</div>`,
  );
  out.push('</section>');

  // Method
  out.push('<section id="method"><h2>Method</h2><ul class="story">');
  out.push(`<li>${withCode(RULE)}</li>`);
  if (d.adaptive) out.push(`<li>${withCode(d.adaptive.guarantee)}</li>`);
  out.push(
    `<li>Every cell runs the same seeds (common random numbers), so cells compare pairwise; every run is paired with its fault-free twin (same scenario and seed, no outages, losses or error responses), which <code>dialRateLost</code> is measured against.</li>`,
  );
  out.push(`<li>Recovered: dialing and the backlog back within ${esc(sweep.probe.bound)} of the last outage's end.</li>`);
  out.push(
    '<li>Files next to this one: <code>sweep.yaml</code> (the sweep as run), <code>results.jsonl</code> (one line per run), <code>cells.csv</code> (every metric of every cell), <code>recommendation.md</code> and <code>.json</code>, <code>report.md</code>.</li>',
  );
  out.push('</ul></section>');
  out.push(
    '<footer><p>Same sweep file, same bytes: the report depends on the results, not on how many workers ran them or in what order they finished.</p></footer>',
  );
  out.push('</main></body></html>', '');
  return out.join('\n');
}

/** Every setting under every condition: ✓ where it meets every objective, the objectives it fails where a condition breaks it. */
function conditionsSection(c: NonNullable<SweepReportData['input']['recommendation']['conditions']>): string {
  const conditions = [...new Set(c.breaks.map((b) => b.condition))];
  const settings = [...new Set(c.breaks.map((b) => b.setting))];
  const cell = (s: string, cond: string) => {
    const b = c.breaks.find((x) => x.setting === s && x.condition === cond);
    if (b === undefined) return '<td></td>';
    return b.failed.length === 0 ? '<td class="ok">✓</td>' : `<td class="bad">✗ ${b.failed.map(esc).join('<br>')}</td>`;
  };
  return [
    `<h3 id="conditions">Where each condition breaks a setting</h3>`,
    `<p class="lead">Conditions are not choices (${esc(c.text)}): a setting is recommended only when it meets every objective under each of them.</p>`,
    `<table class="cells"><thead><tr><th>setting</th>${conditions.map((x) => `<th>${esc(x)}</th>`).join('')}</tr></thead><tbody>`,
    ...settings.map((s) => `<tr><td>${esc(s)}</td>${conditions.map((x) => cell(s, x)).join('')}</tr>`),
    '</tbody></table>',
  ].join('\n');
}
