export { parseConfig, loadConfig, ConfigError, type Config, type SourceKind, type RuleThresholds } from './config.js';
export { EnvSchema, type Env } from './schema.js';
export { parseRedisUrl, redactRedisUrl, RedisUrlError, type RedisEndpoint, type RedisNode } from './redis-url.js';
