import type { LineCounter, YAMLError } from "yaml";

/**
 * Where a YAML syntax error really is. The parser reports where it noticed the problem, which on
 * indentation mistakes and unclosed brackets or quotes is often a line or several after the line
 * to fix. When the parser has failed, this file re-reads the text line by line for the usual
 * culprits and, when it finds one at or before the parser's position, reports that instead:
 *
 * - a tab in the indentation (YAML indents with spaces only);
 * - a quoted value whose quote is not closed on its line;
 * - a flow collection (`[a, b` or `{a: 1`) that is not closed before the text moves on;
 * - a line that is neither `key: value` nor `- item` (a missing colon);
 * - a line indented differently from its siblings: the odd one out is blamed, so a block whose
 *   first key is mis-indented is reported on that key, not on the next one.
 *
 * Otherwise the parser's own position and message stand.
 */

/** A syntax error as reported: 1-based line and column, one-line message. */
export interface SyntaxLocation {
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/** How far before the parser's line a finding may lie and still be taken as its cause. */
const MAX_LINES_BEFORE_PARSER = 12;
/**
 * How far after: an over-indented `key: value` makes the parser read it as part of the line
 * above's value, and it then reports the line above.
 */
const MAX_LINES_AFTER_PARSER = 1;

interface Line {
  /** 1-based line number. */
  readonly number: number;
  /** Leading spaces. */
  readonly indent: number;
  /** Content without the leading spaces and without a trailing comment. */
  readonly content: string;
}

interface Level {
  readonly indent: number;
  /** The first line at this level in its block. */
  readonly first: Line;
}

/** The error's location: a finding of the line scan when it explains the parser's error, else the parser's. */
export function locateSyntaxError(text: string, error: YAMLError, lineCounter: LineCounter): SyntaxLocation {
  const parser = lineCounter.linePos(error.pos[0]);
  const parserMessage = error.message.split("\n")[0] ?? error.message;
  const finding = scan(text);
  if (
    finding !== undefined &&
    finding.line <= parser.line + MAX_LINES_AFTER_PARSER &&
    finding.line >= parser.line - MAX_LINES_BEFORE_PARSER
  ) {
    return finding;
  }
  return { line: parser.line, column: parser.col, message: parserMessage };
}

/**
 * Walks the text for an unclosed quote, an unclosed flow collection or an inconsistent indent,
 * and returns the first it meets.
 * @internal Exported for its tests (knip --production ignores the tag).
 */
export function scan(text: string): SyntaxLocation | undefined {
  const raw = text.split(/\r?\n/);
  const lines: Line[] = [];
  let blockScalarIndent: number | undefined;
  /** A flow collection left open at the end of a line: where, at what indent, how deep. */
  let flow: { line: number; column: number; bracket: string; indent: number; depth: number } | undefined;
  for (const [index, source] of raw.entries()) {
    const number = index + 1;
    const indent = source.length - source.trimStart().length;
    const trimmed = source.trim();
    if (blockScalarIndent !== undefined) {
      if (trimmed === "" || indent > blockScalarIndent) continue;
      blockScalarIndent = undefined;
    }
    if (trimmed === "" || trimmed.startsWith("#") || trimmed === "---" || trimmed === "...") continue;
    const leading = source.slice(0, indent);
    if (leading.includes("\t")) {
      return { line: number, column: leading.indexOf("\t") + 1, message: "tab in the indentation: YAML indents with spaces only" };
    }
    if (flow !== undefined && indent <= flow.indent) {
      const [kind, closer] = flow.bracket === "[" ? ["flow sequence", "]"] : ["flow mapping", "}"];
      return { line: flow.line, column: flow.column, message: `${kind} "${flow.bracket}" opened here is never closed with "${closer}"` };
    }
    const lexed = lex(source);
    if (lexed.openQuote !== undefined) {
      return { line: number, column: lexed.openQuote + 1, message: "quoted value opened here is not closed on its line" };
    }
    if (flow !== undefined) {
      // Inside a flow collection over several lines: indentation does not matter there.
      const depth = flow.depth + lexed.depth;
      flow = depth > 0 ? { ...flow, depth } : undefined;
      continue;
    }
    if (lexed.depth > 0 && lexed.firstOpen !== undefined) {
      flow = { line: number, column: lexed.firstOpen.column + 1, bracket: lexed.firstOpen.bracket, indent, depth: lexed.depth };
    }
    const content = lexed.content.trim();
    lines.push({ number, indent, content });
    if (/[:-]\s*[|>][-+0-9]*$/.test(content)) blockScalarIndent = indent;
  }
  return inconsistentIndent(lines);
}

interface Lexed {
  /** The line without its comment. */
  readonly content: string;
  /** 0-based column of a quote left open at the end of the line. */
  readonly openQuote?: number;
  /** Open brackets minus closed ones. */
  readonly depth: number;
  /** The first bracket left open. */
  readonly firstOpen?: { readonly column: number; readonly bracket: string };
}

/** Quotes, brackets and comments of one line. */
function lex(source: string): Lexed {
  let quote: { char: string; column: number } | undefined;
  const open: { column: number; bracket: string }[] = [];
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const char = source[i] ?? "";
    if (quote !== undefined) {
      if (quote.char === '"' && char === "\\") i++;
      else if (char === quote.char) {
        if (quote.char === "'" && source[i + 1] === "'") i++;
        else quote = undefined;
      }
      continue;
    }
    if (char === "#" && (i === 0 || /\s/.test(source[i - 1] ?? ""))) {
      return { content: source.slice(0, i), depth, ...(open[0] === undefined ? {} : { firstOpen: open[0] }) };
    }
    // A quote starts a quoted scalar only where a value starts: at the start, or after `:`, `-`, `[`, `{` or `,`.
    if (char === '"' || char === "'") {
      const before = source.slice(0, i).trimEnd();
      if (before === "" || /[:[{,-]$/.test(before)) {
        quote = { char, column: i };
        continue;
      }
    }
    if (char === "[" || char === "{") {
      depth++;
      open.push({ column: i, bracket: char });
    } else if (char === "]" || char === "}") {
      depth--;
      open.pop();
    }
  }
  return {
    content: source,
    depth,
    ...(quote === undefined ? {} : { openQuote: quote.column }),
    ...(open[0] === undefined ? {} : { firstOpen: open[0] }),
  };
}

/** True when the line's value continues on the next, more indented lines (`key:` or `- key:` or `-`). */
function opensBlock(content: string): boolean {
  return content === "-" || /:$/.test(content);
}

/** The column of the mapping inside a sequence item (`- name: x` at 4 has its keys at 6). */
function itemMappingIndent(line: Line): number | undefined {
  const match = /^(-\s+)+/.exec(line.content);
  if (match === null) return undefined;
  return line.indent + match[0].length;
}

/** The first line whose indentation disagrees with its block, blaming the odd one out. */
function inconsistentIndent(lines: readonly Line[]): SyntaxLocation | undefined {
  const stack: Level[] = [];
  let previous: Line | undefined;
  for (const [position, line] of lines.entries()) {
    if (!/^-(\s|$)/.test(line.content) && !/:(\s|$)/.test(line.content)) {
      return {
        line: line.number,
        column: line.indent + 1,
        message: `"${line.content}" is neither a key: value pair nor a list item (a missing ":"?)`,
      };
    }
    const top = stack[stack.length - 1];
    if (top === undefined) {
      stack.push({ indent: line.indent, first: line });
    } else if (line.indent > top.indent) {
      if (previous === undefined || !opensBlock(previous.content)) {
        return blame(lines, position, stack, top, line);
      }
      stack.push({ indent: line.indent, first: line });
    } else if (line.indent < top.indent) {
      let popped: Level = top;
      while (stack.length > 0 && (stack[stack.length - 1]?.indent ?? 0) > line.indent) popped = stack.pop() ?? popped;
      const landed = stack[stack.length - 1];
      if (landed === undefined || landed.indent !== line.indent) {
        stack.push(popped);
        return blame(lines, position, stack, popped, line);
      }
    }
    const inner = itemMappingIndent(line);
    if (inner !== undefined && line.content.replace(/^(-\s+)+/, "") !== "") {
      stack.push({ indent: inner, first: { ...line, indent: inner } });
    }
    previous = line;
  }
  return undefined;
}

/**
 * `line` disagrees with `level` (the level its block set, first used by `level.first`). Counts
 * the lines of the enclosing block at each of the two indents: when the level's first line is
 * alone at its indent and the block mostly uses the other one, that first line is the odd one.
 */
function blame(lines: readonly Line[], position: number, stack: readonly Level[], level: Level, line: Line): SyntaxLocation {
  const parentIndent = stack.length >= 2 ? (stack[stack.length - 2]?.indent ?? -1) : -1;
  const start = lines.indexOf(level.first);
  const block: Line[] = [];
  for (const candidate of lines.slice(start >= 0 ? start : position)) {
    if (candidate.indent <= parentIndent) break;
    block.push(candidate);
  }
  const atLevel = block.filter((candidate) => candidate.indent === level.indent).length;
  const atLine = block.filter((candidate) => candidate.indent === line.indent).length;
  if (atLevel === 1 && atLine >= 2 && level.first.number !== line.number) {
    return {
      line: level.first.number,
      column: level.first.indent + 1,
      message: `indented by ${level.first.indent} where the rest of its block is indented by ${line.indent}`,
    };
  }
  return {
    line: line.number,
    column: line.indent + 1,
    message: `indented by ${line.indent} where its block is indented by ${level.indent}`,
  };
}
