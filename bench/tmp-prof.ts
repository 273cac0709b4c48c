import { generateSample } from '@prewarm/source';
import { validateOrder, type Order } from '@prewarm/domain';
import { columnarOrdersLayout } from '../packages/cache/src/codec/index.js';
const ds = generateSample({ stores: 100, days: 90, orders: 100000, seed: 1, end: '2025-06-30' });
const orders: Order[] = [];
for (const b of ds.orderBatches()) for (const r of b) { const v = validateOrder(r); if (v.ok) orders.push(v.order); }
const enc = columnarOrdersLayout.encode(orders);
function stats(f: () => void, n = 25) { for (let k = 0; k < 5; k++) f(); const t: number[] = []; const c0 = process.cpuUsage(); for (let k = 0; k < n; k++) { const s = performance.now(); f(); t.push(performance.now() - s); } const c = process.cpuUsage(c0); t.sort((a, b) => a - b); return `min ${t[0]!.toFixed(1)} med ${t[n >> 1]!.toFixed(1)} cpu ${((c.user + c.system) / 1000 / n).toFixed(1)}`; }
console.log('dec', stats(() => columnarOrdersLayout.decode(enc)));

