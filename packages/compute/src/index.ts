export { SourceComputer, type ComputeOptions, type ComputedDaily } from './compute.js';
export { InvalidRequestError, NotFoundError } from './errors.js';
export { parseDateRange, parseDiagnosisPeriod, parseStoreSelection, assertStoreId, type StoreSelection } from './request.js';
export { SkippedRows } from './skipped.js';
export { CachedComputer, thresholdsVariant } from './cached.js';
export { warmStore, warmDays, detectChanges, recordWatermarks, type WarmStoreResult, type WarmDaysResult, type ChangeReport } from './warm.js';
