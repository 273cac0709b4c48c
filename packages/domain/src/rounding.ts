/**
 * Exact rounding of integer ratios, half away from zero (contract §5).
 *
 * Every ratio the product shows is a quotient of two integers (cents or counts), so it is
 * rounded on the integers themselves: no binary floating point error can turn 0.12345 into
 * 0.1234. BigInt is used only when the scaled numerator leaves the safe-integer range.
 */
const SCALE = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000] as const;

/** `num / den` rounded to `decimals` places, half away from zero; `null` when `den` is 0. */
export function roundedRatio(num: number, den: number, decimals = 4): number | null {
  if (den === 0) return null;
  const scale = SCALE[decimals];
  if (scale === undefined) throw new RangeError(`decimals must be 0..6, got ${decimals}`);
  const negative = num < 0 !== den < 0 && num !== 0;
  const n = Math.abs(num) * scale;
  const d = Math.abs(den);
  let q: number;
  if (Number.isSafeInteger(n)) {
    q = Math.floor(n / d);
    const r = n - q * d;
    if (2 * r >= d) q += 1;
  } else {
    const bn = BigInt(Math.abs(num)) * BigInt(scale);
    const bd = BigInt(d);
    let bq = bn / bd;
    if (2n * (bn - bq * bd) >= bd) bq += 1n;
    q = Number(bq);
  }
  const value = q / scale;
  // A negative ratio that rounds to zero is 0, not -0 (which would not survive a JSON round trip).
  return negative && value !== 0 ? -value : value;
}

/** `num / den` unrounded, for threshold comparisons; `null` when `den` is 0. */
export function ratio(num: number, den: number): number | null {
  return den === 0 ? null : num / den;
}
