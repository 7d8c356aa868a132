/**
 * LogDriver for Apache Pulsar: topics in public/default created through the admin API, producers that wait for the
 * broker's receipt, Exclusive subscriptions created at the earliest position, acks per message — through the native
 * client where it loads (client: native | auto), else through the WebSocket API (client: websocket | auto).
 */
import { readFile } from 'node:fs/promises';
import { packageVersion } from '../../util/package-version.js';
import { inScratchTopic, calibrate } from '../perf-tool.js';
import type { ConsumerOptions, DriverDescription, LogConsumer, LogDriver, LogProducer, ReferenceProbeSpec, SettingValue, ToolProbeSpec, ToolReading } from '../driver.js';
import { runPubsubReference } from '../pubsub-reference.js';
import { runPulsarPerf, runPulsarPerfConsume } from './perf-tool.js';
import { PulsarAdmin } from './admin.js';
import { withTokenFile } from './auth.js';
import type { PulsarClientPath } from './client.js';
import { loadNativeClient, nativeClient } from './native-client.js';
import type { PulsarSettings } from './settings.js';
import { websocketClient } from './websocket-client.js';
import { binaryClient } from './binary/binary-client.js';

/** Connection details a Pulsar instance hands to workers. */
export type PulsarEndpoint = {
  webServiceUrl: string;
  serviceUrl: string;
  /** Bookie and ledger durability settings in force, when mqbench configured the broker. */
  durability?: Record<string, SettingValue>;
  /** A token for an authenticated external cluster (never written into a result). */
  token?: string;
  /** The CA file TLS connections (pulsar+ssl://, https://) check the cluster's certificate against. */
  tlsCaFile?: string;
};

/** Connects with the client path the settings choose. */
export async function connectPulsar(endpoint: PulsarEndpoint, settings: PulsarSettings): Promise<LogDriver> {
  const { token, tlsCaFile } = endpoint;
  const ca = tlsCaFile === undefined ? undefined : await readFile(tlsCaFile, 'utf8');
  const admin = new PulsarAdmin(endpoint.webServiceUrl, token, ca);
  let path: PulsarClientPath;
  const binary = () => binaryClient({ serviceUrl: endpoint.serviceUrl, receiverQueueSize: settings.receiverQueueSize, batching: settings.batching, timeoutMs: 30_000, token, ca });
  if (settings.client === 'websocket') {
    path = websocketClient(endpoint.webServiceUrl, settings.maxMessageSize, settings.receiverQueueSize, token, ca);
  } else if (settings.client === 'binary') {
    path = binary();
  } else {
    const native = loadNativeClient();
    if (native.module) {
      path = nativeClient(native.module, endpoint.serviceUrl, settings.receiverQueueSize, packageVersion('pulsar-client'), token, tlsCaFile);
    } else if (settings.client === 'native') {
      throw new Error(`client: native needs the pulsar-client package, which does not load here (${native.reason}); use client: binary, websocket or auto`);
    } else {
      path = binary();
      path.notes.push(`client: auto chose mqbench's binary-protocol client because pulsar-client does not load here (${native.reason})`);
    }
  }
  const batching = path.name.includes('binary') && settings.batching;
  return new PulsarDriver(admin, path, endpoint, await admin.version(), batching);
}

class PulsarDriver implements LogDriver {
  constructor(
    private readonly admin: PulsarAdmin,
    private readonly path: PulsarClientPath,
    private readonly endpoint: PulsarEndpoint,
    private readonly version: string,
    private readonly batching: boolean,
  ) {}

  async describe(): Promise<DriverDescription> {
    return {
      broker: { name: 'Apache Pulsar (standalone)', version: this.version },
      client: { name: this.path.name, version: this.path.version },
      durability: {
        acknowledgedWhen: 'the broker confirms the send: the entry is written to the bookie ack quorum',
        ...(this.endpoint.durability ?? { bookie: 'unknown (external cluster)' }),
        fsyncBeforeAck: typeof this.endpoint.durability?.journalSyncData === 'boolean' ? this.endpoint.durability.journalSyncData : null,
        fsyncSetting: 'settings.durability: fsync (journalSyncData=true)',
      },
      settings: { subscriptionType: 'Exclusive', batching: this.batching, topic: 'persistent, non-partitioned, public/default' },
      notes: this.path.notes,
    };
  }

  probeTool(spec: ToolProbeSpec): Promise<ToolReading> {
    const { serviceUrl, token, tlsCaFile } = this.endpoint;
    return inScratchTopic(this, spec.topic, () =>
      withTokenFile(token, (tokenFile) => {
        const access = { tokenFile, tlsCaFile };
        return calibrate(spec, {
          write: (messages) => runPulsarPerf({ ...spec, messages }, serviceUrl, this.admin, access),
          read: (backlog) => runPulsarPerfConsume(spec, serviceUrl, this.admin, backlog, access),
        });
      }),
    );
  }

  probeReference(spec: ReferenceProbeSpec): Promise<ToolReading> {
    const { serviceUrl, webServiceUrl, token, tlsCaFile } = this.endpoint;
    return withTokenFile(token, (tokenFile) =>
      runPubsubReference(spec, {
        broker: 'pulsar',
        args: [`--url=${serviceUrl}`, `--admin-url=${webServiceUrl}`, ...(tokenFile ? [`--token-file=${tokenFile}`] : []), ...(tlsCaFile ? [`--tlsca=${tlsCaFile}`] : [])],
        publish: 'producer.Send (synchronous), each awaiting its receipt',
      }),
    );
  }

  createTopic(topic: string): Promise<void> {
    return this.admin.createTopic(topic);
  }

  deleteTopic(topic: string): Promise<void> {
    return this.admin.deleteTopic(topic);
  }

  producer(topic: string): Promise<LogProducer> {
    return this.path.producer(topic);
  }

  registerGroup(topic: string, group: string): Promise<void> {
    return this.admin.createSubscriptionAtEarliest(topic, group);
  }

  async consumer(topic: string, options: ConsumerOptions): Promise<LogConsumer> {
    if (options.from === 'earliest') await this.admin.createSubscriptionAtEarliest(topic, options.group);
    return this.path.consumer(topic, options);
  }

  close(): Promise<void> {
    return this.path.close();
  }
}
