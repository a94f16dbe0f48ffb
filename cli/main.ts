// The `ocs-sim` command's entry (bin/ocs-sim.js loads it): the program is in program.ts, importable by tests.
import { main } from './program.ts';

// Output piped into a reader that stops early (`ocs-sim run | head`) is no failure: stop quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2));
