import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { assertVerifiedCase, brokerScenario, caseOf, processesMentioning, processesWithEnvironment, requireInstalled, runAndKillBroker } from '../../testing/brokers.js';
import { runCli } from '../../testing/cli.js';
import { tempDir } from '../../testing/temp-dir.js';
import { tinyRun } from '../../testing/tiny-run.js';
import { startLocalProcess } from '../../provision/local-process.js';
import { freePorts } from '../../provision/ports.js';
import { tcpOpen } from '../../provision/readiness.js';
import { natsServerPath } from './install.js';
import { testCertificates } from '../../testing/tls.js';
import { pauseWarnings } from '../../report/case-warnings.js';
import { renderSummaryTable } from '../../report/table.js';

before(() => requireInstalled('nats'));

test('nats (local): 1 KiB and 5 MiB payloads pass pub/sub with full delivery verification', async (t) => {
  const scenario = brokerScenario(
    '  - nats\n  - { name: nats-fsync, type: nats, settings: { durability: fsync } }',
    '    - { payloadBytes: 1KiB, messages: 500 }\n    - { payloadBytes: 5MiB, messages: 12 }',
  );
  const { result, outDir } = await tinyRun(t, scenario, { load: { provider: 'local' } });
  assert.equal(result.status, 'passed');
  assertVerifiedCase(caseOf(result, 'nats', '1KiB×500 random'), 1500);
  assertVerifiedCase(caseOf(result, 'nats', '5MiB×12 random'), 36);
  assertVerifiedCase(caseOf(result, 'nats-fsync', '5MiB×12 random'), 36);
  const targets = result.manifest.targets;
  assert.equal(targets.nats?.provider, 'local');
  assert.equal(targets.nats?.driver?.durability.syncInterval, '2m');
  assert.equal(targets['nats-fsync']?.driver?.durability.syncInterval, 'always');
  // What the server itself reports it has in force (/varz), not only what mqbench wrote: 2 minutes, and always.
  assert.equal(targets.nats?.instance?.syncInForce, '/varz: 120000000000 ns');
  assert.equal(targets['nats-fsync']?.instance?.syncInForce, '/varz: always');
  assert.equal(targets.nats?.driver?.settings.maxPayload, 8 * 1024 * 1024);
  assert.equal(targets.nats?.driver?.settings.publishTimeoutMs, 60_000, 'PubAcks get the harness-sized default, not nats.js 5 s');
  assert.match(String(targets.nats?.driver?.broker.version), /^2\.15\./);
  assert.match(targets.nats!.driver!.notes.join(' '), /a separate nats-server process/);
  assert.deepEqual(await processesMentioning(outDir), [], 'nats-server is stopped');
});

test('nats killed mid-run: the case is errored, its partial result kept, later cases errored at once, nothing left', async (t) => {
  const scenario = brokerScenario('  - nats', '    - { payloadBytes: 64KiB, messages: 400 }\n    - { payloadBytes: 1KiB, messages: 10 }');
  const { result, outDir, killed } = await runAndKillBroker(t, scenario.replace('operations: 2', 'operations: 20'), 1000);
  assert.ok(killed);
  const [first, second] = result.cases;
  assert.equal(first?.status, 'errored');
  assert.match(first!.error!, /nats-server killed by SIGKILL during the run/);
  assert.ok((first?.summary?.opSeconds?.count ?? 0) >= 2, 'operations completed before the kill are kept');
  assert.equal(second?.status, 'errored');
  assert.match(second!.error!, /nats-server killed by SIGKILL/);
  assert.equal(result.status, 'errored');
  assert.deepEqual(await processesMentioning(outDir), []);
});

test('a nats-server that cannot start gives a clear error: binary missing, port taken', async (t) => {
  const previous = process.env.MQBENCH_NATS_SERVER;
  process.env.MQBENCH_NATS_SERVER = '/nonexistent/nats-server';
  try {
    const { result } = await tinyRun(t, brokerScenario('  - nats', '    - { payloadBytes: 1KiB, messages: 10 }'), { load: { provider: 'local' } });
    assert.equal(result.cases[0]?.status, 'errored');
    assert.match(result.cases[0]!.error!, /nats could not be started: no nats-server at \/nonexistent\/nats-server; fix: point MQBENCH_NATS_SERVER/);
  } finally {
    if (previous === undefined) delete process.env.MQBENCH_NATS_SERVER;
    else process.env.MQBENCH_NATS_SERVER = previous;
  }

  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => blocker.close());
  const port = (blocker.address() as { port: number }).port;
  const { result } = await tinyRun(t, brokerScenario(`  - { name: nats, type: nats, settings: { port: ${port} } }`, '    - { payloadBytes: 1KiB, messages: 10 }'), {
    load: { provider: 'local' },
  });
  assert.equal(result.cases[0]?.status, 'errored');
  assert.match(result.cases[0]!.error!, /nats-server exited \(code 1\) before it was ready; log .*nats\.log:\n[\s\S]*address already in use/);
});

test('nats: a publish whose PubAck does not come within settings.publishTimeout fails the case, saying so', async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: nats-publish-timeout
targets: [{ name: nats, type: nats, settings: { publishTimeout: 1ms } }]
workload: { type: stream, mode: closed-loop, inFlight: 8, payloadBytes: 4MiB, messages: 40 }
`,
    { load: { provider: 'local' } },
  );
  const [entry] = result.cases;
  assert.equal(entry?.status, 'errored');
  assert.match(entry!.error!, /NATS publish to \S+: no PubAck within 1 ms \(settings\.publishTimeout\)/);
});

test('nats: a closed-loop stream runs nats bench (publisher and consumer) against the same server after the trial; both publish paths and both consumer shapes deliver everything', async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: nats-tool-ceiling
targets:
  - nats
  - { name: nats-request, type: nats, settings: { publish: request } }
  - { name: nats-natsmq-shape, type: nats, settings: { consumer: ephemeral-push } }
workload: { type: stream, mode: closed-loop, inFlight: 64, payloadBytes: 1KiB, messages: 5000, consumer: after }
warmup: { duration: 300ms }
`,
    { load: { provider: 'local' } },
  );
  for (const entry of result.cases) {
    assert.equal(entry.summary?.delivery.published, 5000);
    assertVerifiedCase(entry, 5000 + entry.summary!.warmupDelivery!.published);
  }
  // The tool runs in the trial's conditions: after the trial's warm-up count of its own, on a settled page cache, into
  // the space the trial's topic freed once the tool's consumer had read it.
  const trial = result.cases.find((entry) => entry.target === 'nats')!.trials[0]!;
  assert.ok(trial.settled && 'dirtyBytesBefore' in trial.settled, `settled before the measured window: ${JSON.stringify(trial.settled)}`);
  assert.deepEqual(
    [trial.toolCeiling?.settings.warmupMessages, trial.toolCeiling?.settings.trialTopicDropped],
    [trial.warmup!.counters.messagesAcknowledged, true],
  );
  assert.match(String(trial.toolCeiling?.settings.pageCacheBeforeWrites), /MiB dirty, flushed in \d+ ms/);
  const summary = result.cases.find((entry) => entry.target === 'nats')!.summary!;
  assert.match(summary.toolCeiling!.tool, /^nats bench \(natscli v/);
  assert.match(summary.toolCeiling!.command, /bench js pub async \S+ --stream \S+ --msgs 5000 --size 1024B --batch 64/);
  assert.ok(summary.toolCeiling!.messagesPerSec > 100, `nats bench: ${summary.toolCeiling!.messagesPerSec} msg/s`);
  assert.ok(summary.clientEfficiency! > 0, `efficiency ${summary.clientEfficiency}`);
  // The read side: nats bench's durable consumer read back what it wrote, beside mqbench's own read-back.
  // The backlog is the trial's whole topic: its warm-up's messages, then the measured ones.
  const backlog = 5000 + trial.warmup!.counters.messagesAcknowledged;
  assert.match(summary.toolCeiling!.readBack?.command ?? String(summary.toolReadBackError), new RegExp(`bench js consume --stream \\S+ --msgs ${backlog} --size 1024B`));
  assert.ok(summary.toolCeiling!.readBack!.messagesPerSec > 100 && summary.readEfficiency! > 0, `read efficiency ${summary.readEfficiency}`);
  assert.match(String(result.manifest.targets.nats?.driver?.settings.publish), /^pipelined/);
  assert.match(String(result.manifest.targets['nats-request']?.driver?.settings.publish), /^request/);
  assert.match(String(result.manifest.targets['nats-natsmq-shape']?.driver?.settings.consumer), /^ephemeral push consumer/);
  assert.match(String(result.manifest.targets.nats?.driver?.settings.consumer), /^durable pull consumer/);
  assert.match(String(result.manifest.targets.nats?.driver?.settings.inboundReads), /^socket reads into pooled 64 KiB buffers/);
});

test('nats: clients: 2 runs the producers in two load-client processes; their sends are merged into the trial and every one is verified', async (t) => {
  // Every process the run starts inherits this mark, so the check below finds this run's load clients and no other's.
  const mark = `MQBENCH_TEST_MARK=load-clients-${process.pid}`;
  process.env.MQBENCH_TEST_MARK = mark.split('=')[1];
  t.after(() => delete process.env.MQBENCH_TEST_MARK);
  const { result } = await tinyRun(
    t,
    `
name: nats-load-clients
targets: [nats]
workload: { type: stream, mode: closed-loop, producers: 3, clients: 2, inFlight: 16, payloadBytes: 4KiB, messages: 3001, toolCeiling: false }
warmup: { duration: 300ms }
sampling: { interval: 50ms }
`,
    { load: { provider: 'local' } },
  );
  const [entry] = result.cases;
  assert.equal(entry?.status, 'passed', entry?.error ?? entry?.failures.join('; '));
  assert.equal(entry!.label, '4KiB 16 in flight ×3 producers in 2 clients random');
  const trial = entry!.trials[0]!;
  assert.equal(trial.measured!.counters.messagesAcknowledged, 3001, 'the clients sent exactly their shares of the measured messages');
  assert.equal(trial.measured!.counters.messagesDelivered, 3001);
  assert.ok(trial.warmup!.counters.messagesAcknowledged > 0, "the clients' warm-up sends are in the warm-up record");
  const { delivery, warmupDelivery } = entry!.summary!;
  assert.deepEqual([delivery.published, delivery.acknowledged, delivery.delivered, delivery.lost], [3001, 3001, 3001, 0]);
  assert.ok(warmupDelivery!.acknowledged > 0 && warmupDelivery!.delivered === warmupDelivery!.acknowledged && warmupDelivery!.lost === 0, JSON.stringify(warmupDelivery));
  assert.equal(entry!.summary!.publishLatencyMs.count, 3001, "the clients' latency histograms are merged");
  assert.equal(entry!.summary!.e2eLatencyMs.count, 3001);
  assert.ok(trial.measured!.series.acknowledgedMessages.reduce((sum, count) => sum + count, 0) === 3001, 'and their throughput series');
  assert.equal(trial.resources!.loadClients, 2, 'the client figures count both load clients');
  assert.ok(trial.resources!.client.cpuSeconds > 0);
  const loadClients = (await processesWithEnvironment(mark)).length;
  assert.equal(loadClients, 0, 'no load client is left running');
});

test('nats: reference: true runs the pub/sub operations through nats.go against the same server, for the round trip ratio', async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: nats-reference
targets: [{ name: nats, type: nats, settings: { consumer: ephemeral-push } }]
workload: { type: pubsub, payloadBytes: 1KiB, messages: 500, operations: 2, reference: true }
`,
    { load: { provider: 'local' } },
  );
  const [entry] = result.cases;
  assertVerifiedCase(entry, 1500);
  const summary = entry!.summary!;
  assert.match(summary.toolCeiling!.tool, /^nats\.go 1\.\d+\.\d+ \(Go reference of the pub\/sub operation\)$/);
  assert.match(summary.toolCeiling!.command, /^pubsub-ref --broker=nats --url=\S+ --messages=500 --size=1024 --operations=2 /);
  assert.equal(String(summary.toolCeiling!.settings.secondsPerOp).split(', ').length, 2, 'the reference ran as many operations as the trial');
  assert.ok(summary.clientEfficiency! > 0, `round trip ratio ${summary.clientEfficiency}`);
});

test('mqbench killed with SIGKILL mid-trial: nats-server and the trial worker die with it; the next run removes its work directory and marks its result', async (t) => {
  const parent = await tempDir(t, 'mqbench-sigkill-');
  const scenario = join(parent, 'long.yaml');
  await writeFile(scenario, brokerScenario('  - nats', '    - { payloadBytes: 1KiB, messages: 2000 }').replace('operations: 2', 'operations: 500'));
  const out = join(parent, 'killed');
  let killedAt = 0;
  const mark = `MQBENCH_TEST_MARK=${process.pid}-${Date.now()}`;
  const killed = await runCli(['run', scenario, '--out', out, '--provider', 'local'], {
    env: { MQBENCH_TEST_MARK: mark.split('=')[1] },
    onStderr(text, child) {
      if (!killedAt && /\n\s+measured \d+\/\d+ messages/.test(text)) {
        killedAt = Date.now();
        child.kill('SIGKILL');
      }
    },
  });
  assert.equal(killed.signal, 'SIGKILL', killed.stderr);
  const until = Date.now() + 15_000;
  let left = await processesWithEnvironment(mark);
  while (left.length > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    left = await processesWithEnvironment(mark);
  }
  assert.deepEqual(left, [], 'nothing mqbench started (nats-server, the trial worker) is left');
  assert.ok(existsSync(join(out, 'work')), 'the killed run left its work directory');

  const next = await runCli(['validate', scenario]);
  assert.equal(next.code, 0);
  const rerun = await runCli(['run', scenario, '--out', join(parent, 'next'), '--set', 'workload.operations=1', '--set', 'warmup.operations=0', '--provider', 'local']);
  assert.equal(rerun.code, 0, rerun.stderr);
  assert.equal(existsSync(join(out, 'work')), false, 'the next run in the same parent directory removed it');
  const stale = JSON.parse(await readFile(join(out, 'result.json'), 'utf8')) as { status: string; reason: string };
  assert.equal(stale.status, 'incomplete');
  assert.match(stale.reason, /mqbench was killed before the run ended/);
});

test('nats (external, authenticated): credentials from the URL or a password file reach the client and nats bench; no secret appears in the result, the report or the tool command', async (t) => {
  const dir = await tempDir(t, 'mqbench-nats-auth-');
  const [port] = await freePorts(1);
  const password = `pw-${process.pid}-secret`;
  const conf = join(dir, 'auth.conf');
  await writeFile(conf, `listen: "127.0.0.1:${port}"\njetstream { store_dir: "${join(dir, 'js')}" }\nauthorization { user: alice, password: "${password}" }\n`);
  await writeFile(join(dir, 'password'), `${password}\n`);
  const server = await startLocalProcess({ name: 'nats-server (auth)', command: natsServerPath(), args: ['-c', conf], logFile: join(dir, 'server.log'), ready: () => tcpOpen(port!), readyTimeoutMs: 20_000 });
  t.after(() => server.stop());

  const { result, outDir } = await tinyRun(
    t,
    `
name: nats-auth
targets:
  - { name: in-url, type: nats, settings: { external: { servers: "nats://alice:${password}@127.0.0.1:${port}" } } }
  - { name: in-file, type: nats, settings: { external: { servers: "nats://127.0.0.1:${port}", user: alice, passwordFile: "${join(dir, 'password')}" } } }
workload: { type: stream, mode: closed-loop, inFlight: 16, payloadBytes: 1KiB, messages: 500, consumer: after }
warmup: { operations: 0 }
`,
    { load: { provider: 'external' } },
  );
  for (const entry of result.cases) assertVerifiedCase(entry, 500, 'client-only');
  for (const entry of result.cases) {
    assert.ok(entry.summary!.toolCeiling!.messagesPerSec > 0, `${entry.target}: nats bench ran with the credentials`);
    assert.match(entry.summary!.toolCeiling!.command, /--server nats:\/\/alice:\*\*\*@127\.0\.0\.1/, `${entry.target}: the tool's command is shown redacted`);
  }
  assert.equal(result.manifest.targets['in-file']?.instance?.authentication, 'user alice with a password');
  const written = `${await readFile(join(outDir, 'result.json'), 'utf8')}${await readFile(join(outDir, 'report.html'), 'utf8')}`;
  assert.equal(written.includes(password), false, 'the password is in neither result.json nor report.html');
  assert.match(written, /nats:\/\/alice:\*\*\*@127\.0\.0\.1/);

  const wrong = await tinyRun(t, `
name: nats-auth-wrong
targets: [{ name: nats, type: nats, settings: { external: { servers: "nats://alice:not-it@127.0.0.1:${port}" } } }]
workload: { type: pubsub, operations: 1, messages: 10, payloadBytes: 1KiB }
warmup: { operations: 0 }
`, { load: { provider: 'external' } });
  assert.equal(wrong.result.cases[0]?.status, 'errored');
  assert.match(wrong.result.cases[0]!.error!, /Authorization Violation/i);
});

test('a broker paused for 6 s (SIGSTOP, then SIGCONT) mid-trial: the case passes, and its warnings name the pause', async (t) => {
  let pid = 0;
  let paused = false;
  const { result } = await tinyRun(t, brokerScenario('  - nats', '    - { payloadBytes: 1KiB, messages: 3000 }'), {
    load: { provider: 'local' },
    onEvent(event) {
      if (event.type === 'provision-end' && event.info) pid = Number(event.info.pid);
      if (event.type === 'trial-progress' && event.progress.phase === 'measured' && !paused) {
        paused = true;
        process.kill(pid, 'SIGSTOP');
        setTimeout(() => process.kill(pid, 'SIGCONT'), 6_000);
      }
    },
  });
  assert.ok(paused);
  const [entry] = result.cases;
  assert.equal(entry?.status, 'passed', entry?.error);
  // The pause's own warning (a loaded machine may add its own, about the CPU others took).
  const warnings = pauseWarnings(entry!);
  assert.equal(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0]!, /^trial 1: nothing was acknowledged or delivered for ([6-9]|\d\d)\.\d s from /);
  assert.match(renderSummaryTable(result), /! nats 1KiB×3000 random: trial 1: nothing was acknowledged or delivered/);
});

test('nats (external, TLS): a server with a certificate from a private CA; the client, nats bench and the Go reference trust it through tls.caFile', async (t) => {
  const dir = await tempDir(t, 'mqbench-nats-tls-');
  const file = (name: string) => join(dir, name);
  const certificates = await testCertificates(dir);
  const [port] = await freePorts(1);
  await writeFile(file('tls.conf'), `listen: "127.0.0.1:${port}"\njetstream { store_dir: "${file('js')}" }\ntls { cert_file: "${certificates.cert}", key_file: "${certificates.key}" }\n`);
  const server = await startLocalProcess({ name: 'nats-server (TLS)', command: natsServerPath(), args: ['-c', file('tls.conf')], logFile: file('server.log'), ready: () => tcpOpen(port!), readyTimeoutMs: 20_000 });
  t.after(() => server.stop());
  const target = (tls: string) => `{ name: nats, type: nats, settings: { external: { servers: "tls://127.0.0.1:${port}"${tls} } } }`;
  const { result } = await tinyRun(
    t,
    `
name: nats-tls
targets: [${target(`, tls: { caFile: "${file('ca.pem')}" }`)}]
workload: { type: stream, mode: closed-loop, inFlight: 16, payloadBytes: 1KiB, messages: 500, consumer: after }
warmup: { operations: 0 }
`,
    { load: { provider: 'external' } },
  );
  assertVerifiedCase(result.cases[0], 500, 'client-only');
  assert.ok(result.cases[0]!.summary!.toolCeiling!.messagesPerSec > 0, `nats bench trusted the CA (${result.cases[0]!.summary!.toolCeilingError})`);
  assert.match(result.cases[0]!.summary!.toolCeiling!.command, /--tlsca=\S+ca\.pem/);
  assert.match(String(result.manifest.targets.nats?.instance?.authentication), /^TLS \(caFile \S+ca\.pem\)$/);
  assert.match(String(result.manifest.targets.nats?.driver?.settings.inboundReads), /^Node's own through TLS/);

  const reference = await tinyRun(t, `
name: nats-tls-reference
targets: [${target(`, tls: { caFile: "${file('ca.pem')}" }`)}]
workload: { type: pubsub, payloadBytes: 1KiB, messages: 100, operations: 1, reference: true }
warmup: { operations: 0 }
`, { load: { provider: 'external' } });
  assert.equal(reference.result.cases[0]?.status, 'passed', reference.result.cases[0]?.error);
  assert.ok(reference.result.cases[0]!.summary!.toolCeiling, `the Go reference trusted the CA (${reference.result.cases[0]!.summary!.toolCeilingError})`);

  const untrusted = await tinyRun(t, `
name: nats-tls-untrusted
targets: [${target('')}]
workload: { type: pubsub, payloadBytes: 1KiB, messages: 10, operations: 1 }
warmup: { operations: 0 }
`, { load: { provider: 'external' } });
  assert.equal(untrusted.result.cases[0]?.status, 'errored');
  assert.match(untrusted.result.cases[0]!.error!, /certificate|TLS|self.signed/i);
});
