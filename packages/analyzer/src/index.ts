export {
  HotStoreAnalyzer,
  DEFAULT_GROUP,
  DEFAULT_HALF_LIFE_MS,
  type HotStoreAnalyzerOptions,
  type AnalyzeOptions,
  type AnalyzeResult,
  type HotCounts,
} from './analyzer.js';
export { type BatchCount } from './count-script.js';
export { type StreamEntry, type CountableAccess, parseAccessEntry, parseStoreSet, setMember, parseSetMember } from './access-entry.js';
export { rankStores, hotCount, DEFAULT_RATIO, DEFAULT_SET_LIMIT, type HotRanking, type RankedStore, type RankedSet, type RankingOptions, type StoredScores } from './ranking.js';
export { HotKeys } from './hot-keys.js';
export { InvalidAnalyzerOptionError, HalfLifeMismatchError } from './errors.js';
