import { describe, test, expect } from '@jest/globals';
import { isLongOption, resolveLongOption, longOptionName } from '../../src/policy/long-option';
import { splitOptions, hasOpt } from '../../src/policy/split-options';
import { literalWord } from '../../src/policy/shell-words';
import { wordText } from '../../src/policy/shell-parse';

const words = (s: string) => s.split(' ').map(literalWord);
const texts = (ws: { cells: unknown[]; raw: string }[]) => ws.map((w) => wordText(w as never));

describe('long options resolve as getopt_long resolves them', () => {
  test('exact names and unambiguous prefixes', () => {
    expect(resolveLongOption('adj', ['adjustment'])).toEqual(['adjustment']);
    expect(resolveLongOption('in-pl', ['in-place', 'expression'])).toEqual(['in-place']);
    expect(resolveLongOption('no-pre', ['no-preserve-root', 'preserve-root'])).toEqual(['no-preserve-root']);
    // An exact name wins over the longer names it prefixes.
    expect(resolveLongOption('show', ['show', 'show-types'])).toEqual(['show']);
    expect(resolveLongOption('no', ['now', 'no-block'])).toEqual(['now', 'no-block']);
    expect(resolveLongOption('', ['now'])).toEqual([]);
    expect(resolveLongOption('nowx', ['now'])).toEqual([]);
  });
  test('whole words, with or without =value', () => {
    expect(isLongOption('--uni', ['unit'])).toBe(true);
    expect(isLongOption('--output=/etc/x', ['output'])).toBe(true);
    expect(isLongOption('--out=/etc/x', ['output'])).toBe(true);
    expect(isLongOption('-o', ['output'])).toBe(false);
    expect(isLongOption('--', ['output'])).toBe(false);
    expect(isLongOption(null, ['output'])).toBe(false);
    expect(longOptionName('--a=b=c')).toBe('a');
  });
});

describe('splitOptions', () => {
  test('an abbreviated long option still takes its value', () => {
    const { opts, rest } = splitOptions(words('--adj 5 systemctl stop nginx'), { short: 'n', long: ['adjustment'] });
    expect(opts.map((o) => o.name)).toEqual(['adjustment']);
    expect(texts(rest)).toEqual(['systemctl', 'stop', 'nginx']);
  });
  test('values attached in clusters: nice -n5, nice -5', () => {
    expect(texts(splitOptions(words('-n5 rm -rf /'), { short: 'n', long: ['adjustment'] }).rest)).toEqual(['rm', '-rf', '/']);
    expect(texts(splitOptions(words('-5 rm -rf /'), { short: 'n', long: ['adjustment'] }).rest)).toEqual(['rm', '-rf', '/']);
    expect(texts(splitOptions(words('-n 5 rm'), { short: 'n' }).rest)).toEqual(['rm']);
  });
  test('optional arguments never take the next word', () => {
    const xargs = { short: 'adEILnPs', optShort: 'eil', optLong: ['replace', 'eof'] };
    expect(texts(splitOptions(words('-i rm -rf {}'), xargs).rest)).toEqual(['rm', '-rf', '{}']);
    expect(texts(splitOptions(words('--replace rm x'), xargs).rest)).toEqual(['rm', 'x']);
    expect(texts(splitOptions(words('-I{} rm {}'), xargs).rest)).toEqual(['rm', '{}']);
    expect(texts(splitOptions(words('-P0 -n1 rm x'), xargs).rest)).toEqual(['rm', 'x']);
    const sed = splitOptions(words('-i.bak s/a/b/ f'), { short: 'efl', optShort: 'i', optLong: ['in-place'] });
    expect(sed.opts).toEqual([{ name: 'i', long: false, value: expect.objectContaining({ raw: '-i.bak' }) }]);
    expect(texts(sed.rest)).toEqual(['s/a/b/', 'f']);
  });
  test('flags inside clusters are all seen', () => {
    for (const c of ['-rf', '-fr', '-Rf', '-ir', '-vfR']) expect(hasOpt(splitOptions(words(`${c} /`), {}).opts, 'r', 'R')).toBe(true);
  });
  test('hasOpt matches abbreviations of long names only', () => {
    const { opts } = splitOptions(words('--us root --p 1'), { long: ['user'], flags: ['pid'] });
    expect(hasOpt(opts, 'u', 'user')).toBe(true);
    expect(hasOpt(opts, 'p', 'pid')).toBe(true);
    expect(hasOpt(opts, 'shell')).toBe(false);
  });
  test('permutation: options after operands, until --', () => {
    const { opts, rest } = splitOptions(words('root -c id -- -x'), { short: 'c', permute: true });
    expect(opts.map((o) => o.name)).toEqual(['c']);
    expect(texts(rest)).toEqual(['root', '-x']);
  });
});
