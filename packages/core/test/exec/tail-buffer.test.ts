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
    const b = new TailBuffer(5);
    b.push(Buffer.from('abc'));
    b.push(Buffer.from('defg'));
    expect(b.text()).toBe('cdefg');
    expect(b.dropped).toBe(2);
    b.push(Buffer.from('0123456789'));
    expect(b.text()).toBe('56789');
    expect(b.total).toBe(17);
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

  test('a multi-byte character cut at the front is dropped, not mangled', () => {
    const b = new TailBuffer(5);
    b.push(Buffer.from('ab€€')); // € is 3 bytes: 2 + 6 = 8 bytes, the tail starts inside the first €
    expect(b.text()).toBe('€');
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
    expect(b.text()).toBe('cdefghijkl');
    expect(b.readFrom(0)).toMatchObject({ from: 2, skipped: 2 });
    b.push(Buffer.from('mn'));
    expect(b.text()).toBe('efghijklmn');
  });

  test('raiseCapacity never lowers the cap', () => {
    const b = new TailBuffer(8);
    b.raiseCapacity(2);
    b.push(Buffer.from('abcdefgh'));
    expect(b.capacity).toBe(8);
    expect(b.text()).toBe('abcdefgh');
  });
});
