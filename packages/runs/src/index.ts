export { RunRecords, runSummary, startPhase, endPhase, type RunRecord, type RunSummary, type RunStep } from './run-records.js';
export { Heartbeats, HEARTBEAT_MS } from './heartbeats.js';
export { newRunId } from './run-id.js';
export { type Plan, type SetDemand, type WarmItem, planRun, setCost, storeCost } from './planning.js';
export { WARM_LOOKBACK_DAYS, dashboardRanges, lookbackRange, warmWindow } from './windows.js';
