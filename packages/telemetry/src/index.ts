export { type Logger, silentLogger } from './logger.js';
export { closeAll, CloseError, type CloseStep } from './shutdown.js';
