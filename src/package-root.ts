/**
 * The directory of the installed package (dist/package-root.js and src/package-root.ts are both
 * one level below it): help text and error hints name the shipped docs and examples by a path
 * that resolves after `npm install -g`, not by a path relative to a checkout (issue 20).
 */
import { fileURLToPath } from 'node:url';

const packageRoot: string = fileURLToPath(new URL('../', import.meta.url));

/** A file shipped in the package (docs/…, examples/…) as an absolute path. */
export function packageFile(relative: string): string {
  return `${packageRoot}${relative}`;
}
