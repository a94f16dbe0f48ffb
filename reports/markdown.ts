import { binLabel } from './charts.ts';
import { healthMarkdown } from './healthSection.ts';
import { duration, int, mdCell, runTime } from './format.ts';
import { machineMermaid } from './machineDiagram.ts';
import { DELIVERY_QUANTILES_NOTE, type ReportData } from './reportData.ts';
import { sequenceMermaid } from './sequenceDiagram.ts';

/**
 * The run report as Markdown: the same facts as report.html in tables, the
 * sample records and machines as Mermaid diagrams (GitHub draws them), the
 * charts left to report.html.
 */

function table(head: string[], rows: (string | number)[][]): string {
  return [`| ${head.map(mdCell).join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(mdCell).join(' | ')} |`)].join('\n');
}

export function renderMarkdown(d: ReportData): string {
  const s = d.input.summary;
  const scenario = d.input.scenario;
  const out: string[] = [];
  out.push(
    `# ${scenario.name}`,
    '',
    `${d.input.madeBy ?? 'ocs-sim run'} report · seed ${s.seed} · starts ${scenario.startTime} · dials for ${scenario.duration} · ended at ${runTime(d.endMs)} · ${int(s.events)} events`,
    '',
  );
  if (scenario.description.trim()) out.push(`> ${scenario.description.trim().replace(/\n/g, ' ')}`, '');
  out.push(
    `Options: ${d.options
      .filter((o) => !o.name.endsWith('-uri'))
      .map((o) => `\`${o.name}\` ${o.value}${o.overrides.length > 0 ? ` (${o.overrides.join('; ')})` : ''}`)
      .join(' · ')}`,
    '',
  );
  out.push('Charts, sample records and machines are drawn in `report.html` next to this file.', '');

  if (d.warnings.length > 0) out.push('## Warnings', '', ...d.warnings.map((w) => `- **${w}**`), '');
  out.push(
    '## Overview',
    '',
    table(
      ['', ''],
      d.headline.map((f) => [f.label, `**${f.value}**${f.note ? ` (${f.note})` : ''}`]),
    ),
    '',
  );
  out.push('### What happened', '', ...d.happened.map((h) => `- ${h}`), '');
  out.push(...healthMarkdown(s.health));

  out.push('## Over time', '');
  const periods = [
    ...d.outages.map((o) => ({
      at: o.fromMs,
      row: [o.where === 'OCS' ? `OCS down: ${o.what}` : `${o.where} outage: ${o.what}`, runTime(o.fromMs), runTime(o.untilMs), duration(o.untilMs - o.fromMs)],
    })),
    ...d.waits.map((w) => ({
      at: w.fromMs,
      row: [`wait condition: ${w.group}`, runTime(w.fromMs), w.open ? 'end of run' : runTime(w.untilMs), duration(w.untilMs - w.fromMs)],
    })),
  ].sort((a, b) => a.at - b.at);
  out.push(
    periods.length === 0
      ? 'No outage and no wait condition.'
      : table(
          ['what', 'from', 'until', 'for'],
          periods.map((p) => p.row),
        ),
    '',
  );
  const responses = Object.entries(s.responses).map(([code, n]) => [code, int(n)]);
  out.push(table(['responses by code', 'count'], [...responses, ['OCS 408 (history-http-response-timeout)', int(s.timeouts)]]), '');
  out.push(
    `Levels and rates over time (marked for re-submission, POSTs in flight, pool, dials, busy agents, responses and race conditions per ${binLabel(d.binMs)}) are charted in report.html. Only failed records count as marked for re-submission (toward history-wait-condition-threshold); records waiting for a pooled connection do not.`,
    '',
  );

  out.push('## Delivery time', '', "From a record's first POST to the 200 OK that confirmed it.", '');
  out.push(
    table(
      ['record', 'confirmed', 'median (bucketed)', '99th percentile (bucketed)', 'slowest'],
      d.deliveryRows.map((r) => [r.seq, int(r.count), duration(r.p50), duration(r.p99), duration(r.max)]),
    ),
    '',
    DELIVERY_QUANTILES_NOTE,
    '',
  );

  out.push('## Sample records', '');
  if (d.samples.length === 0) out.push('No call attempt went through a fault in this run.', '');
  for (const sample of d.samples) {
    out.push(
      `### ${sample.phone ? `Phone ${sample.phone}, ` : ''}attempt \`${sample.guid}\``,
      '',
      `Faults: ${sample.faults.join(', ')}.`,
      '',
      '```mermaid',
      sequenceMermaid(sample, d.startEpochMs),
      '```',
      '',
    );
  }

  out.push('## Machines', '', 'From the XState definitions in `machines/`, with how often this run took each transition.', '');
  for (const m of d.machines) out.push(`### ${m.title} (\`${m.graph.id}\`)`, '', m.note, '', '```mermaid', machineMermaid(m.graph, m.counts), '```', '');

  out.push('## OCS log around each wait condition', '');
  if (d.log.excerpts.length === 0) out.push(`No wait condition was activated in this run (ocs.log has ${int(d.log.lines)} lines).`, '');
  for (const x of d.log.excerpts) {
    out.push(`### Wait condition ${x.title}`, '', '```text');
    let last = -1;
    for (const l of x.lines) {
      if (last !== -1 && l.n !== last + 1) out.push('   ⋮');
      out.push(`${String(l.n).padStart(6)}${l.focus ? ' >' : '  '} ${l.text}`);
      last = l.n;
    }
    out.push('```', '');
  }
  if (d.log.omitted > 0) out.push(`… and ${int(d.log.omitted)} more wait-condition windows: see ocs.log.`, '');

  out.push('## Invariants checked on this run', '');
  const inv = d.input.invariants;
  out.push(
    inv === null
      ? 'Not checked.'
      : table(
          ['', 'claim', 'detail'],
          inv.map((r) => [r.holds ? '✓ holds' : r.expectedToHold ? '✗ FAILS' : "✗ fails, by the scenario's design", r.name, r.detail]),
        ),
    '',
  );

  out.push('## All options in force', '');
  out.push(
    table(
      ['OCS option', 'application level', 'campaign group level'],
      d.options.map((o) => [`\`${o.name}\``, o.value, o.overrides.join('; ') || '—']),
    ),
    '',
  );
  out.push(table(d.groups[0], d.groups.slice(1)), '');
  out.push(table(['network', ''], d.network), '', table(['external system', ''], d.external), '');

  out.push('---', '', `Replay this run: \`${d.replay}\`. Same scenario and seed, same bytes.`, '', ...d.input.provenance.flatMap((p) => [p, '']));
  return out.join('\n');
}
