/** The mqbench command line: argument parsing only; each command calls a library function. */
import { ALLOCATOR_CHOICES, ALLOCATOR_VARIABLE, type AllocatorChoice } from '../util/allocator.js';
import { redactSecrets } from '../util/redact.js';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { loadPlugins } from '../run/plugins.js';
import { ExitCode, formatIssues, InputError } from '../util/errors.js';
import { toolInfo } from '../results/manifest.js';
import { compareCommand, exportCommand, noiseCommand, reproduceCommand } from './gate-commands.js';
import { workerCommand } from './worker-command.js';
import { historyAddCommand, historyChangesCommand, historyReportCommand } from './history-commands.js';
import { installCommand, reportCommand, runCommand, schemaCommand, targetsCommand, validateCommand } from './commands.js';

const PROVIDERS = ['auto', 'docker', 'local', 'external'];

function positiveInt(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('must be a whole number ≥ 1');
  return parsed;
}

function probability(value: string): number {
  const parsed = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!(parsed > 0 && parsed < 1)) throw new InvalidArgumentError('must be a number between 0 and 1, e.g. 0.05');
  return parsed;
}

function nonNegativeNumber(value: string): number {
  const parsed = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!(parsed >= 0)) throw new InvalidArgumentError('must be a number from 0 up, e.g. 0.02');
  return parsed;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `--allocator` of `run` and `worker`: the memory allocator of mqbench's trial and load-client processes. */
function allocatorOption(): Option {
  return new Option('--allocator <allocator>', `memory allocator of mqbench's trial and load-client processes (default: auto, jemalloc where installed; or ${ALLOCATOR_VARIABLE})`).choices(ALLOCATOR_CHOICES);
}

/** Options shared by commands that load a scenario. */
function withScenarioOptions(command: Command): Command {
  return command
    .option('--targets <names>', 'run only these targets (comma-separated); known target types not in the file are added', list)
    .addOption(new Option('--provider <provider>', 'where server targets run').choices(PROVIDERS))
    .option('--trials <n>', 'trials per case', positiveInt)
    .option('--set <key=value>', 'override a scenario field, e.g. workload.messages=1000 (repeatable)', collect);
}

/** `--workers a,b` as the scenario override it stands for (recorded in the manifest like any --set). */
function withWorkers<T extends { workers?: string[]; set?: string[] }>(options: T): T {
  if (!options.workers) return options;
  return { ...options, set: [...(options.set ?? []), `workers=${JSON.stringify(options.workers)}`] };
}

/** Builds the program; `exit` receives each command's exit code. */
export function buildProgram(exit: (code: number) => void): Command {
  const program = new Command('mqbench')
    .description('Benchmark and compare log brokers with verified delivery and self-contained reports')
    .version(toolInfo().version)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  withScenarioOptions(program.command('run').argument('<scenario>', 'scenario YAML file'))
    .description('run a scenario: writes DIR/result.json and DIR/report.html, prints a summary table')
    .option('--out <dir>', 'output directory (default: reports/<scenario>-<UTC timestamp>)')
    .option('--keep-data', 'keep broker data directories after the run')
    .option('--no-progress', 'no progress output on stderr')
    .option('--in-process', 'run trials inside the mqbench process, not one process per trial (debugging, profiling)')
    .addOption(allocatorOption())
    .option('--workers <urls>', 'mqbench worker addresses the load clients run on, comma-separated (as --set workers=[…])', list)
    .action(async (scenario: string, options) => exit(await runCommand(scenario, withWorkers(options))));

  program
    .command('report')
    .argument('<results...>', 'result.json files')
    .option('-o, --output <file>', 'where to write the HTML (default: next to a single result, else ./report.html)')
    .option('--gates <file>', 'with two results (baseline, candidate): show these gate rules\' verdicts')
    .description('render an HTML report from result files; two files are compared (baseline first)')
    .action(async (files: string[], options: { output?: string; gates?: string }) => exit(await reportCommand(files, options.output, options.gates)));

  withScenarioOptions(program.command('validate').argument('<scenario>', 'scenario YAML file'))
    .description('check a scenario file and print its plan')
    .action(async (scenario: string, options) => exit(await validateCommand(scenario, options)));

  program
    .command('schema')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .description('print the JSON Schema of scenario files (for editors)')
    .action(async (options: { output?: string }) => exit(await schemaCommand(options.output)));

  program
    .command('compare')
    .argument('<baseline>', 'baseline result.json')
    .argument('<candidate>', 'candidate result.json')
    .option('--gates <file>', 'gate rules (YAML)')
    .option('--markdown <file>', 'write the comparison as Markdown (e.g. $GITHUB_STEP_SUMMARY)')
    .option('--junit <file>', 'write the gate as JUnit XML (one test per rule and case)')
    .option('--strict', 'exit 4 when a rule (or, without rules, a comparison) is inconclusive')
    .option('--allow-config-mismatch', 'compare runs of different configurations')
    .description('compare two runs case by case (exit 0 pass, 3 gate failed, 4 inconclusive with --strict)')
    .action(async (baseline: string, candidate: string, options) => exit(await compareCommand(baseline, candidate, options)));

  program
    .command('export')
    .argument('<result>', 'result.json')
    .requiredOption('--format <format>', 'bencher (Bencher Metric Format) | gab-smaller | gab-bigger (github-action-benchmark custom formats)')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .description('export case summaries for Bencher or github-action-benchmark')
    .action(async (result: string, options: { format: string; output?: string }) => exit(await exportCommand(result, options)));

  program
    .command('reproduce')
    .argument('<result>', 'result.json to rerun')
    .option('--out <dir>', 'output directory (default: reports/reproduce-<scenario>-<UTC timestamp>)')
    .option('--trials <n>', 'trials per case (default: as the original)', positiveInt)
    .option('--gates <file>', 'gate rules to apply to original → rerun')
    .option('--markdown <file>', 'write the comparison as Markdown')
    .option('--junit <file>', 'write the gate as JUnit XML')
    .option('--strict', 'exit 4 when inconclusive')
    .description('rerun the scenario embedded in a result with the same overrides, and compare against the original')
    .action(async (result: string, options) => exit(await reproduceCommand(result, options)));

  program
    .command('noise')
    .argument('<result>', 'result.json of a run with ≥ 5 trials per case')
    .option('--trials <n>', 'trials per side the gate will compare (default: as in the result)', positiveInt)
    .option('--alpha <alpha>', 'significance level of the gate (default 0.05)', probability)
    .description('run-to-run variation per metric, and the smallest regression a gate can detect reliably here')
    .action(async (result: string, options) => exit(await noiseCommand(result, options)));

  const history = program.command('history').description('a store of results across commits: add results, find change points, draw trends');
  const storeOption = '--store <dir>';
  const storeHelp = 'the history store, a directory of one JSON file per result (default: ./mqbench-history)';
  history
    .command('add')
    .argument('<results...>', 'result.json files')
    .option(storeOption, storeHelp)
    .option('--ref <ref>', 'the git ref the results were made on (e.g. main)')
    .option('--sha <sha>', "the commit measured (default: mqbench's own commit from the result's manifest)")
    .option('--at <time>', 'when the result was made (default: its start time), ISO 8601')
    .option('--machine <name>', "the testbed's name (default: from the machine's CPU, cores and memory)")
    .description('append results to the history store (a result already there is skipped)')
    .action(async (files: string[], options) => exit(await historyAddCommand(files, options)));
  const withQueryOptions = (command: Command) =>
    command
      .option(storeOption, storeHelp)
      .option('--metric <key>', 'key (each case\'s key metric, the default), all, or a metric key (repeatable)', collect)
      .option('--targets <names>', 'only these targets (comma-separated)', list)
      .option('--scenario <name>', 'only this scenario')
      .option('--machine <name>', 'only this testbed')
      .option('--since <time>', 'only results made since this time (ISO 8601)')
      .option('--across-configs', "one series per case across the scenario's configurations (a changed setting shows as a change point), not one per configuration")
      .option('--alpha <alpha>', 'significance level of the permutation test (default 0.01)', probability)
      .option('--permutations <n>', 'shuffles per test (default 199)', positiveInt)
      .option('--min-size <n>', 'fewest results on either side of a change point (default 3)', positiveInt)
      .option('--min-change <fraction>', 'ignore changes of level smaller than this fraction (e.g. 0.02 = 2%, 1 = a doubling; default 0)', nonNegativeNumber);
  withQueryOptions(history.command('changes'))
    .option('--recent <n>', 'a change for the worse among the last n results fails (exit 3; default 5)', positiveInt)
    .option('--json <file>', 'also write the change points as JSON')
    .option('--markdown <file>', 'also append them as Markdown (e.g. $GITHUB_STEP_SUMMARY)')
    .description('find the change points of each series (E-Divisive means); exit 3 on a recent one for the worse')
    .action(async (options) => exit(await historyChangesCommand(options)));
  withQueryOptions(history.command('report'))
    .option('-o, --output <file>', 'where to write the page (default: ./trends.html)')
    .description('draw every series across commits, with its change points, into one self-contained HTML page')
    .action(async (options) => exit(await historyReportCommand(options)));

  program
    .command('install')
    .argument('[targets...]', 'target types to install (default: all that need installing)')
    .description('install the brokers the local provider runs, into the cache (idempotent)')
    .action(async (names: string[]) => exit(await installCommand(names)));

  program
    .command('worker')
    .requiredOption('--listen <host:port>', 'where to listen, e.g. 127.0.0.1:7400 (loopback unless a token is set: MQBENCH_WORKER_TOKEN or MQBENCH_WORKER_TOKEN_FILE)')
    .description("serve load clients to coordinators on other machines (a scenario's workers:) until stopped")
    .addOption(allocatorOption())
    .action(async (options: { listen: string; allocator?: AllocatorChoice }) => exit(await workerCommand(options)));

  program
    .command('targets')
    .description('list targets and whether each provider can run them on this machine')
    .action(async () => exit(await targetsCommand()));

  return program;
}

/** Runs the CLI with `argv` (process.argv form) and returns the exit code. Errors print without a stack trace. */
export async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.ok;
  try {
    await loadPlugins();
    await buildProgram((result) => (code = result)).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) return ExitCode.ok;
      return ExitCode.invalidInput;
    }
    if (error instanceof InputError) {
      process.stderr.write(redactSecrets(`mqbench: invalid input (${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}):\n${formatIssues(error.issues)}\n`));
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`mqbench: ${redactSecrets(message)}\n`);
    if (process.env.MQBENCH_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return ExitCode.failure;
  }
  return code;
}
