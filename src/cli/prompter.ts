/**
 * The questions of the interactive `sagesync init` (src/ops/init/interactive.ts) asked with
 * @inquirer/prompts, on this process's terminal. Imported only by `sagesync init`: no other
 * command loads inquirer.
 */
import { checkbox, confirm, input, password, select } from '@inquirer/prompts';
import { PromptInterrupted, type Prompter } from '../ops/init/prompter.js';

/** Ctrl-C (or the terminal closing) at a question rejects with ExitPromptError. */
async function asked<T>(question: Promise<T>): Promise<T> {
  try {
    return await question;
  } catch (err) {
    if (err instanceof Error && err.name === 'ExitPromptError') throw new PromptInterrupted();
    throw err;
  }
}

export function inquirerPrompter(): Prompter {
  return {
    input: (message, o = {}) =>
      asked(
        input({
          message,
          ...(o.default !== undefined ? { default: o.default } : {}),
          ...(o.validate ? { validate: o.validate } : {}),
        }),
      ),
    secret: (message, o = {}) =>
      asked(
        password({
          message,
          mask: '*',
          validate: (v) => (o.allowEmpty || v !== '' ? true : 'Type it (it is not shown), then Enter.'),
        }),
      ),
    select: (message, choices, def) =>
      asked(select({ message, choices, ...(def !== undefined ? { default: def } : {}) })),
    confirm: (message, def) => asked(confirm({ message, default: def })),
    checkbox: (message, choices) => asked(checkbox({ message, choices })),
  };
}
