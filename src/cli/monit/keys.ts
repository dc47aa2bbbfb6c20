/** What a key press asks `hive monit` to do. */
export type KeyAction = 'quit' | 'app-next' | 'app-prev' | 'instance-next' | 'instance-prev';

// Arrows come as CSI (`ESC [ A`) or, in the terminal's application cursor mode, SS3 (`ESC O A`): both are accepted.
const sequences: [string, KeyAction][] = [
  ['\x1b[A', 'app-prev'],
  ['\x1bOA', 'app-prev'],
  ['\x1b[B', 'app-next'],
  ['\x1bOB', 'app-next'],
  ['\x1b[C', 'instance-next'],
  ['\x1bOC', 'instance-next'],
  ['\x1b[D', 'instance-prev'],
  ['\x1bOD', 'instance-prev'],
  ['\x1b[Z', 'instance-prev'], // Shift-Tab
];

const singles: Record<string, KeyAction> = {
  q: 'quit',
  Q: 'quit',
  '\x03': 'quit', // Ctrl-C: raw mode delivers it as a byte, not SIGINT
  '\x04': 'quit', // Ctrl-D
  j: 'app-next',
  k: 'app-prev',
  l: 'instance-next',
  '\t': 'instance-next',
  h: 'instance-prev',
};

/** The actions of one chunk of raw terminal input (a paste or a fast typist can put several keys in one chunk). */
export function parseKeys(input: string): KeyAction[] {
  const actions: KeyAction[] = [];
  let i = 0;
  while (i < input.length) {
    const sequence = input[i] === '\x1b' ? sequences.find(([s]) => input.startsWith(s, i)) : undefined;
    if (sequence) {
      actions.push(sequence[1]);
      i += sequence[0].length;
      continue;
    }
    if (input[i] === '\x1b') {
      // Another escape sequence (function keys, a lone Esc): skip it whole, so its letters are not read as keys.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what is matched
      const match = /^\x1b(?:\[[0-9;?]*[ -/]*[@-~]|O.|)/.exec(input.slice(i));
      i += Math.max(1, match?.[0].length ?? 1);
      continue;
    }
    const action = singles[input[i]!];
    if (action) actions.push(action);
    i++;
  }
  return actions;
}

// An escape sequence cut short at the end of a chunk: ESC, ESC [ with its parameters, or ESC O, still to be ended.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what is matched
const kUnfinished = /\x1b(?:\[[0-9;?]*[ -/]*|O)?$/;

/**
 * Reads a terminal's raw input chunk by chunk. A key's escape sequence may come in two reads (a slow SSH link, mosh):
 * the part at the end of one chunk waits for the next, where read on its own the arrow was lost.
 */
export class KeyReader {
  #pending = '';

  read(chunk: string): KeyAction[] {
    const input = this.#pending + chunk;
    const cut = kUnfinished.exec(input);
    this.#pending = cut ? cut[0] : '';
    return parseKeys(cut ? input.slice(0, cut.index) : input);
  }
}
