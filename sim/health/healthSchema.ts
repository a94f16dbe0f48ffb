import { z } from 'zod';
import { HEALTH_VERDICTS } from './health.ts';

/** summary.json's `health`, documented field by field (part of docs/summary.schema.json). */

const count = (what: string) => z.number().int().min(0).describe(what);
const share = (what: string) => z.number().min(0).max(1).describe(what);
const seconds = (what: string) => z.number().min(0).describe(`${what}, seconds (3 decimals)`);

export const HealthSchema = z
  .strictObject({
    verdict: z
      .enum(HEALTH_VERDICTS)
      .describe(
        'stable: every trigger recovered within maxRecoverySeconds; slow-recovery: every trigger recovered, one later than that; metastable: a trigger ended and the backlog never came back by the end of the run while the offered load is within capacity (a sustaining effect kept it up); overloaded: the offered load is beyond capacity even without faults',
      ),
    maxRecoverySeconds: seconds("the bound on recovery (--max-recovery; default 10 min, the sweeps' probe.bound)"),
    load: z
      .strictObject({
        offeredPerSecond: z
          .number()
          .min(0)
          .describe(
            "requests per second the campaign groups offer with no fault and no wait condition (seq 0 and seq 1 per dial, a pre-dial validation per dial, synthetic records), estimated from the settings' means",
          ),
        capacityPerSecond: z
          .number()
          .min(0)
          .describe(
            "requests per second the external system can serve (concurrency / mean service time), or OCS's pool over a round trip when that is smaller",
          ),
        boundBy: z.enum(['external system', 'connection pool']).describe('which of the two bounds the capacity'),
        steadyBacklog: count(
          "records the scenario's steady error and loss rates keep marked with no trigger (Little's law: offered x failing share x (history-wait-recovery-timeout + history-http-response-timeout), plus two standard deviations of a Poisson count): the noise recovery allows above backlogBefore",
        ),
      })
      .describe('Offered load against capacity: beyond it the verdict is overloaded.'),
    goodput: z
      .strictObject({
        total: share(
          'share of the requests that reached the external system whose answer OCS took (a 200 for a record; an answer in time for a pre-dial validation); null when none reached it',
        ).nullable(),
        work: count('requests that reached the external system'),
        good: count('of those, answers OCS took'),
        windowSeconds: seconds('width of each window over time'),
        windows: z
          .array(
            z.strictObject({
              fromSeconds: seconds('start of the window'),
              work: count('requests that reached the external system in the window'),
              goodput: share(
                "share of them whose answer OCS took (capped at 1: an answer can fall in the window after its request's); null without work",
              ).nullable(),
            }),
          )
          .describe('goodput over time'),
      })
      .describe("Goodput: the share of the external system's work that ended in an answer OCS took."),
    triggers: z
      .array(
        z.strictObject({
          kind: z.enum(['campaign start', 'network outage', 'external-system outage', 'OCS restart']).describe('what pushed the backlog up'),
          what: z.string().describe("the campaign group, the outage's kind or status, the restart's time down"),
          fromSeconds: seconds('when the trigger began'),
          untilSeconds: seconds('when it ended (a campaign start is an instant)'),
          backlogBefore: count(
            'backlog (records marked for re-submission + requests waiting for a pooled connection + requests queued at the external system) just before the trigger: what recovery returns to',
          ),
          peakBacklog: count("highest backlog from the trigger's start until it recovered, or the run ended"),
          recoverySeconds: seconds(
            "from the trigger's end until the backlog is back at or below backlogBefore + load.steadyBacklog (sampled every second); null: never by the end of the run, or the trigger outlasted the run",
          ).nullable(),
          ended: z.boolean().describe('false when the trigger had not ended when the run did'),
        }),
      )
      .describe("The scenario's triggers in time order: campaign starts, outages, OCS restarts."),
    worstRecoverySeconds: seconds('the longest recovery of a trigger that ended; null when one never recovered; 0 without triggers').nullable(),
    mechanism: z.array(z.string()).describe("why, in the words of the OCS options with the run's figures: the trigger, the sustaining effect, the goodput"),
  })
  .describe('The health verdict of the run (README: "Health: stable, slow recovery, metastable, overloaded").');
