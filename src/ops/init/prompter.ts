/** What the interactive `sagesync init` asks through (implemented with @inquirer/prompts in src/cli/prompter.ts). */
export interface Choice<T extends string> {
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

/** Ctrl-C at a question: the setup stops and nothing is written. */
export class PromptInterrupted extends Error {
  constructor() {
    super('interrupted at a question');
    this.name = 'PromptInterrupted';
  }
}
