export { Keyspace, LEVELS, DEFAULT_QUEUE_PREFIX, type Level, type StoreSet, storeSetId, monthOf } from './keys.js';
export { openRedis, checkEvictionPolicy, type OpenRedisOptions, type RedisRole } from './connection.js';
export { type RedisConnection, scanKeys, countKeys, unlinkMatching, scanTargets } from './scan.js';
export { LuaScript } from './lua-script.js';
export { RedisUnavailableError } from './errors.js';
