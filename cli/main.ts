// The `ocs-sim` command's entry (bin/ocs-sim.js loads it): the program is in program.ts, importable by tests.
import { main } from './program.ts';

process.exitCode = await main(process.argv.slice(2));
