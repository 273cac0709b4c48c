export { RunRecords, runSummary, startPhase, endPhase, type RunRecord, type RunSummary, type RunStatus, type RunStep, type PhaseRecord, type PhaseName } from './run-records.js';
export { Heartbeats, HEARTBEAT_MS } from './heartbeats.js';
export { newRunId, type RunOrigin } from './run-id.js';
export { WarmCosts } from './warm-costs.js';
export { planRun, type Plan, type Demand, type PlanOptions } from './planning.js';
export { dashboardRanges, warmWindow } from './windows.js';
