import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { provisionTarget, type ProvisionedTarget } from '../../run/provision-target.js';
import { assertVerifiedCase, brokerScenario, caseOf, listeningSockets, processesMentioning, requireInstalled, runAndKillBroker } from '../../testing/brokers.js';
import { tinyRun } from '../../testing/tiny-run.js';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createHmac, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { loadNativeClient } from './native-client.js';
import { tempDir } from '../../testing/temp-dir.js';
import { startLocalProcess } from '../../provision/local-process.js';
import { freePorts } from '../../provision/ports.js';
import { httpOk } from '../../provision/readiness.js';
import { applyConf, pulsarJvm, pulsarOverrides } from './config.js';
import { pulsarHome } from './install.js';
import { bearerHeaders } from './auth.js';
import { testCertificates } from '../../testing/tls.js';

/** One standalone (started by mqbench's own provisioner) shared by the tests that do not kill it. */
let shared: ProvisionedTarget;
let sharedDir: string;
const nativeLoads = loadNativeClient().module !== undefined;

before(async () => {
  await requireInstalled('pulsar');
  sharedDir = await mkdtemp(join(tmpdir(), 'mqbench-pulsar-'));
  shared = await provisionTarget(
    { name: 'pulsar', type: 'pulsar', provider: 'local', settings: { client: 'auto', durability: 'default', heap: '1g', directMemory: '1g', maxMessageSize: 10 * 1024 * 1024, receiverQueueSize: 1000 } },
    { dir: join(sharedDir, 'work'), logDir: join(sharedDir, 'logs') },
    new AbortController().signal,
    () => undefined,
  );
  assert.ok(shared.ok, shared.ok ? '' : shared.error);
  process.env.MQBENCH_PULSAR_WEB_URL = String(shared.instance.endpoint.webServiceUrl);
  process.env.MQBENCH_PULSAR_URL = String(shared.instance.endpoint.serviceUrl);
});

/** The shared standalone's endpoint variables, which the loader applies to external targets without their own. */
function sharedEndpoint(): NodeJS.ProcessEnv {
  return { MQBENCH_PULSAR_WEB_URL: process.env.MQBENCH_PULSAR_WEB_URL, MQBENCH_PULSAR_URL: process.env.MQBENCH_PULSAR_URL };
}

after(async () => {
  if (shared?.ok) await shared.instance.stop();
  delete process.env.MQBENCH_PULSAR_WEB_URL;
  delete process.env.MQBENCH_PULSAR_URL;
  assert.deepEqual(await processesMentioning(sharedDir), [], 'the standalone is stopped');
  await rm(sharedDir, { recursive: true, force: true });
});

test('every port the standalone opens is bound to loopback, and the manifest records the ports in use', async () => {
  assert.ok(shared.ok);
  const info = shared.instance.info as { pid: number; ports: { broker: number; web: number; bookie: number } };
  const sockets = await listeningSockets(info.pid);
  assert.ok(sockets.length >= 3, sockets.join(', '));
  assert.deepEqual(sockets.filter((socket) => !socket.startsWith('127.0.0.1:')), [], 'nothing listens beyond loopback');
  assert.deepEqual(sockets, [info.ports.broker, info.ports.web, info.ports.bookie].map((port) => `127.0.0.1:${port}`).sort(), 'the recorded ports are the ones in use');
});

for (const client of ['binary', 'websocket', ...(nativeLoads ? ['native'] : [])]) {
  test(`pulsar (${client} client): 1 KiB and 5 MiB payloads pass pub/sub with full delivery verification`, async (t) => {
    const scenario = brokerScenario(`  - { name: pulsar, type: pulsar, settings: { client: ${client} } }`, '    - { payloadBytes: 1KiB, messages: 300 }\n    - { payloadBytes: 5MiB, messages: 10 }');
    const { result } = await tinyRun(t, scenario, { load: { provider: 'external', env: sharedEndpoint() } });
    // The measured operations (2 of each; the warm-up's are counted apart).
    for (const [label, messages] of [['1KiB×300 random', 600], ['5MiB×10 random', 20]] as const) {
      const entry = caseOf(result, 'pulsar', label);
      assert.equal(entry?.status, 'passed', entry?.error ?? entry?.failures.join('; '));
      assert.deepEqual(entry?.summary?.delivery, { published: messages, acknowledged: messages, delivered: messages, lost: 0, duplicated: 0, outOfOrder: 0, corrupt: 0 });
    }
    const driver = result.manifest.targets.pulsar?.driver;
    assert.match(String(driver?.broker.version), /^4\.0\./);
    if (client === 'websocket') assert.match(driver!.notes.join(' '), /Pulsar via WebSocket, not the native protocol/);
    if (client === 'binary') {
      assert.equal(driver?.client.name, 'mqbench Pulsar binary protocol client');
      assert.equal(driver?.settings.batching, true);
    }
  });
}

test('pulsar: a closed-loop stream run verifies every message, through the WebSocket API and the batching binary client', async (t) => {
  const scenario = `
name: pulsar-stream
targets:
  - { name: pulsar, type: pulsar, settings: { client: websocket } }
  - { name: pulsar-binary, type: pulsar, settings: { client: binary } }
  - { name: pulsar-unbatched, type: pulsar, settings: { client: binary, batching: false } }
workload: { type: stream, payloadBytes: 1KiB, mode: closed-loop, inFlight: 64, messages: 3000, timeout: 30s, toolCeiling: false }
warmup: { duration: 300ms }
`;
  const { result } = await tinyRun(t, scenario, { load: { provider: 'external', env: sharedEndpoint() } });
  for (const entry of result.cases) {
    assert.equal(entry.status, 'passed', `${entry.target}: ${entry.error ?? entry.failures.join('; ')}`);
    assert.equal(entry.trials[0]?.measured?.counters.messagesDelivered, 3000, entry.target);
    assert.equal(entry.summary?.delivery.lost, 0);
    assert.equal(entry.summary?.delivery.outOfOrder, 0, `${entry.target}: in order`);
  }
  assert.equal(result.manifest.targets['pulsar-unbatched']?.driver?.settings.batching, false);
});

test("the binary client's consumer reads what the Java client wrote in its batch format (pulsar-perf), every message once", async (t) => {
  const { connectPulsar } = await import('./driver.js');
  const { pulsarSettingsSchema } = await import('./settings.js');
  const driver = await connectPulsar(shared.ok ? (shared.instance.endpoint as never) : (undefined as never), pulsarSettingsSchema.parse({ client: 'binary' }));
  t.after(() => driver.close());
  const topic = `mqbench-interop-${Date.now()}`;
  const reading = await driver.probeTool!({ messageBytes: 100, messages: 3000, concurrency: 100, producers: 1, timeoutMs: 120_000, topic: `${topic}-w`, signal: new AbortController().signal });
  assert.ok(reading.messagesPerSec > 0);
  // probeTool deletes its topic: write again with pulsar-perf into one that stays, then read it back.
  const { runPulsarPerf } = await import('./perf-tool.js');
  const { PulsarAdmin } = await import('./admin.js');
  const endpoint = shared.ok ? (shared.instance.endpoint as { serviceUrl: string; webServiceUrl: string }) : undefined;
  await driver.createTopic(topic);
  await driver.registerGroup!(topic, 'reader');
  const admin = new PulsarAdmin(endpoint!.webServiceUrl);
  await runPulsarPerf({ messageBytes: 100, messages: 3000, concurrency: 100, producers: 1, timeoutMs: 120_000, topic, signal: new AbortController().signal }, endpoint!.serviceUrl, admin);
  // pulsar-perf may publish a few past --num-messages; the topic's own counter says how many it holds.
  const written = await admin.messagesIn(topic);
  assert.ok(written >= 3000, `pulsar-perf wrote ${written}`);
  let received = 0;
  let errors = 0;
  const done = new Promise<void>((resolve) => {
    void driver.consumer(topic, {
      group: 'reader',
      from: 'earliest',
      onMessage: (payload) => {
        assert.equal(payload.byteLength, 100);
        if (++received === written) resolve();
      },
      onError: () => (errors += 1),
    });
  });
  await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`read ${received} of ${written}`)), 60_000))]);
  assert.equal(errors, 0);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(received, written, 'no message twice');
  await driver.deleteTopic(topic);
});

test('pulsar: a write-only stream read back afterwards gets every message (its subscription exists before the writes)', async (t) => {
  const scenario = `
name: pulsar-read-back
targets: [{ name: pulsar, type: pulsar, settings: { client: websocket } }]
workload: { type: stream, payloadBytes: 16KiB, mode: closed-loop, inFlight: 32, messages: 2000, consumer: after, timeout: 30s }
`;
  const { result } = await tinyRun(t, scenario, { load: { provider: 'external', env: sharedEndpoint() } });
  const [entry] = result.cases;
  assert.equal(entry?.status, 'passed', entry?.error ?? entry?.failures.join('; '));
  assert.equal(entry?.trials[0]?.measured?.counters.messagesDelivered, 2000);
  // pulsar-perf ran against the same broker after the trial, timed by the topic's own counter.
  const tool = entry?.summary?.toolCeiling;
  assert.equal(tool?.tool, 'pulsar-perf 4.0.8', entry?.summary?.toolCeilingError ?? undefined);
  assert.match(tool!.command, /produce --service-url pulsar:\/\/\S+ --rate 10000000 --num-messages 2000 --size 16384 --max-outstanding 32/);
  assert.ok(tool!.messagesPerSec > 10 && entry!.summary!.clientEfficiency! > 0, `pulsar-perf ${tool!.messagesPerSec} msg/s`);
  // The read side: pulsar-perf consume read back what pulsar-perf produce wrote (its subscription made first).
  assert.match(tool!.readBack?.command ?? String(entry!.summary!.toolReadBackError), /consume --service-url \S+ --subscriptions \S+ --subscription-position Earliest --num-messages \d+/);
  assert.ok(tool!.readBack!.messagesPerSec > 10 && entry!.summary!.readEfficiency! > 0, `pulsar-perf consume ${tool!.readBack!.messagesPerSec} msg/s`);
});

test("client: native where pulsar-client does not load fails with a clear message; auto falls back to mqbench's binary client", async (t) => {
  if (nativeLoads) return;
  const { result } = await tinyRun(t, brokerScenario('  - { name: pulsar, type: pulsar, settings: { client: native } }', '    - { payloadBytes: 1KiB, messages: 10 }'), {
    load: { provider: 'external', env: sharedEndpoint() },
  });
  assert.equal(result.cases[0]?.status, 'errored');
  assert.match(result.cases[0]!.error!, /client: native needs the pulsar-client package, which does not load here/);
  const auto = await tinyRun(t, brokerScenario('  - pulsar', '    - { payloadBytes: 1KiB, messages: 10 }'), { load: { provider: 'external', env: sharedEndpoint() } });
  assert.equal(auto.result.cases[0]?.status, 'passed', auto.result.cases[0]?.error ?? auto.result.cases[0]?.failures.join('; '));
  assert.match(auto.result.manifest.targets.pulsar!.driver!.notes.join(' '), /client: auto chose mqbench's binary-protocol client/);
});

test('pulsar killed mid-run (local provider): errored with the cause, partial result kept, nothing left running', async (t) => {
  const scenario = brokerScenario('  - { name: pulsar, type: pulsar, settings: { durability: fsync } }', '    - { payloadBytes: 64KiB, messages: 200 }').replace('operations: 2', 'operations: 20');
  const { result, outDir, killed } = await runAndKillBroker(t, scenario, 500);
  assert.ok(killed);
  const [entry] = result.cases;
  assert.equal(entry?.status, 'errored');
  assert.match(entry!.error!, /pulsar killed by SIGKILL during the run/);
  assert.ok((entry?.summary?.opSeconds?.count ?? 0) >= 2);
  assert.equal(result.manifest.targets.pulsar?.driver?.durability.journalSyncData, true);
  // What the standalone itself logged it loaded, not only what mqbench wrote.
  assert.equal(result.manifest.targets.pulsar?.instance?.journalSyncDataInForce, 'true (startup log)');
  assert.deepEqual(await processesMentioning(outDir), []);
});

/**
 * A standalone of its own for a test that needs the broker configured otherwise (authentication, TLS): mqbench's
 * overrides plus `extra`, started with mqbench's process supervision, ready once `ready` holds, stopped after the test.
 */
async function startConfiguredStandalone(
  t: TestContext,
  dir: string,
  ports: { broker: number; web: number },
  extra: Record<string, string>,
  ready: () => Promise<boolean>,
): Promise<void> {
  const conf = join(dir, 'standalone.conf');
  const template = await readFile(join(pulsarHome(), 'conf', 'standalone.conf'), 'utf8');
  const base = pulsarOverrides({ advertisedAddress: '127.0.0.1', bindAddress: '127.0.0.1', brokerServicePort: ports.broker, webServicePort: ports.web, maxMessageSize: 10 * 1024 * 1024, journalSyncData: false });
  await writeFile(conf, applyConf(template, { ...base, ...extra }));
  const standalone = await startLocalProcess({
    name: 'pulsar (configured by the test)',
    command: join(pulsarHome(), 'bin', 'pulsar'),
    args: ['standalone', '-nfw', '-nss', '--metadata-dir', join(dir, 'metadata'), '--bookkeeper-dir', join(dir, 'bookkeeper'), '-a', '127.0.0.1'],
    env: { PULSAR_STANDALONE_CONF: conf, PULSAR_LOG_DIR: dir, ...pulsarJvm('512m', '512m') },
    logFile: join(dir, 'pulsar.log'),
    ready,
    readyTimeoutMs: 180_000,
  });
  t.after(() => standalone.stop(30_000));
}

/** An HS256 JWT for `subject`, signed with `key` (what `pulsar tokens create` makes from a secret key). */
function jwt(subject: string, key: Buffer): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ alg: 'HS256' })}.${encode({ sub: subject })}`;
  return `${signingInput}.${createHmac('sha256', key).update(signingInput).digest('base64url')}`;
}

test('pulsar (external, token authentication): the binary and WebSocket clients, the admin API and pulsar-perf authenticate; no token appears in the result or the report; a wrong token is a clear error', async (t) => {
  const dir = await tempDir(t, 'mqbench-pulsar-auth-');
  const key = randomBytes(32);
  const adminToken = jwt('admin', key);
  const token = jwt('alice', key);
  const [brokerPort, webPort] = await freePorts(2);
  const webServiceUrl = `http://127.0.0.1:${webPort}`;
  await startConfiguredStandalone(
    t,
    dir,
    { broker: brokerPort!, web: webPort! },
    {
      authenticationEnabled: 'true',
      authenticationProviders: 'org.apache.pulsar.broker.authentication.AuthenticationProviderToken',
      tokenSecretKey: `data:;base64,${key.toString('base64')}`,
      superUserRoles: 'admin',
      brokerClientAuthenticationPlugin: 'org.apache.pulsar.client.impl.auth.AuthenticationToken',
      brokerClientAuthenticationParameters: `token:${adminToken}`,
    },
    () => httpOk(`${webServiceUrl}/admin/v2/namespaces/public`, (body) => body.includes('public/default'), bearerHeaders(adminToken)),
  );
  await writeFile(join(dir, 'token'), `${token}\n`);
  assert.equal((await fetch(`${webServiceUrl}/admin/v2/namespaces/public`)).status, 401, 'the cluster refuses a client without a token');

  const external = `webServiceUrl: "${webServiceUrl}", serviceUrl: "pulsar://127.0.0.1:${brokerPort}"`;
  const { result, outDir } = await tinyRun(
    t,
    `
name: pulsar-auth
targets:
  - { name: pulsar-binary, type: pulsar, settings: { client: binary, external: { ${external}, tokenFile: "${join(dir, 'token')}" } } }
  - { name: pulsar-websocket, type: pulsar, settings: { client: websocket, external: { ${external}, token: "${token}" } } }
workload: { type: stream, mode: closed-loop, inFlight: 16, payloadBytes: 1KiB, messages: 500, consumer: after }
warmup: { operations: 0 }
`,
    { load: { provider: 'external', env: sharedEndpoint() } },
  );
  for (const entry of result.cases) {
    assertVerifiedCase(entry, 500, 'client-only');
    assert.ok(entry.summary!.toolCeiling!.messagesPerSec > 0, `${entry.target}: pulsar-perf authenticated (${entry.summary!.toolCeilingError})`);
  }
  assert.equal(result.manifest.targets['pulsar-binary']?.instance?.authentication, 'token');
  const written = `${await readFile(join(outDir, 'result.json'), 'utf8')}${await readFile(join(outDir, 'report.html'), 'utf8')}`;
  assert.equal(written.includes(token), false, 'the token is in neither result.json nor report.html');

  const wrong = await tinyRun(t, `
name: pulsar-auth-wrong
targets: [{ name: pulsar, type: pulsar, settings: { client: binary, external: { ${external}, token: "${jwt('alice', randomBytes(32))}" } } }]
workload: { type: pubsub, operations: 1, messages: 10, payloadBytes: 1KiB, timeout: 20s }
warmup: { operations: 0 }
`, { load: { provider: 'external', env: sharedEndpoint() } });
  assert.equal(wrong.result.cases[0]?.status, 'errored');
  assert.match(wrong.result.cases[0]!.error!, /HTTP 401|authenticat/i);
});

test('pulsar: reference: true runs the pub/sub operations through pulsar-client-go against the same standalone, for the round trip ratio', async (t) => {
  const { result } = await tinyRun(
    t,
    `
name: pulsar-reference
targets: [{ name: pulsar, type: pulsar, settings: { client: binary } }]
workload: { type: pubsub, payloadBytes: 1KiB, messages: 300, operations: 2, reference: true }
`,
    { load: { provider: 'external', env: sharedEndpoint() } },
  );
  const [entry] = result.cases;
  assert.equal(entry?.status, 'passed', entry?.error ?? entry?.failures.join('; '));
  const summary = entry!.summary!;
  assert.equal(summary.toolCeilingError ?? undefined, undefined, String(summary.toolCeilingError));
  assert.match(summary.toolCeiling!.tool, /^pulsar-client-go \(Go reference of the pub\/sub operation\)$/);
  assert.match(summary.toolCeiling!.command, /^pubsub-ref --broker=pulsar --url=pulsar:\/\/127\.0\.0\.1:\d+ --admin-url=http:\/\/127\.0\.0\.1:\d+ --messages=300 --size=1024 --operations=2 /);
  assert.equal(String(summary.toolCeiling!.settings.secondsPerOp).split(', ').length, 2, 'the reference ran as many operations as the trial');
  assert.ok(summary.clientEfficiency! > 0, `round trip ratio ${summary.clientEfficiency}`);
});

test('pulsar (external, TLS): pulsar+ssl:// and https:// with a private CA; the binary and WebSocket clients, the admin API, pulsar-perf and the Go reference trust it through tls.caFile', async (t) => {
  const dir = await tempDir(t, 'mqbench-pulsar-tls-');
  const certificates = await testCertificates(dir);
  const [brokerPort, webPort, brokerTlsPort, webTlsPort] = await freePorts(4);
  await startConfiguredStandalone(
    t,
    dir,
    { broker: brokerPort!, web: webPort! },
    {
      brokerServicePortTls: String(brokerTlsPort),
      webServicePortTls: String(webTlsPort),
      tlsCertificateFilePath: certificates.cert,
      tlsKeyFilePath: certificates.key,
      tlsTrustCertsFilePath: certificates.ca,
    },
    () => httpOk(`http://127.0.0.1:${webPort}/admin/v2/namespaces/public`, (body) => body.includes('public/default')),
  );

  const external = (tls: string) => `webServiceUrl: "https://127.0.0.1:${webTlsPort}", serviceUrl: "pulsar+ssl://127.0.0.1:${brokerTlsPort}"${tls}`;
  const trusted = `, tls: { caFile: "${certificates.ca}" }`;
  const { result } = await tinyRun(
    t,
    `
name: pulsar-tls
targets:
  - { name: pulsar-binary, type: pulsar, settings: { client: binary, external: { ${external(trusted)} } } }
  - { name: pulsar-websocket, type: pulsar, settings: { client: websocket, external: { ${external(trusted)} } } }
workload: { type: stream, mode: closed-loop, inFlight: 16, payloadBytes: 1KiB, messages: 500, consumer: after }
warmup: { operations: 0 }
`,
    { load: { provider: 'external', env: sharedEndpoint() } },
  );
  for (const entry of result.cases) {
    assertVerifiedCase(entry, 500, 'client-only');
    assert.ok(entry.summary!.toolCeiling!.messagesPerSec > 0, `${entry.target}: pulsar-perf trusted the CA (${entry.summary!.toolCeilingError})`);
    assert.match(entry.summary!.toolCeiling!.command, /--trust-cert-file=\S+ca\.pem/);
  }
  assert.match(String(result.manifest.targets['pulsar-binary']?.instance?.authentication), /^TLS \(CA \S+ca\.pem\)$/);

  const reference = await tinyRun(t, `
name: pulsar-tls-reference
targets: [{ name: pulsar, type: pulsar, settings: { client: binary, external: { ${external(trusted)} } } }]
workload: { type: pubsub, payloadBytes: 1KiB, messages: 100, operations: 1, reference: true }
warmup: { operations: 0 }
`, { load: { provider: 'external', env: sharedEndpoint() } });
  assert.equal(reference.result.cases[0]?.status, 'passed', reference.result.cases[0]?.error);
  assert.ok(reference.result.cases[0]!.summary!.toolCeiling, `the Go reference trusted the CA (${reference.result.cases[0]!.summary!.toolCeilingError})`);

  const untrusted = await tinyRun(t, `
name: pulsar-tls-untrusted
targets: [{ name: pulsar, type: pulsar, settings: { client: binary, external: { ${external('')} } } }]
workload: { type: pubsub, payloadBytes: 1KiB, messages: 10, operations: 1, timeout: 20s }
warmup: { operations: 0 }
`, { load: { provider: 'external', env: sharedEndpoint() } });
  assert.equal(untrusted.result.cases[0]?.status, 'errored');
  assert.match(untrusted.result.cases[0]!.error!, /certificate/i);
});
