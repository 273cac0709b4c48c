export { type Logger, silentLogger } from './logger.js';
export { closeAll, CloseError, DeadlineError, StartupScope, within } from './shutdown.js';
