export * from './types.js';
export { CsvFormatError, ImportRejectedError } from './errors.js';
export { openSource, openWriter, type OpenSourceOptions } from './open.js';
export { generateSample, SAMPLE_DEFAULTS, type SampleDataset, type SampleOptions } from './sample.js';
export { importCsv, type ImportCsvOptions, type ImportCsvResult } from './csv-import.js';
export { Prng } from './prng.js';
