export { RunRecords, runSummary, startPhase, endPhase, type RunRecord, type RunSummary, type RunStep } from './run-records.js';
export { Heartbeats, HEARTBEAT_MS } from './heartbeats.js';
export { newRunId } from './run-id.js';
export { WarmCosts } from './warm-costs.js';
export { planRun } from './planning.js';
export { dashboardRanges, warmWindow } from './windows.js';
