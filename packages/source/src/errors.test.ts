import { describe, expect, it } from 'vitest';
import { CsvFormatError, ImportRejectedError } from './errors.js';
import { SourceError } from './types.js';

describe('source errors', () => {
  it('have unique stable codes and are all SourceErrors', () => {
    const classes = [SourceError, CsvFormatError, ImportRejectedError];
    expect(new Set(classes.map((c) => c.code)).size).toBe(classes.length);
    expect(new CsvFormatError('x', 'f.csv', 3)).toBeInstanceOf(SourceError);
    expect(new ImportRejectedError('x', 0, 1)).toBeInstanceOf(SourceError);
    expect(new CsvFormatError('x', 'f.csv').name).toBe('CsvFormatError');
  });
});
