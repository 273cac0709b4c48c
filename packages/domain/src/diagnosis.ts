import { type DateRange, daysBetween, parseBusinessDate, previousRange } from './dates.js';
import { type DailyMetrics, type Totals, type TotalsWithRatios, emptyTotals, mergeTotals, withRatios } from './metrics.js';
import { ratio, roundedRatio } from './rounding.js';
import { type Store, compareCodeUnits } from './store.js';

export const FINDING_CODES = [
  'LOSS_ORDERS_HIGH',
  'MARGIN_LOW',
  'DISCOUNT_HIGH',
  'DELIVERY_COST_HIGH',
  'REFUND_RATE_HIGH',
  'REVENUE_DROP',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];
export type Severity = 'critical' | 'warning';

export interface RuleThresholds {
  warning: number;
  /** `null` for rules with no critical level. */
  critical: number | null;
}
export type DiagnosisThresholds = Record<FindingCode, RuleThresholds>;

/** The default rules of contract §5. */
export const DEFAULT_THRESHOLDS: Readonly<DiagnosisThresholds> = Object.freeze({
  LOSS_ORDERS_HIGH: { warning: 0.1, critical: 0.2 },
  MARGIN_LOW: { warning: 0.15, critical: 0.05 },
  DISCOUNT_HIGH: { warning: 0.3, critical: null },
  DELIVERY_COST_HIGH: { warning: 0.15, critical: null },
  REFUND_RATE_HIGH: { warning: 0.05, critical: 0.1 },
  REVENUE_DROP: { warning: -0.2, critical: -0.4 },
});

type Comparison = 'at_least' | 'below' | 'at_most';

interface Rule {
  code: FindingCode;
  crosses: Comparison;
  /** Numerator and denominator of the value, or `null` when the rule does not apply. */
  fraction(current: Totals, previous: Totals): [number, number] | null;
}

/** How each rule reads a store's totals; "only when" conditions return null. */
const RULES: readonly Rule[] = [
  { code: 'LOSS_ORDERS_HIGH', crosses: 'at_least', fraction: (c) => (c.orders > 0 ? [c.loss_orders, c.orders] : null) },
  { code: 'MARGIN_LOW', crosses: 'below', fraction: (c) => (c.revenue_cents > 0 ? [c.profit_cents, c.revenue_cents] : null) },
  { code: 'DISCOUNT_HIGH', crosses: 'at_least', fraction: (c) => (c.gross_cents > 0 ? [c.discount_cents, c.gross_cents] : null) },
  { code: 'DELIVERY_COST_HIGH', crosses: 'at_least', fraction: (c) => (c.gross_cents > 0 ? [c.delivery_cents, c.gross_cents] : null) },
  {
    code: 'REFUND_RATE_HIGH',
    crosses: 'at_least',
    fraction: (c) => (c.orders + c.refunded > 0 ? [c.refunded, c.orders + c.refunded] : null),
  },
  {
    code: 'REVENUE_DROP',
    crosses: 'at_most',
    fraction: (c, p) => (p.revenue_cents > 0 ? [c.revenue_cents - p.revenue_cents, p.revenue_cents] : null),
  },
];

function crossed(value: number, threshold: number, how: Comparison): boolean {
  if (how === 'at_least') return value >= threshold;
  if (how === 'below') return value < threshold;
  return value <= threshold;
}

export interface Finding {
  store_id: string;
  code: FindingCode;
  severity: Severity;
  value: number;
  threshold: number;
}

export interface Period extends DateRange {
  days: number;
}

export interface StoreDiagnosis {
  store_id: string;
  name: string;
  totals: TotalsWithRatios;
  revenue_change: number | null;
  rank: number;
}

export interface Diagnosis {
  store_ids: string[];
  period: Period;
  previous: Period;
  totals: TotalsWithRatios;
  previous_totals: TotalsWithRatios;
  change: { revenue: number | null; orders: number | null; profit: number | null };
  stores: StoreDiagnosis[];
  findings: Finding[];
}

/** The findings of one store, one per code at its highest severity. */
export function findingsFor(
  storeId: string,
  current: Totals,
  previous: Totals,
  thresholds: DiagnosisThresholds = DEFAULT_THRESHOLDS,
): Finding[] {
  const out: Finding[] = [];
  for (const rule of RULES) {
    const fraction = rule.fraction(current, previous);
    if (fraction === null) continue;
    const [num, den] = fraction;
    const exact = ratio(num, den)!;
    const { warning, critical } = thresholds[rule.code];
    let severity: Severity | null = null;
    let threshold = 0;
    if (critical !== null && crossed(exact, critical, rule.crosses)) [severity, threshold] = ['critical', critical];
    else if (crossed(exact, warning, rule.crosses)) [severity, threshold] = ['warning', warning];
    if (severity !== null) out.push({ store_id: storeId, code: rule.code, severity, value: roundedRatio(num, den)!, threshold });
  }
  return out;
}

/** Critical before warning, then store id, then code. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.severity !== b.severity) return a.severity === 'critical' ? -1 : 1;
  return compareCodeUnits(a.store_id, b.store_id) || compareCodeUnits(a.code, b.code);
}

function change(current: number, previous: number): number | null {
  return roundedRatio(current - previous, previous);
}

export interface DiagnosisInput {
  /** The store set; duplicates are ignored. */
  stores: readonly Store[];
  period: DateRange;
  /** Totals per store over `period`; a missing store counts as empty. */
  current: ReadonlyMap<string, Totals>;
  /** Totals per store over the previous period of the same length. */
  previous: ReadonlyMap<string, Totals>;
  thresholds?: DiagnosisThresholds;
}

/** Throws a RangeError unless `range` is two real dates with from <= to. */
function checkPeriod(range: DateRange): void {
  const from = parseBusinessDate(range.from);
  const to = parseBusinessDate(range.to);
  if (from === null || to === null || from > to) throw new RangeError(`invalid period ${range.from}..${range.to}`);
}

/** The §5 diagnosis of a store set over a period. Pure: same input, same JSON. */
export function diagnose(input: DiagnosisInput): Diagnosis {
  checkPeriod(input.period);
  const thresholds = input.thresholds ?? DEFAULT_THRESHOLDS;
  const unique = new Map<string, Store>();
  for (const s of input.stores) unique.set(s.store_id, s);
  const stores = [...unique.values()].sort((a, b) => compareCodeUnits(a.store_id, b.store_id));

  const total = emptyTotals();
  const previousTotal = emptyTotals();
  const perStore: Omit<StoreDiagnosis, 'rank'>[] = [];
  const findings: Finding[] = [];
  for (const store of stores) {
    const cur = input.current.get(store.store_id) ?? emptyTotals();
    const prev = input.previous.get(store.store_id) ?? emptyTotals();
    mergeTotals(total, cur);
    mergeTotals(previousTotal, prev);
    perStore.push({
      store_id: store.store_id,
      name: store.name,
      totals: withRatios(cur),
      revenue_change: change(cur.revenue_cents, prev.revenue_cents),
    });
    findings.push(...findingsFor(store.store_id, cur, prev, thresholds));
  }
  perStore.sort((a, b) => b.totals.revenue_cents - a.totals.revenue_cents || compareCodeUnits(a.store_id, b.store_id));
  const { from, to } = input.period;
  const previous = previousRange({ from, to });
  return {
    store_ids: stores.map((s) => s.store_id),
    period: { from, to, days: daysBetween(from, to) },
    previous: { from: previous.from, to: previous.to, days: daysBetween(previous.from, previous.to) },
    totals: withRatios(total),
    previous_totals: withRatios(previousTotal),
    change: {
      revenue: change(total.revenue_cents, previousTotal.revenue_cents),
      orders: change(total.orders, previousTotal.orders),
      profit: change(total.profit_cents, previousTotal.profit_cents),
    },
    stores: perStore.map((s, i) => ({ ...s, rank: i + 1 })),
    findings: findings.sort(compareFindings),
  };
}

/**
 * Diagnosis from daily metrics covering the previous period and the period (any extra days
 * are ignored): the path the cache takes, L2 store-days → L3 diagnosis.
 */
export function diagnoseFromDaily(
  stores: readonly Store[],
  period: DateRange,
  daily: ReadonlyMap<string, readonly DailyMetrics[]>,
  thresholds?: DiagnosisThresholds,
): Diagnosis {
  checkPeriod(period);
  const previous = previousRange(period);
  const current = new Map<string, Totals>();
  const before = new Map<string, Totals>();
  for (const [storeId, days] of daily) {
    const cur = emptyTotals();
    const prev = emptyTotals();
    for (const d of days) {
      if (d.date >= period.from && d.date <= period.to) mergeTotals(cur, d);
      else if (d.date >= previous.from && d.date <= previous.to) mergeTotals(prev, d);
    }
    current.set(storeId, cur);
    before.set(storeId, prev);
  }
  return diagnose({ stores, period, current, previous: before, ...(thresholds ? { thresholds } : {}) });
}
