/**
 * What testing a string against one schema `pattern` costs on V8's linear-time regular expression
 * engine, estimated from the pattern's source: pure, and an over-estimate by design.
 *
 * The engine (the `l` flag) is a Pike VM: it compiles the pattern to instructions and keeps at
 * most one thread per instruction; for each character of the text it runs every live thread one
 * step. A test therefore costs about (text length + 1) × (instructions live at once) plus a part
 * per call that grows with the program's size (it is set up afresh on every call). The source's
 * length is a poor measure of either: a character class compiles to one instruction per range
 * (`\S` has 11 of them, `.` has 4) and a `{16}` repeat copies its body 16 times, so the 9
 * characters `(\S{16})*` compile to ~350 instructions, all live at once on a string of
 * non-spaces (2 s on 256 KiB).
 *
 * The estimate follows the compiled program's shape:
 * - `size`: the instructions a piece compiles to, which are all live when the piece is entered
 *   on every character (an unanchored pattern is: the engine starts a thread at each position);
 * - `width`: the instructions live at once when the piece is entered once (a pattern anchored by
 *   `^`). Inside a piece whose every path consumes the same number of characters, the threads of
 *   one entry move in step, so a sequence of such pieces costs its widest one, and a loop over one
 *   (`[a-z]+`) its body's width. After a piece of varying length, later pieces may be entered on
 *   any character, so they count with their whole size (`^a*a*a*…c` keeps every `a*` live).
 * Instruction counts follow V8's compiler (a class of r ranges: r consumes, r - 1 forks and jumps;
 * a loop or an optional copy: a fork, a jump and a register reset; a capture: two registers).
 * Measured on Node 20 over adversarial patterns (every thread live), one estimated step took
 * 10–26 ns; ordinary patterns, whose threads die early, take far fewer steps than estimated.
 */

export interface PatternCost {
  /** Steps per character of the tested text (counting one more character than it has). */
  stepsPerChar: number;
  /** Steps per test whatever the text's length. */
  stepsPerCall: number;
}

interface Piece {
  size: number;
  width: number;
  /** Characters every path through the piece consumes; null when paths differ. */
  length: number | null;
}

/** Ranges of the class escapes without the `u` and `i` flags (the catalog compiles with neither). */
const CLASS_ESCAPE_RANGES: Record<string, number> = { d: 1, D: 2, w: 4, W: 5, s: 10, S: 11 };
const DOT_RANGES = 4;
/** Fork, jump and register reset around each loop or optional copy. */
const LOOP_STEPS = 3;
/** The engine's own work per character: swapping its thread lists, reading the character. */
const STEP_OVERHEAD = 4;
/** The `.*?` loop the engine puts before an unanchored pattern, to try it at every position. */
const UNANCHORED_PREFIX = 3;
const CALL_OVERHEAD = 8;
/** Setting up a call costs about one step per this many instructions of the program. */
const INSTRUCTIONS_PER_CALL_STEP = 8;

const consume = (ranges: number): Piece => {
  const instructions = 3 * Math.max(ranges, 1) - 2;
  return { size: instructions, width: instructions, length: 1 };
};
const ASSERTION: Piece = { size: 1, width: 1, length: 0 };

function sequence(terms: Piece[]): Piece {
  let size = 0;
  let width = 0;
  let length: number | null = 0;
  let spreadWidth = 0;
  for (const term of terms) {
    size += term.size;
    if (length === null) spreadWidth += term.size;
    else if (term.length === null) {
      length = null;
      spreadWidth = term.width;
    } else {
      width = Math.max(width, term.width);
      length += term.length;
    }
  }
  return { size, width: Math.max(width, spreadWidth), length };
}

function alternation(alternatives: Piece[]): Piece {
  const branching = 2 * (alternatives.length - 1);
  const length = alternatives.every((piece) => piece.length === alternatives[0].length) ? alternatives[0].length : null;
  return {
    size: alternatives.reduce((sum, piece) => sum + piece.size, branching),
    width: alternatives.reduce((sum, piece) => sum + piece.width, branching),
    length,
  };
}

function repeat(body: Piece, min: number, max: number): Piece {
  // The compiler emits `min` copies, then one looping copy (no maximum) or `max - min` optional ones.
  const copies = max === Infinity ? min + 1 : max;
  if (copies === 0) return { size: 0, width: 0, length: 0 };
  if (min === max) {
    return {
      size: min * body.size,
      width: body.length === null ? body.width + (min - 1) * body.size : body.width,
      length: body.length === null ? null : min * body.length,
    };
  }
  const size = copies * (body.size + LOOP_STEPS);
  return { size, width: body.length === null ? size : body.width + LOOP_STEPS, length: null };
}

/** Characters an escape takes after its backslash (`\x41` is one character, not three). */
function escapeLength(source: string, at: number): number {
  const rest = source.slice(at, at + 5);
  const match = /^(?:u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|c[a-zA-Z]|[0-7]{1,3})/.exec(rest);
  return match ? match[0].length : 1;
}

/** The ranges of the class opening at `at` ("["), and the index after its "]". */
function characterClass(source: string, at: number): { ranges: number; end: number } {
  let index = at + 1;
  const negated = source[index] === "^";
  if (negated) index++;
  let ranges = 0;
  const element = (): number => {
    if (source[index] !== "\\") {
      index++;
      return 1;
    }
    const escaped = source[index + 1] ?? "";
    index += 1 + escapeLength(source, index + 1);
    return CLASS_ESCAPE_RANGES[escaped] ?? 1;
  };
  while (index < source.length && source[index] !== "]") {
    const first = element();
    if (source[index] === "-" && index + 1 < source.length && source[index + 1] !== "]") {
      index++;
      const last = element();
      // a-z is one range; with a class escape at either end (Annex B), all three parts count.
      ranges += first === 1 && last === 1 ? 1 : first + 1 + last;
    } else ranges += first;
  }
  // The complement of r ranges has at most r + 1.
  return { ranges: negated ? ranges + 1 : ranges, end: index + 1 };
}

interface Frame {
  alternatives: Piece[];
  terms: Piece[];
  capturing: boolean;
  /** Whether every alternative so far starts with `^`. */
  anchored: boolean;
}

/**
 * The estimated cost of testing text against `source`, a pattern V8's linear engine accepted
 * (the syntax without the `u` flag, Annex B included). Any other text still gets a finite
 * over-estimate, in one pass that never recurses.
 */
export function patternCost(source: string): PatternCost {
  const frames: Frame[] = [{ alternatives: [], terms: [], capturing: false, anchored: true }];
  const top = () => frames[frames.length - 1];
  const endAlternative = (frame: Frame) => {
    frame.alternatives.push(sequence(frame.terms));
    frame.terms = [];
  };
  const endFrame = (frame: Frame): Piece => {
    endAlternative(frame);
    const piece = alternation(frame.alternatives);
    return frame.capturing ? { ...piece, size: piece.size + 2, width: piece.width + 2 } : piece;
  };
  let index = 0;
  /** Adds an atom to the current alternative, with the quantifier that follows it if any. */
  const atom = (piece: Piece, caret = false) => {
    const frame = top();
    if (frame.terms.length === 0 && !caret) frame.anchored = false;
    const quantifier = /^(?:([*+?])|\{(\d+)(,(\d*))?\})\??/.exec(source.slice(index, index + 40));
    if (!quantifier) {
      frame.terms.push(piece);
      return;
    }
    index += quantifier[0].length;
    const min = quantifier[1] ? (quantifier[1] === "+" ? 1 : 0) : Number(quantifier[2]);
    const max = quantifier[1] ? (quantifier[1] === "?" ? 1 : Infinity) : quantifier[3] === undefined ? min : quantifier[4] === "" ? Infinity : Number(quantifier[4]);
    frame.terms.push(repeat(piece, min, max));
  };
  while (index < source.length) {
    const char = source[index];
    if (char === "(") {
      // "(", "(?<name>" capture; "(?:" and the lookarounds (which the engine refuses) do not.
      const group = /^\((\?(?:<(?![=!])[^>]*>|[:=!]|<[=!])?)?/.exec(source.slice(index, index + 64))!;
      const marker = group[1] ?? "";
      index += group[0].length;
      const capturing = marker === "" || (marker.startsWith("?<") && marker !== "?<=" && marker !== "?<!");
      frames.push({ alternatives: [], terms: [], capturing, anchored: true });
    } else if (char === ")" && frames.length > 1) {
      index++;
      atom(endFrame(frames.pop()!));
    } else if (char === "|") {
      index++;
      const frame = top();
      if (frame.terms.length === 0) frame.anchored = false;
      endAlternative(frame);
    } else if (char === "^" || char === "$") {
      index++;
      atom(ASSERTION, char === "^");
    } else if (char === "\\") {
      const escaped = source[index + 1] ?? "";
      index += 1 + escapeLength(source, index + 1);
      atom(escaped === "b" || escaped === "B" ? ASSERTION : consume(CLASS_ESCAPE_RANGES[escaped] ?? 1));
    } else if (char === "[") {
      const { ranges, end } = characterClass(source, index);
      index = end;
      atom(consume(ranges));
    } else {
      index++;
      atom(consume(char === "." ? DOT_RANGES : 1));
    }
  }
  while (frames.length > 1) {
    const frame = frames.pop()!;
    top().terms.push(endFrame(frame));
  }
  const root = frames[0];
  const anchored = root.anchored && root.terms.length > 0;
  const program = endFrame(root);
  return {
    stepsPerChar: STEP_OVERHEAD + (anchored ? program.width : UNANCHORED_PREFIX + program.size),
    stepsPerCall: CALL_OVERHEAD + Math.ceil(program.size / INSTRUCTIONS_PER_CALL_STEP),
  };
}
