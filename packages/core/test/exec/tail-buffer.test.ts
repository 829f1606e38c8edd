import { describe, test, expect } from '@jest/globals';
import { TailBuffer } from '../../src/exec/tail-buffer';

describe('TailBuffer', () => {
  test('keeps everything below capacity', () => {
    const b = new TailBuffer(10);
    b.push(Buffer.from('abc'));
    b.push(Buffer.from('def'));
    expect(b.text()).toBe('abcdef');
    expect(b.truncated).toBe(false);
    expect(b.total).toBe(6);
  });

  test('keeps the tail and counts what was dropped', () => {
    const b = new TailBuffer(6);
    b.push(Buffer.from('ab\n'));
    b.push(Buffer.from('cd\nef'));
    expect(b.readFrom(0).data.toString()).toBe('\ncd\nef');
    expect(b.dropped).toBe(2);
    b.push(Buffer.from('0123\n56789'));
    expect(b.readFrom(0).data.toString()).toBe('\n56789');
    expect(b.total).toBe(18);
    expect(b.truncated).toBe(true);
  });

  test('readFrom uses absolute offsets and reports skipped bytes', () => {
    const b = new TailBuffer(4);
    b.push(Buffer.from('abcdef'));
    expect(b.readFrom(0)).toMatchObject({ from: 2, skipped: 2 });
    expect(b.readFrom(0).data.toString()).toBe('cdef');
    expect(b.readFrom(4).data.toString()).toBe('ef');
    expect(b.readFrom(6).data.toString()).toBe('');
    expect(b.readFrom(100)).toMatchObject({ from: 6, skipped: 0 });
  });

  test('text() of a truncated tail begins after the first line break, not inside the line the cut fell in', () => {
    const b = new TailBuffer(12);
    b.push(Buffer.from('first line\nsecond\nthird\n'));
    expect(b.readFrom(0).data.toString()).toBe('econd\nthird\n');
    expect(b.text()).toBe('third\n');
  });

  test('text() of an untruncated tail is everything, and ends at a line break only while more may come', () => {
    const b = new TailBuffer(100);
    b.push(Buffer.from('done\nhalf a li'));
    expect(b.text()).toBe('done\nhalf a li');
    expect(b.text(true)).toBe('done\n');
  });

  test('a multi-byte character cut at the front of a long word is dropped, not mangled', () => {
    const b = new TailBuffer(5000);
    b.push(Buffer.from('ab' + '€'.repeat(2000))); // € is 3 bytes: the tail starts inside one, in a 6000-byte word
    expect(b.text()).toBe('€'.repeat(1666));
  });

  test('rejects a capacity that is not a positive integer, naming it', () => {
    expect(() => new TailBuffer(0)).toThrow(/got 0/);
    expect(() => new TailBuffer(1.5)).toThrow(/got 1.5/);
    expect(() => new TailBuffer(4).raiseCapacity(-1)).toThrow(/got -1/);
  });

  test('a raised capacity keeps more from then on; what was dropped before stays dropped', () => {
    const b = new TailBuffer(4);
    b.push(Buffer.from('abcdef'));
    b.raiseCapacity(10);
    b.push(Buffer.from('ghijkl'));
    expect(b.capacity).toBe(10);
    expect(b.readFrom(0).data.toString()).toBe('cdefghijkl');
    expect(b.readFrom(0)).toMatchObject({ from: 2, skipped: 2 });
    b.push(Buffer.from('mn'));
    expect(b.readFrom(0).data.toString()).toBe('efghijklmn');
  });

  test('raiseCapacity never lowers the cap', () => {
    const b = new TailBuffer(8);
    b.raiseCapacity(2);
    b.push(Buffer.from('abcdefgh'));
    expect(b.capacity).toBe(8);
    expect(b.text()).toBe('abcdefgh');
  });
});
