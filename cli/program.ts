import { Command } from 'commander';
import { ExitWith } from './args.ts';
import { BadInput } from '../io/inputErrors.ts';
import { addCommands } from './commands.ts';
import { ChecksFailed } from './errors.ts';
import { ScenarioError } from '../io/inputErrors.ts';
import { modelVersion } from '../sweep/modelVersion.ts';
import { packageVersion } from '../io/packageRoot.ts';

/** Exit codes: 0 done, 1 the tool failed (or, for check, an invariant did not hold), 2 bad input. */
const BAD_INPUT = 2;

export async function program(argv: readonly string[]): Promise<Command> {
  const cli = new Command('ocs-sim')
    .description('Deterministic simulation of how Genesys OCS submits call report records to an external system')
    // The model's fingerprint hashes its sources: computed only when asked for.
    .version(
      argv.includes('-V') || argv.includes('--version') ? versionText() : packageVersion(),
      '-V, --version',
      'print the version of ocs-sim (CHANGELOG.md says what each changed) and the fingerprint of its model',
    )
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) });

  await addCommands(cli, argv);

  return cli;
}

/** `ocs-sim --version`: the package's version, and the model's fingerprint (what sweeps' --resume compares). */
export function versionText(): string {
  return `ocs-sim ${packageVersion()} (model ${modelVersion()})`;
}

export async function main(argv: string[]): Promise<number> {
  try {
    // Async: reports render charts with vega, which is asynchronous.
    await (await program(argv)).parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof ScenarioError || error instanceof BadInput) {
      process.stderr.write(`${error.message}\n`);
      return BAD_INPUT;
    }
    // The check said what failed and how to replay it.
    if (error instanceof ChecksFailed) return 1;
    if (error instanceof ExitWith) return error.code;
    const e = error as { code?: string; exitCode?: number; message?: string };
    if (typeof e.code === 'string' && e.code.startsWith('commander.')) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return BAD_INPUT;
    }
    process.stderr.write(`ocs-sim: ${e.message ?? String(error)}\n`);
    return 1;
  }
}
