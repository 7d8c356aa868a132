#!/usr/bin/env node
// Entry point of the `mqbench` command: loads the TypeScript sources through tsx, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
// A closed stdout (e.g. `mqbench run … | head`) is not an error of the run.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv);
// Exit now: a broker client library's stray timer or socket must not keep a finished command alive.
process.exit(code);
