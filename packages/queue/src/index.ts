export * from './catalog.js';
export { PrewarmQueues, type AddOptions } from './queues.js';
export { processorFor, backoffStrategy, JobTimeoutError, type Handler, type Handlers } from './processor.js';
