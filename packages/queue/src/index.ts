export * from './catalog.js';
export { PrewarmQueues, DEFAULT_QUEUE_PREFIX, type AddOptions } from './queues.js';
export { processorFor, backoffStrategy, JobTimeoutError, type Handler, type Handlers } from './processor.js';
