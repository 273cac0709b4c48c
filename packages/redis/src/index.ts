export { Keyspace, LEVELS, type Level, type StoreSet, storeSetId } from './keys.js';
export { openRedis, openRedisRole, checkRedisRole } from './connection.js';
export { type RedisConnection, scanKeys, countKeys, unlinkMatching, scanTargets } from './scan.js';
export { LuaScript } from './lua-script.js';
export { RedisUnavailableError, isRedisFailure } from './errors.js';
export { pipelinePerSlot, type PipelineReply } from './pipeline.js';
