/** What the interactive `sagesync init` asks through (implemented with @inquirer/prompts in src/cli/prompter.ts). */
interface Choice<T extends string> {
  name: string;
  value: T;
  description?: string;
}

export interface Prompter {
  input(message: string, o?: { default?: string; validate?: (v: string) => true | string }): Promise<string>;
  /** A secret: not echoed, never offered as a default. */
  secret(message: string, o?: { allowEmpty?: boolean }): Promise<string>;
  select<T extends string>(message: string, choices: Choice<T>[], def?: T): Promise<T>;
  confirm(message: string, def: boolean): Promise<boolean>;
  checkbox(message: string, choices: { name: string; value: string; checked: boolean }[]): Promise<string[]>;
}

/** Ctrl-C at a question, or SIGINT/SIGTERM during a test: the setup stops and nothing is written. */
export class PromptInterrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'PromptInterrupted';
  }
}

/** Asks nothing more once the process was asked to stop (a Ctrl-C during a test). */
export function stoppable(p: Prompter, stopped: () => boolean): Prompter {
  const guard =
    <A extends unknown[], R>(f: (...a: A) => Promise<R>) =>
    (...a: A): Promise<R> => {
      if (stopped()) return Promise.reject(new PromptInterrupted());
      return f(...a);
    };
  return {
    input: guard(p.input.bind(p)),
    secret: guard(p.secret.bind(p)),
    // select is generic: bind() loses its type parameter, the assertion gives it back.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    select: guard(p.select.bind(p)) as Prompter['select'],
    confirm: guard(p.confirm.bind(p)),
    checkbox: guard(p.checkbox.bind(p)),
  };
}
