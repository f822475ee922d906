/**
 * Masks secrets in the message of a configuration file that does not parse (issue 18, point 9).
 * The YAML and JSON parsers quote the lines around the error (a code frame), and the file is not
 * valid yet, so the configured secrets are not known as values: the frame is masked by what its
 * lines look like. A line holding a secret-looking key (`clientSecret:`, `"password":`) shows no
 * value, and any piece of a value the file gives such a key (a block scalar's next line, an
 * unterminated quote, a parser's excerpt cut mid-value) is masked wherever it appears, and so is
 * the password of a connection URL.
 */
import { Redactor } from '../log/redact.js';

const MASKED = '***';

/** A key whose value is a secret, as written in YAML, JSON or JS (`clientSecret`, `"password"`, `client_secret`). */
const SECRET_NAME = String.raw`[A-Za-z_]*(?:secret|password|passphrase|passwd|token|private_?key|api_?key)`;
const KEY_THEN_VALUE = new RegExp(
  String.raw`(["']?${SECRET_NAME}["']?\s*[:=]\s*)("(?:\\.|[^"\\])*"?|'(?:[^'])*'?|[^\s,}\]]*)`,
  'gi',
);
const KEY_LINE = new RegExp(String.raw`^(\s*)["']?${SECRET_NAME}["']?\s*[:=]\s*(.*)$`, 'i');

/** Shortest piece of a secret masked on its own: shorter pieces are too common to mean anything. */
const FRAGMENT = 4;

/** The values the text gives secret-looking keys, block scalars and continuation lines included. */
function secretValuesIn(text: string): string[] {
  const values: string[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const m = KEY_LINE.exec(line);
    if (!m) return;
    const indent = (m[1] as string).length;
    const inline = (m[2] as string)
      .replace(/[,}\]]+\s*$/, '')
      .replace(/^["']|["']$/g, '')
      .trim();
    if (inline !== '' && !/^[|>][-+0-9]*$/.test(inline)) values.push(inline);
    // Lines indented deeper belong to the value (a YAML block scalar or a multi-line quote).
    for (const next of lines.slice(i + 1)) {
      const nextIndent = /^\s*/.exec(next)?.[0].length ?? 0;
      if (next.trim() !== '' && nextIndent <= indent) break;
      if (next.trim() !== '') values.push(next.trim().replace(/^["']|["']$/g, ''));
    }
  });
  // The password of a connection URL (staging.url: postgres://user:pass@host), whatever its key.
  for (const m of text.matchAll(/\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:([^@/\s]+)@/gi))
    values.push(m[1] as string);
  return values.filter((v) => v.length > 0);
}

/** Masks every run of `line` that is a piece (≥ FRAGMENT characters) of one of `secrets`. */
function maskFragments(line: string, secrets: readonly string[]): string {
  const hidden = new Array<boolean>(line.length).fill(false);
  for (const secret of secrets) {
    const size = Math.min(FRAGMENT, secret.length);
    for (let i = 0; i + size <= secret.length; i++) {
      const piece = secret.slice(i, i + size);
      for (let at = line.indexOf(piece); at !== -1; at = line.indexOf(piece, at + 1)) {
        hidden.fill(true, at, at + size);
      }
    }
  }
  if (!hidden.includes(true)) return line;
  let out = '';
  for (let i = 0; i < line.length; i++) {
    if (!hidden[i]) out += line[i] as string;
    else if (i === 0 || !hidden[i - 1]) out += MASKED;
  }
  return out;
}

/**
 * The message with no secret left in it. `fileText` is the file that failed to parse, when it
 * could be read: its secret values are masked wherever the message quotes a piece of them.
 */
export function maskConfigFrame(message: string, fileText?: string): string {
  const secrets = fileText === undefined ? [] : secretValuesIn(fileText);
  const redactor = new Redactor();
  const masked = message
    .split('\n')
    .map((line) => maskFragments(line.replace(KEY_THEN_VALUE, `$1${MASKED}`), secrets))
    .join('\n');
  // URL userinfo (staging.url: postgres://user:pass@host) and the other generic patterns.
  return redactor.redact(masked);
}
