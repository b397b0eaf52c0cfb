/**
 * A small reader for the bash in `run:` steps: enough to find the commands a
 * step runs and their words, not a shell. Quotes are removed, variables are
 * left as written (`"$PLAN_DIR/x"` stays `$PLAN_DIR/x`, so callers can tell a
 * word is dynamic), comments are dropped, and commands are split on newlines,
 * `;`, `&&`, `||`, `|`, `&`, `(`/`)` and an unquoted `$(...)`. Leading shell keywords
 * (`if`, `then`, `do`, `!` ...) are removed; `for`/`case`/`function` headers are skipped.
 */
export function shellCommands(script: string): string[][] {
  const text = script.replace(/\\\r?\n/g, " ");
  const commands: string[][] = [];
  let words: string[] = [];
  let word = "";
  let inWord = false;

  const endWord = () => {
    if (inWord) words.push(word);
    word = "";
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };

  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    const next = text[index + 1];
    if (char === "'") {
      const end = text.indexOf("'", index + 1);
      const stop = end === -1 ? text.length : end;
      word += text.slice(index + 1, stop);
      inWord = true;
      index = stop;
    } else if (char === '"') {
      inWord = true;
      for (index++; index < text.length && text[index] !== '"'; index++) {
        if (text[index] === "\\" && index + 1 < text.length) index++;
        word += text[index];
      }
    } else if (char === "\\" && next !== undefined) {
      word += next;
      inWord = true;
      index++;
    } else if (char === "#" && !inWord) {
      while (index < text.length && text[index] !== "\n") index++;
      endCommand();
    } else if (char === "$" && next === "(") {
      // Command substitution: its inside is a command of its own.
      endCommand();
      index++;
    } else if (char === "$" && next === "{") {
      const end = text.indexOf("}", index);
      const stop = end === -1 ? text.length - 1 : end;
      word += text.slice(index, stop + 1);
      inWord = true;
      index = stop;
    } else if (char === "\n" || char === ";" || char === "|" || char === "&" || char === "(" || char === ")") {
      endCommand();
    } else if (char === " " || char === "\t" || char === "\r") {
      endWord();
    } else if ((char === ">" || char === "<") && (!inWord || /^\d+$/.test(word))) {
      // Redirection (`> file`, `2>&1`, `>> "$GITHUB_OUTPUT"`): drop the operator and its target.
      word = "";
      inWord = false;
      while (text[index + 1] === ">" || text[index + 1] === "&") index++;
      while (text[index + 1] === " ") index++;
      let quote: string | undefined;
      while (index + 1 < text.length) {
        const peek = text[index + 1]!;
        if (quote) {
          if (peek === quote) quote = undefined;
        } else if (peek === '"' || peek === "'") quote = peek;
        else if (/[\s;|&()]/.test(peek)) break;
        index++;
      }
    } else {
      word += char;
      inWord = true;
    }
  }
  endCommand();

  const keywords = new Set([
    "if",
    "then",
    "else",
    "elif",
    "fi",
    "do",
    "done",
    "while",
    "until",
    "!",
    "{",
    "}",
    "time",
    "esac",
  ]);
  return commands
    .map((command) => {
      let start = 0;
      while (start < command.length && keywords.has(command[start]!)) start++;
      return command.slice(start);
    })
    .filter(
      (command) =>
        command.length > 0 &&
        !["for", "case", "function", "[", "[[", "test", "echo", "printf", "exit", "return"].includes(command[0]!),
    );
}

/** Strips leading `NAME=value` assignments (and `env`) from a command. */
export function withoutAssignments(command: string[]): string[] {
  let start = 0;
  if (command[0] === "env") start = 1;
  while (start < command.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(command[start]!)) start++;
  return command.slice(start);
}
