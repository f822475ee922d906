// Entry point; the CLI (src/cli/) is wired here with the one exit boundary.
import { main } from './cli/main.js';

await main(process.argv);
