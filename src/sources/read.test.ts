import { describe, expect, it } from 'vitest';
import { parseJsonText, pythonJsonToStrict } from './read.js';

describe('JSON reading', () => {
  it('accepts the NaN and Infinity tokens Python writes, outside strings only', () => {
    expect(
      parseJsonText('{"a": NaN, "b": -Infinity, "c": [Infinity], "d": "NaN Infinity"}', 'f', 'x'),
    ).toEqual({
      a: null,
      b: -Infinity,
      c: [Infinity],
      d: 'NaN Infinity',
    });
    expect(pythonJsonToStrict('{"a": "\\"NaN"}')).toBeUndefined();
  });

  it('reports the line of a syntax error', () => {
    try {
      parseJsonText('{\n"a": 1,\n"b": }', 'file.json', 'x');
      throw new Error('no error');
    } catch (e) {
      expect(e).toMatchObject({ code: 'PARSE_ERROR', context: { file: 'file.json', line: 3 } });
    }
  });
});
