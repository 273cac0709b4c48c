export { QUEUES, MAX_SET_TARGETS, type JobName, type PayloadOf, type PayloadInput, type ResultOf, type ResultInput, parseResult, InvalidPayloadError, InvalidResultError } from './catalog.js';
export { PrewarmQueues } from './queues.js';
export { processorFor, backoffStrategy, JobTimeoutError, type Handler, type Handlers } from './processor.js';
