#!/usr/bin/env node
// Entry point of the `mqbench` command: loads the TypeScript sources through tsx, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
// The AWS SDK warns, once per process and so once per trial worker, that its releases after January 2027 need
// Node 22. The lockfile pins a release that runs on Node 20 (README, "Dependencies"), so the notice is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// A closed stdout (e.g. `mqbench run … | head`) is not an error of the run.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
// Nor is a closed stderr (the reader of `mqbench … 2>&1 | tail` killed): what cannot be said is dropped, and the run
// still stops its brokers and writes its result (an error thrown from here would reach the crash handler, which
// writes to stderr again).
process.stderr.on('error', () => undefined);
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv);
// Exit now: a broker client library's stray timer or socket must not keep a finished command alive.
process.exit(code);
