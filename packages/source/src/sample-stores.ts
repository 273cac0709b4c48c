import type { Prng } from './prng.js';
import type { StoreRow } from './types.js';

/** How a sample store behaves; drawn once per store so stores differ in realistic ways. */
export interface StoreProfile {
  row: StoreRow;
  /** Relative size (Zipf-like: a few stores carry most orders). */
  weight: number;
  /** Relative change of the order rate from the first to the last day (−0.8 … +0.3). */
  trend: number;
  /** Probability that an order has no discount, and the discount share range otherwise. */
  noDiscount: number;
  discountRange: readonly [number, number];
  refundRate: number;
  cancelRate: number;
  /** Share of gross that is cost of goods, before per-order noise. */
  costShare: number;
  /** Typical merchant-borne delivery cost, in cents. */
  deliveryCents: number;
  /** Multiplier of the order value. */
  priceLevel: number;
}

const BRANDS = [
  '鲜味小厨', '湘里人家', '川味坊', '粤点茶餐厅', '老街面馆', '蜀香麻辣烫', '和风寿司', '渝味小面',
  '江南小馆', '东北饺子馆', '潮汕牛肉火锅', '黄焖鸡米饭', '椰子鸡', '兰州拉面', '喜茶铺', '包子铺',
] as const;

/** Cities in the Asia/Shanghai zone (all of China), with a few districts each. */
const CITIES: readonly (readonly [string, readonly string[]])[] = [
  ['上海', ['徐汇', '静安', '浦东', '长宁', '杨浦', '闵行']],
  ['北京', ['朝阳', '海淀', '东城', '西城', '丰台']],
  ['杭州', ['西湖', '滨江', '余杭', '拱墅']],
  ['深圳', ['南山', '福田', '罗湖', '宝安']],
  ['广州', ['天河', '越秀', '海珠', '番禺']],
  ['成都', ['锦江', '武侯', '高新', '青羊']],
  ['南京', ['鼓楼', '玄武', '建邺']],
  ['武汉', ['江汉', '武昌', '洪山']],
  ['苏州', ['姑苏', '工业园区', '吴中']],
  ['重庆', ['渝中', '江北', '南岸']],
];

/** Stores abroad, so business dates in other zones (with DST) are exercised. */
const ABROAD = [
  { city: 'Los Angeles', label: '洛杉矶', timezone: 'America/Los_Angeles' },
  { city: 'London', label: '伦敦', timezone: 'Europe/London' },
] as const;

/**
 * `count` stores `S001`…: mostly in China (Asia/Shanghai); the last store is in Los Angeles
 * (from 2 stores on) and the one before it in London (from 5 stores on).
 */
export function sampleStores(count: number, rng: Prng): StoreProfile[] {
  const width = Math.max(3, String(count).length);
  const ranks = rng.shuffle(Array.from({ length: count }, (_, i) => i + 1));
  const used = new Set<string>();
  const profiles: StoreProfile[] = [];
  for (let i = 0; i < count; i++) {
    const store_id = `S${String(i + 1).padStart(width, '0')}`;
    const abroad = i === count - 1 && count >= 2 ? ABROAD[0] : i === count - 2 && count >= 5 ? ABROAD[1] : undefined;
    let row: StoreRow;
    if (abroad) {
      row = { store_id, name: `${rng.pick(BRANDS)}·${abroad.label}店`, city: abroad.city, timezone: abroad.timezone };
    } else {
      const [city, districts] = rng.pick(CITIES);
      let name = `${rng.pick(BRANDS)}·${rng.pick(districts)}店`;
      for (let n = 2; used.has(name); n++) name = name.replace(/(\d+)?店$/, `${n}店`);
      used.add(name);
      row = { store_id, name, city, timezone: 'Asia/Shanghai' };
    }
    const heavyDiscount = rng.chance(0.1);
    profiles.push({
      row,
      weight: 1 / ranks[i]!,
      trend: rng.chance(0.08) ? rng.between(-0.8, -0.5) : rng.between(-0.15, 0.3),
      noDiscount: heavyDiscount ? 0.05 : rng.between(0.3, 0.6),
      discountRange: heavyDiscount ? [0.25, 0.45] : [0.03, 0.3],
      refundRate: rng.chance(0.1) ? rng.between(0.06, 0.12) : rng.between(0.015, 0.04),
      cancelRate: rng.between(0.01, 0.03),
      costShare: rng.between(0.38, 0.56),
      deliveryCents: rng.chance(0.1) ? rng.int(600, 800) : rng.int(200, 550),
      priceLevel: rng.between(0.7, 1.4),
    });
  }
  return profiles;
}
