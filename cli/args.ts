import { InvalidArgumentError } from 'commander';

/** A command-line option that takes a whole number of at least `min`; anything else is bad input naming the value. */
export function wholeNumber(min: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`got ${JSON.stringify(value)}; expected a whole number >= ${min}`);
    return Number(value);
  };
}

/** A command-line option that takes a whole number, negative too (fast-check seeds are). */
export function integer(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`got ${JSON.stringify(value)}; expected a whole number, e.g. -677359523`);
  return Number(value);
}
