import { describe, expect, it } from 'vitest';
import { ratio, roundedRatio } from './rounding.js';

/** Reference: exact half-away-from-zero rounding of num/den to `decimals`, as a decimal string. */
function referenceRound(num: bigint, den: bigint, decimals: number): string {
  const negative = num < 0n !== den < 0n && num !== 0n;
  const n = (num < 0n ? -num : num) * 10n ** BigInt(decimals);
  const d = den < 0n ? -den : den;
  let q = n / d;
  if (2n * (n - q * d) >= d) q += 1n;
  if (q === 0n) return '0';
  const digits = q.toString().padStart(decimals + 1, '0');
  const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return (negative ? '-' : '') + text;
}

describe('roundedRatio', () => {
  it('returns null when the denominator is 0', () => {
    expect(roundedRatio(5, 0)).toBeNull();
    expect(roundedRatio(0, 0)).toBeNull();
  });

  it('returns 0 for a zero numerator', () => {
    expect(roundedRatio(0, 7)).toBe(0);
    expect(roundedRatio(0, -7)).toBe(0);
  });

  it('keeps exact 4-decimal values', () => {
    expect(roundedRatio(1, 8)).toBe(0.125);
    expect(roundedRatio(-1, 8)).toBe(-0.125);
    expect(roundedRatio(1, 4)).toBe(0.25);
    expect(roundedRatio(3, 3)).toBe(1);
  });

  it('rounds a half up, away from zero (1/20000 = 0.00005 -> 0.0001)', () => {
    expect(roundedRatio(1, 20_000)).toBe(0.0001);
  });

  it('rounds a negative half away from zero (-0.00005 -> -0.0001), whichever side carries the sign', () => {
    expect(roundedRatio(-1, 20_000)).toBe(-0.0001);
    expect(roundedRatio(1, -20_000)).toBe(-0.0001);
    expect(roundedRatio(-1, -20_000)).toBe(0.0001);
  });

  it('rounds just below a half down', () => {
    expect(roundedRatio(4_999, 100_000_000)).toBe(0); // 0.00004999
    expect(roundedRatio(-4_999, 100_000_000)).toBe(0);
  });

  it('never returns -0 for a negative value that rounds to zero', () => {
    expect(Object.is(roundedRatio(-1, 1_000_000), 0)).toBe(true);
    expect(Object.is(roundedRatio(1, -3, 0), 0)).toBe(true);
  });

  it('rounds exactly where binary floating point would not (0.12345 -> 0.1235)', () => {
    expect(roundedRatio(12_345, 100_000)).toBe(0.1235);
    expect(roundedRatio(-12_345, 100_000)).toBe(-0.1235);
    expect(roundedRatio(1_005, 1_000_000)).toBe(0.001); // 0.001005 -> 0.001
    expect(roundedRatio(10_005, 100_000_000)).toBe(0.0001); // 0.00010005 -> 0.0001
  });

  it('rounds repeating fractions', () => {
    expect(roundedRatio(1, 3)).toBe(0.3333);
    expect(roundedRatio(2, 3)).toBe(0.6667);
    expect(roundedRatio(-2, 3)).toBe(-0.6667);
    expect(roundedRatio(39_999, 200_000)).toBe(0.2); // 0.199995
    expect(roundedRatio(9_999, 100_000)).toBe(0.1); // 0.09999
  });

  it('rounds to whole numbers with decimals = 0, halves away from zero', () => {
    expect(roundedRatio(5, 2, 0)).toBe(3);
    expect(roundedRatio(-5, 2, 0)).toBe(-3);
    expect(roundedRatio(7, 2, 0)).toBe(4);
    expect(roundedRatio(1001, 2, 0)).toBe(501);
    expect(roundedRatio(1000, 3, 0)).toBe(333);
    expect(roundedRatio(-1000, 3, 0)).toBe(-333);
  });

  it('supports other precisions and rejects unsupported ones', () => {
    expect(roundedRatio(1, 3, 2)).toBe(0.33);
    expect(roundedRatio(1, 3, 6)).toBe(0.333333);
    expect(() => roundedRatio(1, 3, 7)).toThrow(RangeError);
    expect(() => roundedRatio(1, 3, -1)).toThrow(RangeError);
  });

  it('handles numerators whose scaled value leaves the safe-integer range (BigInt path)', () => {
    // (1e15 + 1) / 20000 = 50_000_000_000.00005 -> half rounds away from zero
    expect(roundedRatio(1_000_000_000_000_001, 20_000)).toBe(50_000_000_000.0001);
    expect(roundedRatio(-1_000_000_000_000_001, 20_000)).toBe(-50_000_000_000.0001);
    // (4e15 + 1) / 2 = 2_000_000_000_000_000.5 exactly
    expect(roundedRatio(4_000_000_000_000_001, 2)).toBe(2_000_000_000_000_000.5);
    // MAX_SAFE_INTEGER / 20000 = 450_359_962_737.04955: floating point would give ...0495
    expect(roundedRatio(Number.MAX_SAFE_INTEGER, 20_000)).toBe(450_359_962_737.0496);
    expect(roundedRatio(-Number.MAX_SAFE_INTEGER, 20_000)).toBe(-450_359_962_737.0496);
    // MAX_SAFE_INTEGER / 3 = 3_002_399_751_580_330.3333...
    expect(roundedRatio(Number.MAX_SAFE_INTEGER, 3)).toBe(Number(referenceRound(BigInt(Number.MAX_SAFE_INTEGER), 3n, 4)));
    // Number.MAX_SAFE_INTEGER / MAX_SAFE_INTEGER
    expect(roundedRatio(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)).toBe(1);
    expect(roundedRatio(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER)).toBe(-1);
  });

  it('handles the largest safe scaled numerators on the Number path', () => {
    const num = 900_719_925_474; // * 10_000 stays a safe integer
    expect(roundedRatio(num, 7)).toBe(Number(referenceRound(BigInt(num), 7n, 4)));
    expect(roundedRatio(num, 2)).toBe(450_359_962_737);
  });

  it('matches an exact BigInt reference on many deterministic pseudo-random cases', () => {
    let seed = 20_261_101;
    const random = (): number => {
      // mulberry32: a deterministic 32-bit generator, uniform in [0, 1)
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
    };
    for (let i = 0; i < 5_000; i++) {
      const magnitude = [10, 1_000, 1_000_000, 1_000_000_000_000][i % 4]!;
      const num = Math.floor(random() * magnitude) * (random() < 0.5 ? 1 : -1);
      const den = (Math.floor(random() * magnitude) + 1) * (random() < 0.2 ? -1 : 1);
      const decimals = i % 7 === 0 ? 0 : 4;
      expect(roundedRatio(num, den, decimals), `${num}/${den}`).toBe(Number(referenceRound(BigInt(num), BigInt(den), decimals)));
    }
  });
});

describe('ratio', () => {
  it('is the unrounded quotient, null for a zero denominator', () => {
    expect(ratio(1, 3)).toBe(1 / 3);
    expect(ratio(39_999, 200_000)).toBe(0.199995);
    expect(ratio(-5, 2)).toBe(-2.5);
    expect(ratio(1, 0)).toBeNull();
  });
});
