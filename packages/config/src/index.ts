export { parseConfig, loadConfig, ConfigError, type Config, type SourceKind, type RuleThresholds } from './config.js';
export { EnvSchema, type Env } from './schema.js';
