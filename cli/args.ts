import { InvalidArgumentError } from 'commander';
import { BadInput } from '../io/inputErrors.ts';

/** The largest whole number a seed (or any count) can be and still be written and read back exactly: 2^53 - 1. */
export const LARGEST_EXACT = Number.MAX_SAFE_INTEGER;

/** A command-line option that takes a whole number of at least `min` (and at most 2^53 - 1); anything else is bad input naming the value. */
export function wholeNumber(min: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`got ${JSON.stringify(value)}; expected a whole number >= ${min}`);
    if (!Number.isSafeInteger(Number(value)))
      throw new InvalidArgumentError(
        `got ${JSON.stringify(value)}; expected a whole number from ${min} to ${LARGEST_EXACT} (2^53 - 1: larger numbers are rounded, so the run could not be replayed)`,
      );
    return Number(value);
  };
}

/** A command-line option that takes a whole number, negative too (fast-check seeds are 32-bit). */
export function integer(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`got ${JSON.stringify(value)}; expected a whole number, e.g. -677359523`);
  const n = Number(value);
  if (n < -(2 ** 31) || n >= 2 ** 31)
    throw new InvalidArgumentError(`got ${JSON.stringify(value)}; expected a whole number from ${-(2 ** 31)} to ${2 ** 31 - 1} (a fast-check seed is 32 bits)`);
  return n;
}

/** A command that ends with a verdict, not a failure: the CLI exits with this code having said why. */
export class ExitWith extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
  }
}

/** A command-line option that takes a duration with a unit (250ms, 30s, 10m, 1h30m), in ms; a bare number is refused with how to write it. */
export function durationArg(value: string): number {
  const parts = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/.test(value) ? [...value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)] : null;
  if (parts === null) {
    const bare = /^\d+(?:\.\d+)?$/.test(value) ? ` (a bare number has no unit: write ${value}s for seconds or ${value}m for minutes)` : '';
    throw new InvalidArgumentError(`got ${JSON.stringify(value)}; expected a duration with a unit (ms, s, m or h), e.g. 10m, 600s, 1h30m${bare}`);
  }
  return parts.reduce((ms, [, amount, unit]) => ms + Number(amount) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h'], 0);
}

/**
 * An option's parser from a function that refuses bad input with BadInput
 * (as the layers below the CLI do): commander then names the option and the
 * value in its message, as for its own parsers.
 */
export function optionParser<T>(parse: (value: string) => T): (value: string) => T {
  return (value) => {
    try {
      return parse(value);
    } catch (error) {
      if (error instanceof BadInput) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}
