export async function main(_argv: string[]): Promise<void> {
  throw new Error('the CLI is being built (issue 2)');
}
