import { binLabel, COLORS, timeUnitMs, timeUnitName } from './charts.ts';
import { clock, duration, esc, int, runTime } from './format.ts';
import { machineDiagramSvg, transitionCount, transitionText } from './machineDiagram.ts';
import { DELIVERY_QUANTILES_NOTE, type ReportData } from './reportData.ts';
import { chart, pageStart, swatch, table } from './page.ts';
import { sequenceSvg } from './sequenceDiagram.ts';
import { healthHtml } from './healthSection.ts';

/**
 * The run report as one self-contained HTML page: inline CSS and SVG, no
 * script, no font or image to fetch, so it opens from disk anywhere and the
 * same run gives the same bytes.
 */

export interface RenderedCharts {
  marked: string;
  pool: string;
  dial: string;
  responses: string;
  races: string;
  delivery: string;
}

export function renderHtml(d: ReportData, charts: RenderedCharts): string {
  const s = d.input.summary;
  const scenario = d.input.scenario;
  const sampled = duration(d.input.sampleEveryMs);
  const bin = binLabel(d.binMs);
  const anyValidation = d.input.model.groups.some((g) => g.options.preDialValidation);
  const out: string[] = [];
  out.push(
    ...pageStart({
      title: `${scenario.name} (seed ${s.seed}) · ${d.input.madeBy ?? 'ocs-sim run'} report`,
      kicker: `${d.input.madeBy ?? 'ocs-sim run'} report`,
      heading: scenario.name,
      description: scenario.description,
      chips: [
        `seed ${s.seed}`,
        `starts ${esc(scenario.startTime)}`,
        `dials for ${esc(scenario.duration)}, drains up to ${esc(scenario.drainLimit)}`,
        `ended at ${runTime(d.endMs)} (${esc(duration(d.endMs))})`,
        `${int(s.events)} events`,
      ],
      extraChips: `<div class="chips options">${d.options
        .filter((o) => !o.name.endsWith('-uri'))
        .map(
          (o) =>
            `<span class="chip"><code>${esc(o.name)}</code> ${esc(o.value)}${o.overrides.length > 0 ? ` <i>(${esc(o.overrides.join('; '))})</i>` : ''}</span>`,
        )
        .join('')}</div>`,
    }),
    '<nav class="toc"><a href="#overview">Overview</a><a href="#health">Health</a><a href="#over-time">Over time</a><a href="#delivery">Delivery time</a><a href="#samples">Sample records</a><a href="#machines">Machines</a><a href="#log">OCS log</a><a href="#invariants">Invariants</a><a href="#options">All options</a></nav>',
  );

  // Overview
  out.push('<section id="overview"><h2>Overview</h2>');
  if (d.warnings.length > 0)
    out.push('<div class="warnings"><h3>Warnings</h3><ul class="story">', ...d.warnings.map((w) => `<li>${esc(w)}</li>`), '</ul></div>');
  out.push('<div class="cards">');
  for (const f of d.headline)
    out.push(
      `<div class="card${f.tone ? ` ${f.tone}` : ''}"><div class="label">${esc(f.label)}</div><div class="value">${esc(f.value)}</div>${f.note ? `<div class="note">${esc(f.note)}</div>` : ''}</div>`,
    );
  out.push('</div><h3>What happened</h3><ul class="story">', ...d.happened.map((h) => `<li>${esc(h)}</li>`), '</ul></section>');
  out.push(...healthHtml(s.health));

  // Over time
  const many = d.input.scenario.campaignGroups.length > 1;
  out.push('<section id="over-time"><h2>Over time</h2>');
  out.push(
    `<p class="lead">All charts share one time axis, in ${timeUnitName(timeUnitMs(d.endMs))} from the start of the run. Levels are sampled every ${esc(sampled)}; counts are per ${esc(bin)}. The dotted line marks the end of dialing (the campaign groups are stopped); after it OCS drains what it keeps.</p>`,
  );
  out.push(
    `<div class="legend">${swatch(COLORS.externalOutage, 0.3, 'external-system outage')}${swatch(COLORS.networkOutage, 0.35, 'network outage')}${d.outages.some((o) => o.where === 'OCS') ? swatch(COLORS.ocsDown, 0.3, 'OCS down (restart)') : ''}${swatch(COLORS.wait, 0.45, many ? "wait condition (dialing suspended; on the marked chart in the group's colour)" : 'wait condition (dialing suspended)')}</div>`,
  );
  out.push(
    chart(
      'chart-marked',
      'Records marked for re-submission',
      `records OCS keeps after a failed POST (409, 408, 418, any other status, or no response within history-http-response-timeout) until a re-submission gets 200 OK. ${many ? 'Each campaign group has its own colour: its records, its dashed threshold, and its wait conditions (a band in its colour, and a bar in its lane at the top); groups with the same threshold share one label.' : "Above the dashed threshold the campaign group's wait condition is active (amber band)."} Records waiting for a pooled connection are not marked: only failed records count toward history-wait-condition-threshold, however many wait in OCS.`,
      charts.marked,
    ),
  );
  out.push(
    chart(
      'chart-pool',
      'POSTs in flight and the connection pool',
      `a POST holds one of the http-connection-pool-size connections from the moment it is written until its response or OCS's timeout; the rest wait for a connection in OCS.`,
      charts.pool,
    ),
  );
  out.push(
    chart(
      'chart-dial',
      'Dial rate and busy agents',
      `dials per ${esc(bin)} (bars) and agents on a call or in after-call work (line). No dial starts during a wait condition; calls already in progress finish.`,
      charts.dial,
    ),
  );
  out.push(
    chart(
      'chart-responses',
      'Responses by code',
      `what OCS received, per ${esc(bin)}, by HTTP status; <i>OCS 408 (timeout)</i> is OCS giving up on a request after history-http-response-timeout.`,
      charts.responses,
    ),
  );
  out.push(
    chart(
      'chart-races',
      'Race conditions',
      `predial checks aborted because the contact's previous call report record was still unconfirmed, per ${esc(bin)}.${anyValidation ? '' : ' <b>pre-dial-validation is off in this run, so no race condition can occur.</b>'}`,
      charts.races,
    ),
  );
  if (d.waits.length > 0 || d.outages.length > 0) {
    out.push('<h3>Outages and wait conditions</h3>');
    const rows = [
      ...d.outages.map((o) => ({
        at: o.fromMs,
        cells: [
          esc(o.where === 'OCS' ? `OCS down: ${o.what}` : `${o.where} outage: ${o.what}`),
          runTime(o.fromMs),
          runTime(o.untilMs),
          esc(duration(o.untilMs - o.fromMs)),
        ],
      })),
      ...d.waits.map((w) => ({
        at: w.fromMs,
        cells: [esc(`wait condition: ${w.group}`), runTime(w.fromMs), w.open ? 'end of run' : runTime(w.untilMs), esc(duration(w.untilMs - w.fromMs))],
      })),
    ].sort((a, b) => a.at - b.at);
    out.push(
      table(
        ['what', 'from', 'until', 'for'],
        rows.map((r) => r.cells),
      ),
    );
  }
  out.push('</section>');

  // Delivery time
  out.push('<section id="delivery"><h2>Delivery time</h2>');
  out.push(
    `<p class="lead">From a record's first POST to the 200 OK that confirmed it, for every record in the trace. seq 0 is posted when the call is dialed, seq 1 when it is finalized.</p>`,
  );
  out.push(
    chart(
      'chart-delivery',
      'Distribution of delivery time',
      'records per logarithmic bin (5 per decade). A record confirmed later than history-http-response-timeout after its first POST failed at least once and was re-submitted.',
      charts.delivery,
    ),
  );
  out.push(
    table(
      ['record', 'confirmed', 'median (bucketed)', '99th percentile (bucketed)', 'slowest'],
      d.deliveryRows.map((r) => [r.seq, int(r.count), esc(duration(r.p50)), esc(duration(r.p99)), esc(duration(r.max))]),
      [1, 2, 3, 4],
    ),
  );
  out.push(`<p class="lead">${esc(DELIVERY_QUANTILES_NOTE)}</p>`);
  out.push('</section>');

  // Samples
  out.push('<section id="samples"><h2>Sample records</h2>');
  if (d.samples.length === 0) out.push('<p class="lead">No call attempt went through a fault in this run.</p>');
  else
    out.push(
      `<p class="lead">A few call attempts that went through faults, one per kind of fault, read from the trace. Rows are events in order (not to scale); <span style="color:${COLORS.seq0}">■</span> seq 0, <span style="color:#9b5f95">■</span> seq 1.</p>`,
    );
  d.samples.forEach((sample, i) => {
    out.push(
      `<div class="sample" id="sample-${i + 1}"><h3>${sample.phone ? `Phone ${esc(sample.phone)}, ` : ''}attempt <code>${esc(sample.guid)}</code></h3><div>${sample.faults.map((f) => `<span class="tag">${esc(f)}</span>`).join('')}</div>`,
      `<figure>${sequenceSvg(sample, d.startEpochMs, `seq${i + 1}`)}</figure></div>`,
    );
  });
  out.push('</section>');

  // Machines
  out.push('<section id="machines" class="machines"><h2>Machines</h2>');
  out.push(
    '<p class="lead">Drawn from the XState definitions in <code>machines/</code>, the specification the simulator runs. Each transition says how often this run took it; dashed grey ones were not taken. Wide diagrams are drawn at full size: scroll them sideways.</p>',
  );
  d.machines.forEach((m, i) => {
    out.push(`<h3>${esc(m.title)} <code style="font-weight:normal">${esc(m.graph.id)}</code></h3><p class="lead">${esc(m.note)}</p>`);
    if (m.tints.length > 0)
      out.push(
        `<div class="legend">${m.tints.map((t) => `<span><span class="swatch" style="background:${t.fill};border:1px solid ${t.stroke}"></span>${esc(t.label)}</span>`).join('')}</div>`,
      );
    out.push(`<figure>${machineDiagramSvg(m.graph, { counts: m.counts, tints: m.tints, idPrefix: `machine${i + 1}` })}</figure>`);
    const rows = m.graph.edges.flatMap((e) =>
      e.transitions.map((t) => [
        `<code>${esc(e.source)}</code>`,
        esc(transitionText(t, null)),
        `<code>${esc(e.target)}</code>`,
        esc(t.actions.join(', ') || '—'),
        int(transitionCount(m.counts, e, t) ?? 0),
      ]),
    );
    out.push(`<details><summary>transitions and their actions</summary>${table(['from', 'event [guard]', 'to', 'actions', 'taken'], rows, [4])}</details>`);
  });
  out.push('</section>');

  // Log
  out.push('<section id="log"><h2>OCS log around each wait condition</h2>');
  if (d.log.excerpts.length === 0) out.push(`<p class="lead">No wait condition was activated in this run (ocs.log has ${int(d.log.lines)} lines).</p>`);
  else
    out.push(
      `<p class="lead">Lines of <code>ocs.log</code> (${int(d.log.lines)} in all) before and after every <i>Wait condition has been activated / cleared</i> line.</p>`,
    );
  for (const x of d.log.excerpts) {
    out.push(`<div class="log"><div class="title">Wait condition ${esc(x.title)}</div><ol>`);
    let last = -1;
    for (const l of x.lines) {
      if (last !== -1 && l.n !== last + 1) out.push('<li class="other">⋮</li>');
      out.push(`<li class="${l.kind}${l.focus ? ' focus' : ''}"><span class="n">${l.n}</span>${esc(l.text)}</li>`);
      last = l.n;
    }
    out.push('</ol></div>');
  }
  if (d.log.omitted > 0) out.push(`<p class="lead">… and ${int(d.log.omitted)} more wait-condition windows: see ocs.log.</p>`);
  out.push('</section>');

  // Invariants
  out.push('<section id="invariants"><h2>Invariants checked on this run</h2>');
  const inv = d.input.invariants;
  if (inv === null) out.push('<p class="lead">Not checked.</p>');
  else {
    const failed = inv.filter((r) => !r.holds && r.expectedToHold).length;
    const meant = inv.filter((r) => !r.holds && !r.expectedToHold).length;
    const verdict =
      failed === 0
        ? `all ${inv.length - meant} that the scenario expects to hold, hold${meant > 0 ? `; ${meant} fail${meant > 1 ? '' : 's'} by the scenario's design` : ''}.`
        : `<b style="color:var(--bad)">${failed} of ${inv.length} do not hold.</b>`;
    out.push(
      `<p class="lead">The checkers of <code>properties/invariants.ts</code>, the same ones the property tests run on generated scenarios, applied to this run's trace, summary and log: ${verdict}</p>`,
    );
    out.push('<table class="inv"><thead><tr><th></th><th>claim</th><th>detail</th></tr></thead><tbody>');
    for (const r of inv) {
      const mark = r.holds
        ? '<td class="ok">✓&nbsp;holds</td>'
        : r.expectedToHold
          ? '<td class="fail">✗&nbsp;fails</td>'
          : '<td class="meant">✗&nbsp;fails, by design</td>';
      out.push(`<tr>${mark}<td>${esc(r.name)}</td><td>${esc(r.detail)}</td></tr>`);
    }
    out.push('</tbody></table>');
  }
  out.push('</section>');

  // Options
  out.push(
    '<section id="options"><h2>All options in force</h2><p class="lead">The effective scenario: every default filled in. Campaign-group values win over the application-level ones [doc].</p>',
  );
  out.push(
    table(
      ['OCS option', 'application level', 'campaign group level'],
      d.options.map((o) => [
        `<code>${esc(o.name)}</code>`,
        esc(o.value),
        o.overrides.length === 0 ? '<span style="color:#98a2ad">—</span>' : o.overrides.map(esc).join('<br>'),
      ]),
    ),
  );
  out.push(
    table(
      d.groups[0],
      d.groups.slice(1).map((r) => r.map(esc)),
      [1, 2, 6, 7, 8, 9, 10],
    ),
  );
  out.push(
    '<div class="grid2"><div><h3>Network</h3>',
    table(
      ['', ''],
      d.network.map(([k, v]) => [esc(k), esc(v)]),
    ),
    '</div><div><h3>External system</h3>',
    table(
      ['', ''],
      d.external.map(([k, v]) => [esc(k), esc(v)]),
    ),
    '</div></div>',
  );
  out.push(`<details><summary>scenario.yaml (replays this run)</summary><pre>${esc(d.input.scenarioYaml)}</pre></details></section>`);

  out.push(
    `<footer><p>Replay this run: <code>${esc(d.replay)}</code>. Same scenario and seed, same bytes.</p>`,
    ...d.input.provenance.map((p) => `<p>${esc(p)}</p>`),
    `<p>Times in sample records are UTC from the scenario's startTime (${esc(clock(d.startEpochMs, 0))} at the start).</p></footer>`,
  );
  out.push('</main></body></html>', '');
  return out.join('\n');
}
