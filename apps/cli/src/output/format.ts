/** How numbers look in the human-readable output. */
export function money(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

export function percent(ratio: number | null): string {
  return ratio === null ? '-' : `${(ratio * 100).toFixed(2)}%`;
}

export function signedPercent(ratio: number | null): string {
  return ratio === null ? '-' : `${ratio > 0 ? '+' : ''}${(ratio * 100).toFixed(2)}%`;
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}
