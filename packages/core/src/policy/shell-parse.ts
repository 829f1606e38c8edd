// A parser for the part of POSIX sh / bash that an operator types on one command line.
// It builds just enough structure to find every simple command that would run, including those
// inside $(), backticks, <(), >(), ${...} words and arithmetic, and it reports arithmetic that
// evaluates text the line does not fix. Anything outside the subset (case, [[ ]], for (( )),
// array assignments, coprocesses) is a parse error: the policy denies it.

/** One character of a word after quote removal, or an expansion whose value is unknown statically. */
export type Cell =
  | { ch: string; quoted: boolean }
  | { dyn: string; commands?: SimpleCommand[] };

export interface Word {
  cells: Cell[];
  /** The source text, for messages. */
  raw: string;
}

export interface Redirect {
  /** `>`, `>>`, `>|`, `<`, `<>`, `&>`, `&>>`, `>&`, `<&`, `<<`, `<<-`, `<<<`. */
  op: string;
  /** The fd on the left (`2>`), if given. */
  fd?: number;
  target: Word;
  heredoc?: { body: string; quoted: boolean };
}

export interface SimpleCommand {
  /** Leading NAME=value words. */
  assignments: Word[];
  /** The command and its arguments, before brace expansion. May be empty (redirections only). */
  words: Word[];
  redirects: Redirect[];
  /** It reads a pipe from the previous command of a pipeline. */
  pipedInput: boolean;
  /** Where it was found: at the top, or inside a command or process substitution. */
  context: 'top' | 'substitution';
}

export interface FunctionDef {
  name: string;
  body: SimpleCommand[];
}

export type ParseResult =
  | {
      ok: true;
      /** Every simple command with words, as text (expansions shown as written). */
      commands: string[][];
      /** The same commands with structure, plus redirection-only commands. */
      simple: SimpleCommand[];
      functions: FunctionDef[];
      /**
       * Arithmetic that evaluates text the line does not fix ($((x)), ${s:$n}, ${a[$i]}, ${!p}):
       * bash evaluates a variable's value or a substitution's output as an expression, and
       * a[$(cmd)] inside it runs cmd. One entry (the source text) per place.
       */
      evaluates: string[];
    }
  | { ok: false; error: string };

export class ShellParseError extends Error {}

const MAX_INPUT = 64 * 1024;
const MAX_DEPTH = 24;

const META = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);
// Words that are reserved only in command position and only when unquoted.
const PREFIX_KEYWORDS = new Set(['if', 'then', 'elif', 'else', 'while', 'until', 'do', '!', 'time']);
const CLOSING_KEYWORDS = new Set(['fi', 'done']);
const UNSUPPORTED_KEYWORDS = new Set(['case', 'esac', 'select', 'coproc', '[[', ']]', 'in']);

/** Renders a word for messages and for `commands`: literal text with expansions as written. */
export function wordText(w: Word): string {
  return w.cells.map((c) => ('ch' in c ? c.ch : c.dyn)).join('');
}

interface PendingHeredoc {
  redirect: Redirect;
  delimiter: string;
  stripTabs: boolean;
}

class Parser {
  private i = 0;
  private pending: PendingHeredoc[] = [];
  private inSubstitution = 0;
  readonly commands: SimpleCommand[] = [];
  readonly functions: FunctionDef[] = [];
  readonly evaluates: string[] = [];

  constructor(
    private readonly s: string,
    private readonly depth: number,
  ) {
    if (depth > MAX_DEPTH) throw new ShellParseError(`nesting deeper than ${MAX_DEPTH} levels`);
  }

  parseScript(): void {
    this.parseList('EOF', 'top');
    if (this.pending.length) this.readHeredocBodies();
  }

  private nest = 0;

  /** Bounds recursion, so a hostile input cannot overflow the stack. */
  private enter(): void {
    if (++this.nest + this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
  }

  private fail(msg: string): never {
    throw new ShellParseError(`${msg} at offset ${this.i}`);
  }

  private peek(n = 0): string {
    return this.s[this.i + n] ?? '';
  }

  private startsWith(t: string): boolean {
    return this.s.startsWith(t, this.i);
  }

  /** Skips blanks, comments and backslash-newline continuations; stops at newlines. */
  private skipBlanks(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t') this.i++;
      else if (c === '\\' && this.peek(1) === '\n') this.i += 2;
      else if (c === '#') {
        while (this.i < this.s.length && this.peek() !== '\n') this.i++;
      } else return;
    }
  }

  private consumeNewline(): void {
    this.i++;
    if (this.pending.length) this.readHeredocBodies();
  }

  private skipBlanksAndNewlines(): void {
    for (;;) {
      this.skipBlanks();
      if (this.peek() === '\n') this.consumeNewline();
      else return;
    }
  }

  private readHeredocBodies(): void {
    const pending = this.pending;
    this.pending = [];
    for (const h of pending) {
      const lines: string[] = [];
      let closed = false;
      while (this.i < this.s.length) {
        const nl = this.s.indexOf('\n', this.i);
        const end = nl === -1 ? this.s.length : nl;
        let line = this.s.slice(this.i, end);
        this.i = nl === -1 ? end : end + 1;
        if (h.stripTabs) line = line.replace(/^\t+/, '');
        if (line === h.delimiter) {
          closed = true;
          break;
        }
        if (this.inSubstitution > 0 && line.startsWith(h.delimiter) && /^\s*\)/.test(line.slice(h.delimiter.length)))
          this.fail(`here-document line ${JSON.stringify(line.slice(0, 40))} inside $( ): bash versions disagree on where it ends`);
        lines.push(line);
      }
      if (!closed) this.fail(`here-document delimited by ${JSON.stringify(h.delimiter)} is not closed`);
      const body = lines.join('\n');
      h.redirect.heredoc!.body = body;
      if (!h.redirect.heredoc!.quoted) {
        // An unquoted here-document expands $() and backticks: those commands run too.
        const sub = new Parser(body, this.depth + 1);
        sub.readDoubleQuoted(null, [], 'substitution');
        this.commands.push(...sub.commands);
        this.evaluates.push(...sub.evaluates);
      }
    }
  }

  /** Parses `a; b && c | d &` up to `term`. */
  private parseList(term: 'EOF' | ')' | '}', context: SimpleCommand['context']): void {
    this.skipBlanksAndNewlines();
    for (;;) {
      this.skipBlanksAndNewlines();
      if (this.i >= this.s.length) {
        if (term !== 'EOF') this.fail(`missing closing ${JSON.stringify(term)}`);
        return;
      }
      if (term === ')' && this.peek() === ')') return;
      if (term === '}' && this.atWord('}')) return;
      if (this.peek() === ')') this.fail('unexpected ")"');
      this.parsePipeline(context);
      this.skipBlanks();
      const c = this.peek();
      if (this.startsWith('&&') || this.startsWith('||')) {
        this.i += 2;
        this.skipBlanksAndNewlines();
        if (this.i >= this.s.length || this.peek() === ')' || this.peek() === ';' || this.peek() === '&' || this.peek() === '|')
          this.fail('a command must follow && or ||');
        continue;
      }
      if (this.startsWith(';;')) this.fail('";;" outside case');
      if (c === ';' || c === '&') {
        this.i++;
        continue;
      }
      if (c === '\n') {
        this.consumeNewline();
        continue;
      }
      if (this.i >= this.s.length) continue;
      if (c === ')' && term === ')') return;
      if (term === '}' && this.atWord('}')) return;
      this.fail(`unexpected ${JSON.stringify(c)}`);
    }
  }

  /** Is the unquoted word `w` next, followed by a metacharacter or the end? */
  private atWord(w: string): boolean {
    if (!this.startsWith(w)) return false;
    const after = this.s[this.i + w.length];
    return after === undefined || META.has(after);
  }

  private parsePipeline(context: SimpleCommand['context']): void {
    let piped = false;
    for (;;) {
      this.parseCommand(context, piped);
      this.skipBlanks();
      if (this.peek() === '|' && this.peek(1) !== '|') {
        this.i += this.peek(1) === '&' ? 2 : 1;
        this.skipBlanksAndNewlines();
        if (this.i >= this.s.length) this.fail('a command must follow "|"');
        piped = true;
        continue;
      }
      return;
    }
  }

  private parseCommand(context: SimpleCommand['context'], pipedInput: boolean): void {
    this.skipBlanks();
    // Keywords that only introduce or join commands: what follows is checked as a command.
    for (;;) {
      const kw = [...PREFIX_KEYWORDS, ...CLOSING_KEYWORDS].find((k) => this.atWord(k));
      if (!kw) break;
      this.i += kw.length;
      this.skipBlanks();
      if (kw === 'time' && this.atWord('-p')) {
        this.i += 2;
        this.skipBlanks();
      }
      if (CLOSING_KEYWORDS.has(kw)) {
        // `done > file` redirects the whole loop: keep the redirections.
        this.parseTrailingRedirects(context, pipedInput);
        return;
      }
      if (['then', 'do', 'else'].includes(kw) && (this.peek() === '\n' || this.peek() === ';')) return;
      if (this.peek() === '\n' || this.i >= this.s.length) return;
    }
    if (this.atWord('for')) return this.parseForHeader(context);
    if (this.atWord('function')) this.fail('function definitions are not supported');
    for (const kw of UNSUPPORTED_KEYWORDS) if (this.atWord(kw)) this.fail(`"${kw}" is not supported`);
    if (this.startsWith('((')) {
      // (( expr )): a command whose only effect is the arithmetic (and what it may evaluate).
      const start = this.i;
      this.i += 2;
      this.readArithmetic('))', start);
      this.commands.push({ assignments: [], words: [{ cells: [{ ch: '(', quoted: true }, { ch: '(', quoted: true }], raw: '((' }, { cells: [{ dyn: this.s.slice(start + 2, this.i - 2) }], raw: this.s.slice(start + 2, this.i - 2) }], redirects: [], pipedInput, context });
      this.parseTrailingRedirects(context, pipedInput);
      return;
    }
    if (this.peek() === '(') {
      this.i++;
      this.enter();
      this.parseList(')', context);
      this.nest--;
      this.i++;
      this.parseTrailingRedirects(context, pipedInput);
      return;
    }
    if (this.atWord('{')) {
      this.i++;
      this.enter();
      this.parseList('}', context);
      this.nest--;
      this.i++;
      this.parseTrailingRedirects(context, pipedInput);
      return;
    }
    this.parseSimpleCommand(context, pipedInput);
  }

  private parseForHeader(context: SimpleCommand['context']): void {
    this.i += 3;
    this.skipBlanks();
    if (this.startsWith('((')) this.fail('arithmetic for loops are not supported');
    const name = this.readWord(context);
    if (!name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(wordText(name))) this.fail('"for" needs a variable name');
    this.skipBlanks();
    if (this.atWord('in')) {
      this.i += 2;
      // The list words may hold substitutions: reading them records their commands.
      for (;;) {
        this.skipBlanks();
        const c = this.peek();
        if (c === ';' || c === '\n' || c === '' || c === '&' || c === '|' || c === ')') break;
        if (!this.readWord(context)) this.fail('bad word in "for" list');
      }
    }
  }

  private parseTrailingRedirects(context: SimpleCommand['context'], pipedInput: boolean): void {
    const redirects: Redirect[] = [];
    for (;;) {
      this.skipBlanks();
      const r = this.tryRedirect(context);
      if (!r) break;
      redirects.push(r);
    }
    if (redirects.length) this.commands.push({ assignments: [], words: [], redirects, pipedInput, context });
  }

  private parseSimpleCommand(context: SimpleCommand['context'], pipedInput: boolean): void {
    const cmd: SimpleCommand = { assignments: [], words: [], redirects: [], pipedInput, context };
    for (;;) {
      this.skipBlanks();
      const c = this.peek();
      if (c === '' || c === '\n' || c === ';' || c === '&' || c === '|' || c === ')') break;
      if (c === '(') {
        if (cmd.words.length === 1 && cmd.assignments.length === 0) return this.parseFunction(cmd.words[0]!, context);
        this.fail('unexpected "("');
      }
      const r = this.tryRedirect(context);
      if (r) {
        cmd.redirects.push(r);
        continue;
      }
      const start = this.i;
      const w = this.readWord(context);
      if (!w) this.fail(`unexpected ${JSON.stringify(this.peek())}`);
      const text = this.s.slice(start, this.i);
      const element = cmd.words.length === 0 ? /^[A-Za-z_][A-Za-z0-9_]*\[([^\]]*)\]\+?=/.exec(text) : null;
      // a[i]=v: the subscript is arithmetic, evaluated like $(( )).
      if (element && /[A-Za-z_$`"'\\]/.test(element[1]!)) this.evaluates.push(text.slice(0, element[0].length));
      if (cmd.words.length === 0 && (element || /^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(text))) {
        if (this.peek() === '(') this.fail('array assignments are not supported');
        cmd.assignments.push(w);
      } else {
        cmd.words.push(w);
      }
    }
    if (cmd.words.length === 0 && cmd.assignments.length === 0 && cmd.redirects.length === 0) this.fail('empty command');
    this.commands.push(cmd);
  }

  private parseFunction(nameWord: Word, context: SimpleCommand['context']): void {
    this.i++;
    this.skipBlanks();
    if (this.peek() !== ')') this.fail('unexpected "("');
    this.i++;
    this.skipBlanksAndNewlines();
    const before = this.commands.length;
    this.parseCommand(context, false);
    const body = this.commands.slice(before);
    this.functions.push({ name: wordText(nameWord), body });
  }

  private tryRedirect(context: SimpleCommand['context']): Redirect | null {
    const m = /^(\d*)(&>>|&>|>>|>\||>&|<<<|<<-|<<|<&|<>|>|<)/.exec(this.s.slice(this.i, this.i + 8));
    if (!m) return null;
    const op = m[2]!;
    // `<(` and `>(` are process substitutions, i.e. words.
    if ((op === '<' || op === '>') && this.s[this.i + m[0].length] === '(') {
      if (m[1]) this.fail('bad process substitution');
      return null;
    }
    this.i += m[0].length;
    this.skipBlanks();
    const fd = m[1] ? Number(m[1]) : undefined;
    if (op === '<<' || op === '<<-') {
      const start = this.i;
      const w = this.readWord(context);
      if (!w) this.fail('here-document needs a delimiter');
      const raw = this.s.slice(start, this.i);
      const quoted = /["'\\]/.test(raw);
      const r: Redirect = { op, target: w, heredoc: { body: '', quoted } };
      if (fd !== undefined) r.fd = fd;
      this.pending.push({ redirect: r, delimiter: wordText(w), stripTabs: op === '<<-' });
      return r;
    }
    const w = this.readWord(context);
    if (!w) this.fail(`redirection ${op} needs a target`);
    const r: Redirect = { op, target: w };
    if (fd !== undefined) r.fd = fd;
    return r;
  }

  /** Reads one word; null when the next character cannot start a word. */
  private readWord(_context: SimpleCommand['context']): Word | null {
    const start = this.i;
    const cells: Cell[] = [];
    for (;;) {
      const c = this.peek();
      if (c === '') break;
      if ((c === '<' || c === '>') && this.peek(1) === '(') {
        this.i += 2;
        const sub = this.subParser();
        cells.push({ dyn: `${c}(...)`, commands: sub });
        continue;
      }
      if (META.has(c)) break;
      if (c === '\\') {
        const n = this.peek(1);
        if (n === '') this.fail('trailing backslash');
        this.i += 2;
        if (n !== '\n') cells.push({ ch: n, quoted: true });
        continue;
      }
      if (c === "'") {
        const end = this.s.indexOf("'", this.i + 1);
        if (end === -1) this.fail('unterminated single quote');
        for (const ch of this.s.slice(this.i + 1, end)) cells.push({ ch, quoted: true });
        this.i = end + 1;
        continue;
      }
      if (c === '"') {
        this.i++;
        this.readDoubleQuoted('"', cells, 'substitution');
        continue;
      }
      if (c === '$') {
        this.readDollar(cells, false);
        continue;
      }
      if (c === '`') {
        cells.push(this.readBackticks());
        continue;
      }
      if (c === '~' && this.i === start) {
        // The tilde prefix: ~, ~+, ~-, ~user, up to the first slash. Quoted characters in it stop expansion.
        const m = /^~[A-Za-z0-9._+-]*/.exec(this.s.slice(this.i, this.i + 256))!;
        const after = this.s[this.i + m[0].length];
        if (after === undefined || after === '/' || META.has(after)) {
          this.i += m[0].length;
          cells.push({ dyn: m[0] });
          continue;
        }
      }
      cells.push({ ch: c, quoted: false });
      this.i++;
    }
    if (this.i === start) return null;
    return { cells, raw: this.s.slice(start, this.i) };
  }

  /** Parses a command list up to `)` and returns its commands (the `)` is consumed). */
  private subParser(): SimpleCommand[] {
    const before = this.commands.length;
    // Here-documents opened outside are read after the substitution; those opened inside must end
    // inside it. bash differs between versions at that edge (a body line "EOF)" ends the document
    // and the substitution in bash 5.2), so anything else is refused rather than guessed.
    const outer = this.pending;
    this.pending = [];
    this.inSubstitution++;
    this.enter();
    this.parseList(')', 'substitution');
    this.nest--;
    this.inSubstitution--;
    if (this.pending.length) this.fail('a here-document opened inside $( ) must end inside it');
    this.pending = outer;
    this.i++;
    const found = this.commands.slice(before).map((c) => ({ ...c, context: 'substitution' as const }));
    this.commands.splice(before, found.length, ...found);
    return found;
  }

  /** Reads the inside of "..." (or an unquoted here-document when `end` is null). */
  readDoubleQuoted(end: '"' | null, cells: Cell[], _context: SimpleCommand['context']): void {
    for (;;) {
      const c = this.peek();
      if (c === '') {
        if (end === null) return;
        this.fail('unterminated double quote');
      }
      if (c === end) {
        this.i++;
        return;
      }
      if (c === '\\') {
        const n = this.peek(1);
        if (n === '$' || n === '`' || n === '\\' || (end !== null && n === '"')) {
          cells.push({ ch: n, quoted: true });
          this.i += 2;
        } else if (n === '\n') {
          this.i += 2;
        } else {
          cells.push({ ch: '\\', quoted: true });
          this.i++;
        }
        continue;
      }
      if (c === '$') {
        this.readDollar(cells, true);
        continue;
      }
      if (c === '`') {
        cells.push(this.readBackticks());
        continue;
      }
      cells.push({ ch: c, quoted: true });
      this.i++;
    }
  }

  private readDollar(cells: Cell[], inQuotes: boolean): void {
    const n = this.peek(1);
    if (n === "'" && !inQuotes) {
      this.i += 2;
      for (const ch of this.readAnsiC()) cells.push({ ch, quoted: true });
      return;
    }
    if (n === '"' && !inQuotes) {
      this.i += 2;
      this.readDoubleQuoted('"', cells, 'substitution');
      return;
    }
    if (this.startsWith('$((')) {
      const start = this.i;
      this.i += 3;
      this.readArithmetic('))', start);
      cells.push({ dyn: this.s.slice(start, this.i) });
      return;
    }
    if (n === '[') {
      // $[ ] is old-style arithmetic: the same evaluation as $(( )).
      const start = this.i;
      this.i += 2;
      this.readArithmetic(']', start);
      cells.push({ dyn: this.s.slice(start, this.i) });
      return;
    }
    if (n === '(') {
      const start = this.i;
      this.i += 2;
      const sub = this.subParser();
      cells.push({ dyn: this.s.slice(start, this.i), commands: sub });
      return;
    }
    if (n === '{') {
      const start = this.i;
      this.i += 2;
      this.readBraceParameter(start);
      cells.push({ dyn: this.s.slice(start, this.i) });
      return;
    }
    const m = /^\$([A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/.exec(this.s.slice(this.i, this.i + 256));
    if (m) {
      this.i += m[0].length;
      cells.push({ dyn: m[0] });
      return;
    }
    cells.push({ ch: '$', quoted: inQuotes });
    this.i++;
  }

  /**
   * Reads arithmetic up to `end` (`))`, `]`, `:` or `}` at depth 0), recording the commands of
   * substitutions inside it. Numbers, operators and the always-numeric specials ($#, $?, $$, $!,
   * ${#name}) are known; a name, a positional parameter or a substitution is text that bash
   * evaluates as an expression, so it goes into `evaluates`. Returns the stop found.
   */
  private readArithmetic(end: string, start: number, stops = ''): string {
    this.enter();
    let depth = 0;
    let unknown = false;
    for (;;) {
      const c = this.peek();
      if (c === '') this.fail(`unterminated arithmetic ${JSON.stringify(this.s.slice(start, start + 3))}`);
      if (depth === 0 && this.startsWith(end)) {
        this.i += end.length;
        if (unknown) this.evaluates.push(this.s.slice(start, this.i));
        this.nest--;
        return end;
      }
      if (depth === 0 && stops.includes(c)) {
        if (unknown) this.evaluates.push(this.s.slice(start, this.i));
        this.nest--;
        return c;
      }
      if (c === '(' || c === '[') depth++;
      else if ((c === ')' || c === ']') && depth > 0) depth--;
      else if (c === ')') this.fail('unbalanced ")" in arithmetic');
      if (c === '$') {
        const special = /^\$(?:[#?$!]|\{#[A-Za-z_][A-Za-z0-9_]*\})/.exec(this.s.slice(this.i, this.i + 256));
        if (special) {
          this.i += special[0].length;
          continue;
        }
        unknown = true;
        this.readDollar([], true);
        continue;
      }
      if (c === '`') {
        unknown = true;
        this.readBackticks();
        continue;
      }
      if (/[0-9]/.test(c)) {
        // A number, also 0x1f and base#digits: letters in it are digits, not names.
        this.i += /^(0[xX][0-9A-Fa-f]+|[0-9]+#[0-9A-Za-z@_]+|[0-9]+)/.exec(this.s.slice(this.i, this.i + 80))![0].length;
        continue;
      }
      if (c === '"' || c === "'" || c === '\\') unknown = true;
      if (/[A-Za-z_]/.test(c)) unknown = true;
      this.i++;
    }
  }

  /**
   * Reads ${...} after the `${`: the parameter, an optional [subscript] (arithmetic), then an
   * operator and its word (default values, patterns, replacements: substitutions in them run)
   * or :offset:length (arithmetic). ${!name} evaluates the value of name as a name, with its
   * subscript: unknown.
   */
  private readBraceParameter(start: number): void {
    this.enter();
    this.readBraceParts(start);
    this.nest--;
  }

  private readBraceParts(start: number): void {
    if (this.peek() === '#' && this.peek(1) !== '}') this.i++;
    else if (this.peek() === '!') {
      this.i++;
      const m = /^[A-Za-z_][A-Za-z0-9_]*(\[[@*]\])?[@*]?/.exec(this.s.slice(this.i, this.i + 256));
      if (!m || !/[@*]$/.test(m[0])) this.evaluates.push(this.s.slice(start, this.i + (m?.[0].length ?? 0)));
    }
    const name = /^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])/.exec(this.s.slice(this.i, this.i + 256));
    if (!name) this.fail('bad ${...} parameter');
    this.i += name[0].length;
    if (this.peek() === '[') {
      const subStart = this.i;
      this.i++;
      if ((this.peek() === '@' || this.peek() === '*') && this.peek(1) === ']') this.i += 2;
      else this.readArithmetic(']', subStart);
    }
    if (this.peek() === '}') {
      this.i++;
      return;
    }
    if (this.peek() === ':' && !'-=?+'.includes(this.peek(1))) {
      // ${x:offset} and ${x:offset:length}.
      const offStart = this.i;
      this.i++;
      if (this.readArithmetic('}', offStart, ':') === '}') return;
      const lenStart = this.i;
      this.i++;
      this.readArithmetic('}', lenStart);
      return;
    }
    const op = /^(:[-=?+]|[-=?+]|##?|%%?|\/[\/#%]?|\^\^?|,,?|@[A-Za-z])/.exec(this.s.slice(this.i, this.i + 3));
    if (!op) this.fail(`unsupported \${...} operator at ${JSON.stringify(this.s.slice(start, this.i + 2))}`);
    this.i += op[0].length;
    this.readBraceWord();
  }

  /** The word part of ${x:-word}, ${x/pat/rep} ...: up to the matching }, substitutions recorded. */
  private readBraceWord(): void {
    for (;;) {
      const c = this.peek();
      if (c === '') this.fail('unterminated ${');
      if (c === '}') {
        this.i++;
        return;
      }
      if (c === '\\') this.i += 2;
      else if (c === "'") {
        const end = this.s.indexOf("'", this.i + 1);
        if (end === -1) this.fail('unterminated single quote');
        this.i = end + 1;
      } else if (c === '"') {
        this.i++;
        this.readDoubleQuoted('"', [], 'substitution');
      } else if (c === '$') this.readDollar([], true);
      else if (c === '`') this.readBackticks();
      else this.i++;
    }
  }

  /** Decodes $'...' the way bash does for the escapes that matter; others are refused. */
  private readAnsiC(): string {
    let out = '';
    for (;;) {
      const c = this.peek();
      if (c === '') this.fail("unterminated $'");
      this.i++;
      if (c === "'") return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.peek();
      this.i++;
      const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };
      if (e in simple) out += simple[e];
      else if (e === 'x') {
        const m = /^[0-9a-fA-F]{1,2}/.exec(this.s.slice(this.i));
        if (!m) this.fail("bad \\x escape in $'...'");
        out += String.fromCharCode(parseInt(m[0], 16));
        this.i += m[0].length;
      } else if (/[0-7]/.test(e)) {
        const m = /^[0-7]{0,2}/.exec(this.s.slice(this.i))!;
        out += String.fromCharCode(parseInt(e + m[0], 8));
        this.i += m[0].length;
      } else if (e === 'u' || e === 'U') {
        const m = (e === 'u' ? /^[0-9a-fA-F]{1,4}/ : /^[0-9a-fA-F]{1,8}/).exec(this.s.slice(this.i));
        if (!m) this.fail(`bad \\${e} escape in $'...'`);
        out += String.fromCodePoint(parseInt(m[0], 16));
        this.i += m[0].length;
      } else {
        this.fail(`unsupported escape \\${e} in $'...'`);
      }
      if (out.includes('\0')) this.fail("NUL byte in $'...'");
    }
  }

  private readBackticks(): Cell {
    const start = this.i;
    this.i++;
    let inner = '';
    for (;;) {
      const c = this.peek();
      if (c === '') this.fail('unterminated backquote');
      this.i++;
      if (c === '`') break;
      if (c === '\\' && ['`', '\\', '$'].includes(this.peek())) {
        inner += this.peek();
        this.i++;
      } else inner += c;
    }
    const sub = new Parser(inner, this.depth + 1);
    sub.parseScript();
    const found = sub.commands.map((c) => ({ ...c, context: 'substitution' as const }));
    this.commands.push(...found);
    this.functions.push(...sub.functions);
    this.evaluates.push(...sub.evaluates);
    return { dyn: this.s.slice(start, this.i), commands: found };
  }
}

/** Parses a shell command line into the simple commands it would run. Never throws. */
export function parseShell(command: string, depth = 0): ParseResult {
  if (command.includes('\0')) return { ok: false, error: 'the command contains a NUL byte' };
  if (command.length > MAX_INPUT) return { ok: false, error: `the command is longer than ${MAX_INPUT} characters` };
  try {
    const p = new Parser(command, depth);
    p.parseScript();
    const simple = p.commands;
    return { ok: true, commands: simple.filter((c) => c.words.length > 0).map((c) => c.words.map(wordText)), simple, functions: p.functions, evaluates: p.evaluates };
  } catch (err) {
    if (err instanceof ShellParseError) return { ok: false, error: err.message };
    throw err;
  }
}
