export * from './dates.js';
export * from './timestamp.js';
export * from './timezone.js';
export * from './store.js';
export * from './order.js';
export * from './rounding.js';
export * from './metrics.js';
export * from './diagnosis.js';
