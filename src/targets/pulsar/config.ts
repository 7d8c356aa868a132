/**
 * Pulsar standalone configuration written by mqbench: the distribution's conf/standalone.conf with loopback
 * addresses, free ports, message and frame sizes large enough for 5 MB payloads (through the WebSocket API too),
 * and the requested bookie journal fsync. JVM sized for a 2-core machine (the defaults ask for 2 GB heap + 4 GB
 * direct memory and one GC thread per core of a big server).
 */

/** Values that differ between the local process and the container. */
export interface PulsarConfigInput {
  advertisedAddress: string;
  bindAddress: string;
  brokerServicePort: number;
  webServicePort: number;
  maxMessageSize: number;
  journalSyncData: boolean;
}

/** The standalone.conf overrides. */
export function pulsarOverrides(input: PulsarConfigInput): Record<string, string> {
  const frame = input.maxMessageSize + 64 * 1024;
  return {
    advertisedAddress: input.advertisedAddress,
    bindAddress: input.bindAddress,
    brokerServicePort: String(input.brokerServicePort),
    webServicePort: String(input.webServicePort),
    maxMessageSize: String(input.maxMessageSize),
    nettyMaxFrameSizeBytes: String(frame),
    webSocketServiceEnabled: 'true',
    webSocketMaxTextFrameSize: String(Math.ceil(input.maxMessageSize * 1.4) + 65536),
    journalSyncData: String(input.journalSyncData),
    managedLedgerDefaultEnsembleSize: '1',
    managedLedgerDefaultWriteQuorum: '1',
    managedLedgerDefaultAckQuorum: '1',
    brokerDeleteInactiveTopicsEnabled: 'false',
    // The standalone's bookie reads its configuration from this file too: without these it binds every interface.
    ...(input.bindAddress === '127.0.0.1' ? { listeningInterface: 'lo', allowLoopback: 'true' } : {}),
  };
}

/** `template` (a .conf file's text) with `overrides` replacing existing keys and appending missing ones. */
export function applyConf(template: string, overrides: Record<string, string>): string {
  const pending = new Map(Object.entries(overrides));
  const lines = template.split('\n').map((line) => {
    const match = /^([A-Za-z0-9_.]+)=/.exec(line);
    if (!match || !pending.has(match[1]!)) return line;
    const value = pending.get(match[1]!)!;
    pending.delete(match[1]!);
    return `${match[1]}=${value}`;
  });
  return `${lines.join('\n')}\n# added by mqbench\n${[...pending].map(([key, value]) => `${key}=${value}`).join('\n')}\n`;
}

/** PULSAR_MEM and PULSAR_GC for a small machine. */
export function pulsarJvm(heap: string, directMemory: string): { PULSAR_MEM: string; PULSAR_GC: string } {
  return {
    PULSAR_MEM: `-Xms${heap} -Xmx${heap} -XX:MaxDirectMemorySize=${directMemory}`,
    PULSAR_GC: '-XX:+UseG1GC -XX:MaxGCPauseMillis=10 -XX:ParallelGCThreads=2 -XX:ConcGCThreads=1',
  };
}
