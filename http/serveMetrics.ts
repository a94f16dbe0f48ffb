import type { ExternalSystemStats } from '../sim/world/externalSystem.ts';

/**
 * `GET /metrics` of `ocs-sim serve`, in the Prometheus text format: requests
 * by path and status, what the external-system model stored, its service
 * and queue, whether an outage is in force, and how long requests took from
 * arrival to answer.
 */
const BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class ServeMetrics {
  private readonly requests = new Map<string, number>();
  private readonly buckets = new Array<number>(BUCKETS_SECONDS.length).fill(0);
  private count = 0;
  private sum = 0;
  /** Requests held on purpose (hang, request loss, response loss): never answered. */
  held = 0;
  badRequests = 0;

  answered(path: string, status: number, seconds: number): void {
    const key = `${path}\u0000${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    this.count++;
    this.sum += seconds;
    for (let i = 0; i < BUCKETS_SECONDS.length; i++) if (seconds <= BUCKETS_SECONDS[i]) this.buckets[i]++;
  }

  text(stats: ExternalSystemStats, level: { inService: number; queued: number; outageStatus: number | null; attempts: number }): string {
    const lines: string[] = [];
    const metric = (name: string, type: 'counter' | 'gauge' | 'histogram', help: string) => lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    metric('ocs_sim_serve_requests_total', 'counter', 'Requests answered, by path and HTTP status.');
    for (const [key, n] of [...this.requests].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const [path, status] = key.split('\u0000');
      lines.push(`ocs_sim_serve_requests_total{path=${JSON.stringify(path)},status="${status}"} ${n}`);
    }
    const singles: Array<[string, 'counter' | 'gauge', string, number]> = [
      ['ocs_sim_serve_bad_requests_total', 'counter', 'Requests refused as malformed (400) or too large (413).', this.badRequests],
      ['ocs_sim_serve_stored_total', 'counter', 'Call report records stored (duplicates included).', stats.stored],
      ['ocs_sim_serve_duplicates_total', 'counter', 'Stores of a (GUID, seq) already held.', stats.duplicates],
      ['ocs_sim_serve_stale_overwrites_total', 'counter', 'seq 0 stored over a seq 1 (last-write-wins only).', stats.staleOverwrites],
      [
        'ocs_sim_serve_rejected_over_capacity_total',
        'counter',
        'Requests answered 409 past the concurrency limit (overflow: reject).',
        stats.rejectedOverCapacity,
      ],
      ['ocs_sim_serve_held_total', 'counter', 'Requests never answered on purpose (a refused connection reset, hang, request loss, response loss).', this.held],
      ['ocs_sim_serve_attempts', 'gauge', 'Call attempts with a stored row.', level.attempts],
      ['ocs_sim_serve_in_service', 'gauge', 'Requests being served (at most the concurrency).', level.inService],
      ['ocs_sim_serve_queued', 'gauge', 'Requests queued past the concurrency limit.', level.queued],
      ['ocs_sim_serve_outage_active', 'gauge', 'The status of the outage in force (0: none).', level.outageStatus ?? 0],
    ];
    for (const [name, type, help, value] of singles) {
      metric(name, type, help);
      lines.push(`${name} ${value}`);
    }
    metric('ocs_sim_serve_request_duration_seconds', 'histogram', 'From arrival to answer, answered requests.');
    for (const [i, le] of BUCKETS_SECONDS.entries()) lines.push(`ocs_sim_serve_request_duration_seconds_bucket{le="${le}"} ${this.buckets[i]}`);
    lines.push(`ocs_sim_serve_request_duration_seconds_bucket{le="+Inf"} ${this.count}`);
    lines.push(`ocs_sim_serve_request_duration_seconds_sum ${this.sum}`, `ocs_sim_serve_request_duration_seconds_count ${this.count}`);
    return `${lines.join('\n')}\n`;
  }
}
