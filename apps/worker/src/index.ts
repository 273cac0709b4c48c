export { startWorker, workerAlive, heartbeatKey, type RunningWorker } from './worker.js';
export { RunRecords, PHASES, runSummary, type RunRecord, type RunSummary, type PhaseRecord, type PhaseName } from './run-records.js';
export { dashboardRanges, warmWindow } from './processors.js';
export { planRun, type Plan, type Demand } from './planning.js';
