import { InvalidArgumentError } from 'commander';

/** A command-line option that takes a whole number of at least `min`; anything else is bad input naming the value. */
export function wholeNumber(min: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`got ${JSON.stringify(value)}; expected a whole number >= ${min}`);
    return Number(value);
  };
}
