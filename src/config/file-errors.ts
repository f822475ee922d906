/**
 * What a configuration file that cannot be loaded is reported as: one plain message (secrets
 * masked, issue 18 point 9) and, where there is one, what to do.
 */
import { openSync, readSync, closeSync, fstatSync, constants } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import { maskConfigFrame } from './mask-frame.js';

/** Bytes of a broken file read to learn its secret values; a configuration is a few KB. */
const MAX_FRAME_SOURCE = 1024 * 1024;

/** The file's text when it is a small regular file (never blocks on a FIFO), else undefined. */
function readSmallFile(filepath: string, max = MAX_FRAME_SOURCE): string | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(filepath, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (!stat.isFile()) return undefined;
    const buffer = Buffer.alloc(Math.min(stat.size, max));
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).toString('utf8');
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * TypeScript's own syntax errors of a `.ts` file. cosmiconfig compiles it without looking at
 * them, and Node then fails on the broken output with a message about its internals ("Cannot
 * require() ES Module … a bug in Node.js"), which says nothing about the file.
 */
async function typescriptSyntaxError(filepath: string, text: string): Promise<string | undefined> {
  try {
    const ts = (await import('typescript')).default;
    const out = ts.transpileModule(text, {
      reportDiagnostics: true,
      fileName: filepath,
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
    });
    const first = out.diagnostics?.[0];
    if (!first) return undefined;
    const where =
      first.file && first.start !== undefined
        ? first.file.getLineAndCharacterOfPosition(first.start)
        : undefined;
    const at = where ? ` (line ${where.line + 1}, column ${where.character + 1})` : '';
    return `TypeScript syntax error: ${ts.flattenDiagnosticMessageText(first.messageText, ' ')}${at}`;
  } catch {
    return undefined;
  }
}

export async function describeLoadError(
  err: unknown,
  filepath: string,
): Promise<{ message: string; hint?: string }> {
  const e = err as NodeJS.ErrnoException;
  // Parsers colour their code frames when they think a terminal shows them (they also take CI=true
  // for one); the message goes to logs and e-mails, so it is kept plain.
  const text = stripVTControlCharacters(e instanceof Error ? e.message : String(err)).trim();
  if (
    /\.ts$/.test(filepath) &&
    (e.code === 'ERR_MODULE_NOT_FOUND' || /typescript/.test(text)) &&
    /Cannot find (package|module) 'typescript'/.test(text)
  ) {
    return {
      message: 'a .ts configuration needs the "typescript" package, which is not installed',
      hint: 'Install it next to sagesync (npm install typescript), or write the same file as sagesync.config.mjs.',
    };
  }
  if (e.code === 'EACCES' || e.code === 'EROFS') {
    return {
      message: `cannot read or compile the file: ${text}`,
      hint: 'A .ts configuration is compiled next to itself, so its directory must be writable; a .mjs file needs no compiling.',
    };
  }
  const source = readSmallFile(filepath);
  if (/\.[cm]?ts$/.test(filepath) && source !== undefined) {
    const syntax = await typescriptSyntaxError(filepath, source);
    if (syntax) return { message: maskConfigFrame(syntax, source) };
  }
  // cosmiconfig prefixes parse errors with "YAML Error in <file>:" — keep the parser's detail only.
  const message = text.replace(
    /^(YAML|JSON|TypeScript) Error in [^\n]*?:[ \t]*\n(?:[ \t]*\n)*/,
    // A code frame first (JSON) keeps its own lines; a message first (YAML) follows the colon.
    (_all, kind: string, offset: number, whole: string) =>
      /^\s*(?:>|\d+ \|)/.test(whole.slice(_all.length + offset))
        ? `${kind} syntax error:\n\n`
        : `${kind} syntax error: `,
  );
  return { message: maskConfigFrame(message, source) };
}
