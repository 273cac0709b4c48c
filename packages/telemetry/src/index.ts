export { type Logger, silentLogger } from './logger.js';
export { closeAll, CloseError, StartupScope } from './shutdown.js';
