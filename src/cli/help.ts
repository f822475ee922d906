/**
 * The help texts every command shares (exit codes, configuration) and each command's Examples
 * section, wrapped to the terminal's width. commander wraps its own parts (usage, options) to the
 * same width (src/cli/program.ts `getOutHelpWidth`).
 */
import { packageFile } from '../package-root.js';
import type { OutStream } from './io.js';

const EXIT_CODE_ROWS: readonly (readonly [code: string, meaning: string])[] = [
  ['0', 'the run did its work, or another run held the lock and this one skipped (said in the summary)'],
  ['1', 'the run finished but some records failed (quarantined or marked ERROR)'],
  ['64', 'usage error (unknown command or option, bad option value)'],
  [
    '69',
    'a service was unavailable: the database, Oro, the SMTP server or the SSH tunnel could not be reached or ' +
      'refused the credentials, Oro did not answer as its API, a job lock was lost, or the database still ' +
      'failed after retries; nothing was half-written',
  ],
  ['70', 'internal error (a bug in sagesync; run again with --verbose and report it)'],
  ['78', 'the configuration is invalid (every problem is named with its key and file)'],
  [
    '143, 130, 129',
    'stopped by SIGTERM, SIGINT, SIGHUP after the batch in flight (a second signal: at once)',
  ],
];

/** The contract's exit codes (docs/contract/cli-and-config.md "Exit codes"), one paragraph each. */
export function exitCodes(width: number): string {
  const rows = EXIT_CODE_ROWS.flatMap(([code, meaning]) =>
    wrap(meaning, width, '      ', `  ${code.length < 4 ? code.padEnd(4) : `${code}  `}`),
  );
  return ['', 'Exit codes:', ...rows].join('\n');
}

/** How the configuration is found, after the list of commands. */
export function configHelp(width: number): string {
  const text =
    'Configuration: --config <file>, else $SAGESYNC_CONFIG, else the first of package.json ("sagesync" ' +
    'key), .sagesyncrc, .sagesyncrc.{json,yaml,yml,js,ts,cjs,mjs}, sagesync.config.{js,ts,cjs,mjs} in the ' +
    'current directory; --config - reads it from standard input. Any key can be set by ' +
    'SAGESYNC_<KEY_PATH> (oro.clientSecret is SAGESYNC_ORO_CLIENT_SECRET). See man 5 sagesync-config, ' +
    `or ${packageFile('docs/configuration.md')}.`;
  return ['', ...wrap(text, width, '')].join('\n');
}

/** One example: a command line as typed, and what it does. */
export type Example = readonly [line: string, what: string];

/** The width help is wrapped to: the terminal's, or 80 (also for a pty that reports 0 columns). */
export function helpWidth(stream: OutStream): number {
  const columns = stream.columns;
  return typeof columns === 'number' && Number.isFinite(columns) && columns > 0 ? columns : 80;
}

/** `text`'s words in lines of at most `width` columns after `indent`; a longer word keeps its line. */
function wrap(text: string, width: number, indent: string, firstIndent = indent): string[] {
  const lines: string[] = [];
  let line = firstIndent;
  let empty = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = indent;
      empty = true;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/**
 * The Examples section: each command as it is typed (a long one continued with ` \`, so that it
 * can be pasted into a shell), and under it what it does.
 */
export function examplesText(examples: readonly Example[], width: number): string {
  if (examples.length === 0) return '';
  const out = ['', 'Examples:'];
  for (const [line, what] of examples) {
    // Room for the " \" that continues a command line.
    const command = wrap(line, Math.max(20, width - 2), '        ', '  $ ');
    out.push(...command.map((l, i) => (i < command.length - 1 ? `${l} \\` : l)));
    out.push(...wrap(what, Math.max(20, width), '      '));
  }
  return out.join('\n');
}

/** What a job's help says after its options: what it reads and writes, its examples, exit codes. */
export function jobHelp(
  j: { reads: string; writes: string; examples?: readonly Example[] },
  width: () => number,
): () => string {
  return () => {
    const w = width();
    const body = [
      '',
      ...wrap(`${j.reads}.`, w, '        ', 'Reads:  '),
      ...wrap(`${j.writes}.`, w, '        ', 'Writes: '),
      ...wrap('Each job runs under its own lock; a second run that finds it held skips (exit 0).', w, ''),
    ].join('\n');
    return afterOptions(body, j.examples ?? [], w);
  };
}

/** Any other command's text after its options: `body` (wrapped), its examples, the exit codes. */
export function commandHelp(body: string, examples: readonly Example[], width: () => number): () => string {
  return () => {
    const w = width();
    const paragraphs = body.split('\n').map((p) => {
      // "Reads:  …" keeps its label column on the lines it wraps to.
      const label = /^[A-Z][a-z]+: +/.exec(p)?.[0] ?? '';
      return p === '' ? '' : wrap(p.slice(label.length), w, ' '.repeat(label.length), label).join('\n');
    });
    return afterOptions(paragraphs.join('\n'), examples, w);
  };
}

/** Sections start with an empty line (commander ends its part with a line break). */
function afterOptions(body: string, examples: readonly Example[], width: number): string {
  return [body, examplesText(examples, width), exitCodes(width)].filter((t) => t !== '').join('\n');
}
