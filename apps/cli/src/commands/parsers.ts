import { InvalidArgumentError } from 'commander';
import { isBusinessDate } from '@prewarm/domain';

/** A commander parser for a whole number within bounds, with a message naming the option. */
export function wholeNumber(name: string, min: number, max: number): (text: string) => number {
  return (text) => {
    const n = Number(text);
    if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/** A commander parser for a `YYYY-MM-DD` business date. */
export function businessDate(name: string): (text: string) => string {
  return (text) => {
    if (!isBusinessDate(text)) throw new InvalidArgumentError(`${name} must be a date YYYY-MM-DD, got ${JSON.stringify(text)}`);
    return text;
  };
}
