import { describe, test, expect } from '@jest/globals';
import { parseShell } from '@ldm/core';

const cmds = (s: string) => {
  const r = parseShell(s);
  if (!r.ok) throw new Error(r.error);
  return r.commands;
};

describe('parseShell finds every simple command', () => {
  test('lists and pipelines', () => {
    expect(cmds('a 1; b 2 && c || d & e | f |& g\nh')).toEqual([['a', '1'], ['b', '2'], ['c'], ['d'], ['e'], ['f'], ['g'], ['h']]);
  });
  test('substitutions, nested, in any quoting', () => {
    expect(cmds('echo "x $(id -u) `whoami`" $(ls $(pwd))')).toEqual(expect.arrayContaining([['id', '-u'], ['whoami'], ['ls', '$(pwd)'], ['pwd']]));
    expect(cmds('diff <(sort a) >(tee b)')).toEqual(expect.arrayContaining([['sort', 'a'], ['tee', 'b']]));
  });
  test('groups, subshells and control keywords', () => {
    expect(cmds('(cd /tmp && ls); { df; }')).toEqual([['cd', '/tmp'], ['ls'], ['df']]);
    expect(cmds('if test -f x; then cat x; elif true; then :; else rm y; fi')).toEqual([['test', '-f', 'x'], ['cat', 'x'], ['true'], [':'], ['rm', 'y']]);
    expect(cmds('for f in $(ls /var/log); do wc -l "$f"; done')).toEqual([['ls', '/var/log'], ['wc', '-l', '$f']]);
    expect(cmds('while read l; do echo $l; done < f')).toEqual([['read', 'l'], ['echo', '$l']]);
  });
  test('quote removal', () => {
    expect(cmds(`'a b' "c\\"d" e\\ f $'g\\x41' ""`)).toEqual([['a b', 'c"d', 'e f', 'gA', '']]);
    expect(cmds('a\\\nb')).toEqual([['ab']]);
  });
  test('assignments and redirections are not words', () => {
    const r = parseShell('A=1 B="x y" cmd arg > out 2>&1 < in');
    expect(r.ok && r.commands).toEqual([['cmd', 'arg']]);
    expect(r.ok && r.simple[0]!.redirects.map((x) => x.op)).toEqual(['>', '>&', '<']);
    expect(r.ok && r.simple[0]!.assignments.length).toBe(2);
  });
  test('here-documents: body read, unquoted expansions parsed', () => {
    const r = parseShell('cat <<EOF > x\nhello $(id)\nEOF\necho after');
    expect(r.ok && r.commands).toEqual([['cat'], ['id'], ['echo', 'after']]);
    const q = parseShell("cat <<-'EOF'\n\t$(id)\n\tEOF");
    expect(q.ok && q.commands).toEqual([['cat']]);
    expect(q.ok && q.simple[0]!.redirects[0]!.heredoc).toEqual({ body: '$(id)', quoted: true });
  });
  test('function definitions are reported with their bodies', () => {
    const r = parseShell(':(){ :|:& };:');
    expect(r.ok && r.functions.map((f) => f.name)).toEqual([':']);
  });
});

describe('parseShell fails closed', () => {
  test.each([
    ['unterminated quote', 'echo "abc'],
    ['unterminated single quote', "echo 'abc"],
    ['unterminated substitution', 'echo $(ls'],
    ['unterminated backquote', 'echo `ls'],
    ['unbalanced paren', 'ls )'],
    ['dangling operator', 'ls &&'],
    ['leading pipe', '| ls'],
    ['case', 'case $x in a) ls;; esac'],
    ['[[ ]]', '[[ -f x ]]'],
    ['array assignment', 'a=(1 2)'],
    ['unterminated arithmetic', 'echo $(( 1 + 2'],
    ['unsupported ${} operator', 'echo ${x~y}'],
    ['bad ANSI-C escape', "echo $'\\q'"],
    ['unclosed heredoc', 'cat <<EOF\nbody'],
    ['NUL byte', 'ls\0'],
    ['function keyword', 'function f { ls; }'],
    ['deep nesting', '$('.repeat(40) + 'x' + ')'.repeat(40)],
  ])('%s', (_name, input) => {
    const r = parseShell(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.length).toBeGreaterThan(3);
  });
  test('a huge input is refused, not parsed', () => {
    expect(parseShell('ls '.repeat(30_000)).ok).toBe(false);
  });
  test('pathological nesting does not overflow the stack', () => {
    expect(() => parseShell('('.repeat(10_000))).not.toThrow();
    expect(() => parseShell('"$('.repeat(5_000))).not.toThrow();
    expect(() => parseShell('`'.repeat(5_001))).not.toThrow();
    for (const open of ['$((', '${x:-', '${a[', 'echo ${x:', '$[', '${x:$((']) {
      const r = parseShell(open.repeat(Math.floor(60_000 / open.length)));
      expect({ open, ok: r.ok }).toEqual({ open, ok: false });
    }
  });
});

describe('here-documents inside $( ) cannot desynchronise the parser', () => {
  test('a document opened and closed inside $( ) is read there', () => {
    const r = parseShell('x=$(cat <<EOF\n)\nEOF\n); echo after');
    expect(r.ok && r.commands).toEqual([['cat'], ['echo', 'after']]);
    expect(r.ok && r.simple[0]!.redirects[0]!.heredoc!.body).toBe(')');
  });
  test('a document opened outside is read after the substitution, not inside it', () => {
    const r = parseShell('cat <<EOF $(echo a\necho b)\nbody\nEOF\necho after');
    expect(r.ok && r.commands).toEqual([['echo', 'a'], ['echo', 'b'], ['cat', '$(echo a\necho b)'], ['echo', 'after']]);
  });
  test.each([
    // bash 5.2 ends the document at "EOF)" and runs the next line; other versions read it as data.
    ['delimiter followed by )', 'x=$(cat <<EOF\nEOF)\nrm -rf /\nEOF\n)'],
    ['delimiter followed by space and )', 'x=$(cat <<EOF\nEOF )\nrm -rf /\nEOF\n)'],
    ['document not closed inside $( )', 'echo $(cat <<EOF)\nrm -rf /\nEOF'],
  ])('%s: refused', (_name, input) => {
    expect(parseShell(input).ok).toBe(false);
  });
});

describe('arithmetic contexts are read, not skipped', () => {
  const parsed = (s: string) => {
    const r = parseShell(s);
    if (!r.ok) throw new Error(r.error);
    return r;
  };
  test('substitutions inside arithmetic and ${...} are found', () => {
    expect(parsed('echo ${x:$(id -u)}').commands).toContainEqual(['id', '-u']);
    expect(parsed('echo ${x:1:$(id -g)}').commands).toContainEqual(['id', '-g']);
    expect(parsed('echo ${x:a[$(whoami)]}').commands).toContainEqual(['whoami']);
    expect(parsed('echo $(( a[$(hostname)] + 1 ))').commands).toContainEqual(['hostname']);
    expect(parsed('(( n = $(nproc) ))').commands).toContainEqual(['nproc']);
    expect(parsed('a[$(uptime)]=1').commands).toContainEqual(['uptime']);
    expect(parsed('echo ${a[$(date)]} ${x:-$(pwd)} ${y/$(tty)/z}').commands).toEqual(expect.arrayContaining([['date'], ['pwd'], ['tty']]));
  });
  test('what bash evaluates as an expression is reported; numbers and numeric specials are not', () => {
    expect(parsed('echo $((1 + 2 * (3 - $#))) ${x:1:2} ${x: -3} ${#x} ${a[2]} ${a[@]} $[4*5]').evaluates).toEqual([]);
    expect(parsed('echo ${x:-default} ${x#*/} ${x//a/b} ${x^^}').evaluates).toEqual([]);
    expect(parsed('echo $((0xff + 16#1f + 2#101 + 010))').evaluates).toEqual([]);
    expect(parsed('echo $((0xff + x1))').evaluates.length).toBe(1);
    for (const s of ['echo $((x))', 'echo $(( $1 + 1 ))', 'echo $(( $(cat f) ))', 'echo ${s:n}', 'echo ${s:0:$len}', 'echo ${a[i]}', 'echo ${!ref}', '((i++))', 'a[i]=1', 'echo $[x]', 'echo "$((y))"', 'cat <<EOF\n$((z))\nEOF', 'echo `echo $((w))`'])
      expect({ s, n: parsed(s).evaluates.length }).toEqual({ s, n: 1 });
  });
});
