import { describe, expect, it } from 'vitest';
import { CODEC_ERROR_CLASSES, CodecError, CodecUnavailableError, CorruptPayloadError, UnencodableValueError, UnknownCodecError } from './errors.js';

describe('codec errors', () => {
  it('have unique stable codes', () => {
    const codes = CODEC_ERROR_CLASSES.map((c) => c.code);
    expect(codes).toEqual(['E_CODEC', 'E_CODEC_UNKNOWN', 'E_CODEC_UNAVAILABLE', 'E_CODEC_CORRUPT', 'E_CODEC_UNENCODABLE']);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('are all CodecErrors with their own name and a one-line message', () => {
    const errors = [
      new UnknownCodecError('layout', 7),
      new CodecUnavailableError('zstd'),
      new CorruptPayloadError('gzip-6', 'unexpected end of file'),
      new UnencodableValueError('json', 'undefined is not a JSON value'),
    ];
    expect(errors.map((e) => e.name)).toEqual(['UnknownCodecError', 'CodecUnavailableError', 'CorruptPayloadError', 'UnencodableValueError']);
    expect(errors.map((e) => e.message)).toEqual([
      'unknown layout id 7',
      'codec zstd is not available in this process',
      'corrupt gzip-6 payload: unexpected end of file',
      'json cannot encode the value: undefined is not a JSON value',
    ]);
    for (const e of errors) expect(e).toBeInstanceOf(CodecError);
    expect(errors.map((e) => e.code)).toEqual(['E_CODEC_UNKNOWN', 'E_CODEC_UNAVAILABLE', 'E_CODEC_CORRUPT', 'E_CODEC_UNENCODABLE']);
  });

  it('keep the cause', () => {
    const cause = new Error('inner');
    expect(new CorruptPayloadError('zstd-3', 'bad', { cause }).cause).toBe(cause);
  });
});
