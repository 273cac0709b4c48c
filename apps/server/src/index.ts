export { startServer, type RunningServer } from './server.js';
export { LIMITS } from './routes/read.js';
export { TARGETS, PrewarmMetrics } from './prom.js';
