import type { Command } from 'commander';

/**
 * The commands: what `ocs-sim --help` says of each, and the module that
 * defines it. A command's module is loaded only when that command runs or
 * its own help is asked for, so `--help` and `run` do not pay for the chart
 * library, the HTTP client, the property checker or the worker pool.
 */
type Define = (cli: Command) => void;

interface Entry {
  /** Its arguments, as its definition declares them (for the list in `ocs-sim --help`). */
  readonly arguments: string;
  readonly summary: string;
  readonly define: () => Promise<Define>;
}

export const COMMANDS = {
  run: {
    arguments: '[scenario]',
    summary: 'run a scenario (default: the built-in scenarios/default.yaml) and write trace.jsonl, ocs.log, summary.json',
    define: async () => (await import('./fileCommands.ts')).addRunCommand,
  },
  report: {
    arguments: '<dir>',
    summary: 'write report.html and report.md for an earlier run or sweep, next to its files (a sweep: cells.csv and the recommendation too)',
    define: async () => (await import('./fileCommands.ts')).addReportCommand,
  },
  schema: {
    arguments: '',
    summary: 'write the JSON Schema of scenario files (for editors), or with --summary that of summary.json, with --sweep that of sweep files',
    define: async () => (await import('./fileCommands.ts')).addSchemaCommand,
  },
  sweep: {
    arguments: '<file>',
    summary: 'run a sweep over OCS options and seeds in parallel; write results.jsonl, cells.csv, a recommendation and report.html',
    define: async () => (await import('./sweepCommand.ts')).addSweepCommand,
  },
  boundary: {
    arguments: '<file>',
    summary: 'bisect one numeric option of a sweep file to where an objective flips; print the interval',
    define: async () => (await import('./boundaryCommand.ts')).addBoundaryCommand,
  },
  check: {
    arguments: '[scenario]',
    summary:
      'check every invariant of the model and the health of the settings on a scenario over many seeds (its faults as written, or generated ones); exit 1 with a replay line on a violation',
    define: async () => (await import('./checkCommand.ts')).addCheckCommand,
  },
  serve: {
    arguments: '[scenario]',
    summary: "serve the scenario's external system over real HTTP, its faults applied to real requests (a target for a real OCS or ocs-sim drive)",
    define: async () => (await import('./serveCommand.ts')).addServeCommand,
  },
  drive: {
    arguments: '<scenario>',
    summary:
      'play the OCS model against a real external system over HTTP: a conformance verdict (conformance.md) and its measured figures for sweeps (calibration.yaml)',
    define: async () => (await import('./driveCommand.ts')).addDriveCommand,
  },
  proxy: {
    arguments: '[scenario]',
    summary:
      "stand between a real OCS and a real external system: forward every record unchanged, inject the scenario's network faults, and judge both sides (verdict.json, conformance.json)",
    define: async () => (await import('./proxyCommand.ts')).addProxyCommand,
  },
  worker: {
    arguments: '',
    summary: 'take runs of sweeps started with `ocs-sim sweep --queue` from Redis and run them, until SIGTERM or SIGINT',
    define: async () => (await import('./workerCommand.ts')).addWorkerCommand,
  },
} satisfies Record<string, Entry>;

export type CommandName = keyof typeof COMMANDS;

export function summaryOf(name: CommandName): string {
  return COMMANDS[name].summary;
}

/**
 * Adds every command to `cli`: the one `argv` invokes in full (its module
 * loaded), the others as their name and summary, which is all `--help` and
 * a mistyped command's suggestion need.
 */
export async function addCommands(cli: Command, argv: readonly string[]): Promise<void> {
  const words = argv.filter((a) => !a.startsWith('-'));
  const invoked = words[0] === 'help' ? words[1] : words[0];
  for (const [name, entry] of Object.entries(COMMANDS) as Array<[CommandName, Entry]>) {
    if (name === invoked) (await entry.define())(cli);
    else cli.command(`${name}${entry.arguments === '' ? '' : ` ${entry.arguments}`}`).description(entry.summary);
  }
}
