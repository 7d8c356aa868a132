import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { cacheDir } from '../install/cache.js';
import { parseScenario } from '../scenario/load.js';
import { tempDir } from '../testing/temp-dir.js';

// The workers' chart, rendered by Helm and checked by kubernetes-validate against the Kubernetes API's schemas
// (strict: an unknown field fails). Both are installed by `npm run setup`. No cluster runs here.
const CHART = 'deploy/helm/mqbench';
const KUBERNETES = '1.34.0';
const helm = join(cacheDir(), 'tools', 'helm');
const validator = join(cacheDir(), 'python', 'kubernetes-validate', 'bin', 'kubernetes-validate');

const SCENARIO = `name: cluster-stream
targets: [kafka]
workload: { type: stream, producers: 6, clients: 6, inFlight: 64, payloadBytes: 1KiB, duration: 60s }
`;

interface Manifest {
  kind: string;
  metadata: { name: string };
  spec?: any;
  data?: Record<string, string>;
}

function run(command: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  assert.ok(existsSync(command), `${command} is not installed: run "npm run setup"`);
  const outcome = spawnSync(command, args, { encoding: 'utf8', timeout: 120_000 });
  return { status: outcome.status, stdout: outcome.stdout, stderr: outcome.stderr };
}

function render(args: string[]): { status: number | null; stdout: string; stderr: string } {
  return run(helm, ['template', 'bench', CHART, '--namespace', 'perf', ...args]);
}

const required = ['--set', 'image.repository=registry.example/mqbench', '--set', 'token.value=s3cret-token'];

test('the workers chart passes helm lint, and what it renders passes kubernetes-validate --strict; a broken manifest does not', async (t) => {
  const lint = run(helm, ['lint', '--strict', CHART, ...required]);
  assert.equal(lint.status, 0, lint.stdout + lint.stderr);
  const dir = await tempDir(t);
  const scenario = join(dir, 'scenario.yaml');
  await writeFile(scenario, SCENARIO);
  const rendered = render([...required, '--set', 'run.enabled=true', '--set-file', `run.scenario=${scenario}`]);
  assert.equal(rendered.status, 0, rendered.stderr);
  const file = join(dir, 'rendered.yaml');
  await writeFile(file, rendered.stdout);
  const checked = run(validator, ['--strict', '-k', KUBERNETES, file]);
  assert.equal(checked.status, 0, checked.stdout + checked.stderr);
  const passed = [...checked.stdout.matchAll(/passed for resource (\S+) against version/g)].map((match) => match[1]!.split('/')[0]);
  assert.deepEqual(passed.sort(), ['configmap', 'job', 'persistentvolumeclaim', 'secret', 'service', 'statefulset']);
  // The validator can fail: a field Kubernetes does not know, in the workers' pod.
  const broken = join(dir, 'broken.yaml');
  await writeFile(broken, rendered.stdout.replace('podManagementPolicy: Parallel', 'podManagementPolicy: Parallel\n  replicaz: 3'));
  const refused = run(validator, ['--strict', '-k', KUBERNETES, broken]);
  assert.notEqual(refused.status, 0);
  assert.match(refused.stdout + refused.stderr, /replicaz/);
});

test('the chart: N workers in a StatefulSet; the run Job addresses each by its stable name, with the scenario from a ConfigMap that mqbench accepts as the Job runs it', async (t) => {
  const dir = await tempDir(t);
  const scenario = join(dir, 'scenario.yaml');
  await writeFile(scenario, SCENARIO);
  const rendered = render([...required, '--set', 'workers.replicas=5', '--set', 'run.enabled=true', '--set-file', `run.scenario=${scenario}`, '--set', 'run.env.MQBENCH_KAFKA_BROKERS=my-cluster-kafka-bootstrap.kafka.svc:9092']);
  assert.equal(rendered.status, 0, rendered.stderr);
  const manifests = parseAllDocuments(rendered.stdout).map((document) => document.toJS() as Manifest).filter(Boolean);
  const byKind = (kind: string) => manifests.find((manifest) => manifest.kind === kind)!;
  const workers = byKind('StatefulSet');
  assert.equal(workers.spec.replicas, 5);
  assert.deepEqual(workers.spec.template.spec.containers[0].args, ['worker', '--listen', '0.0.0.0:7400']);
  assert.equal(byKind('Service').spec.clusterIP, 'None');
  const job = byKind('Job').spec.template.spec.containers[0];
  const urls = (job.args[job.args.indexOf('--workers') + 1] as string).split(',');
  assert.deepEqual(urls, [0, 1, 2, 3, 4].map((index) => `ws://bench-mqbench-worker-${index}.bench-mqbench-worker.perf.svc:7400`));
  assert.deepEqual(job.args.slice(0, 4), ['run', '/etc/mqbench/scenario.yaml', '--provider', 'external']);
  const configMap = byKind('ConfigMap');
  assert.equal(configMap.data!['scenario.yaml'], SCENARIO);
  // The Job's command line, as mqbench validates it: the scenario, external Kafka from the Job's environment, the workers.
  const env = Object.fromEntries((job.env as Array<{ name: string; value: string }>).map((entry) => [entry.name, entry.value]));
  const loaded = parseScenario(configMap.data!['scenario.yaml']!, 'scenario.yaml', { env, provider: 'external', set: [`workers=${JSON.stringify(urls)}`] });
  assert.deepEqual(loaded.file.workers, urls);
  assert.equal(env.MQBENCH_WORKER_TOKEN_FILE, '/var/run/mqbench/token');
  // The token is in the Secret only, never in plain text.
  assert.ok(!rendered.stdout.includes('s3cret-token'));
  assert.equal(Buffer.from(byKind('Secret').data!.token!, 'base64').toString(), 's3cret-token');
});

test('the chart refuses to render without an image or a token, saying which value to set; an existing Secret replaces its own', () => {
  const noImage = render(['--set', 'token.value=x']);
  assert.notEqual(noImage.status, 0);
  assert.match(noImage.stderr, /image\.repository is required: build the image from deploy\/Dockerfile/);
  const noToken = render(['--set', 'image.repository=r/mqbench']);
  assert.notEqual(noToken.status, 0);
  assert.match(noToken.stderr, /token\.existingSecret or token\.value is required/);
  const existing = render(['--set', 'image.repository=r/mqbench', '--set', 'token.existingSecret=perf-token']);
  assert.equal(existing.status, 0, existing.stderr);
  assert.doesNotMatch(existing.stdout, /kind: Secret/);
  assert.match(existing.stdout, /secretName: perf-token/);
  const noScenario = render(['--set', 'image.repository=r/mqbench', '--set', 'token.value=x', '--set', 'run.enabled=true']);
  assert.notEqual(noScenario.status, 0);
  assert.match(noScenario.stderr, /run\.scenario is required with run\.enabled/);
});
