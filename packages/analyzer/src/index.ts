export { HotStoreAnalyzer, DEFAULT_GROUP, type HotStoreAnalyzerOptions, type AnalyzeOptions, type AnalyzeResult, type HotCounts } from './analyzer.js';
export { hotCount, type HotRanking, type RankedStore, type RankedSet, type RankingOptions } from './ranking.js';
export { InvalidAnalyzerOptionError, HalfLifeMismatchError } from './errors.js';
