/** nats-server configuration written by mqbench: JetStream on, large payloads, the requested sync interval. */

/** Values that differ between the local process and the container. */
export interface NatsConfigInput {
  host: string;
  port: number;
  monitorPort: number;
  storeDir: string;
  maxPayload: number;
  syncInterval: string;
  /** JetStream's per-stream ingest queue limits (max_buffered_size / max_buffered_msgs); server defaults when absent. */
  ingestQueue?: { bytes?: number; messages?: number };
}

/** The config file text. */
export function natsConfig(input: NatsConfigInput): string {
  return `# written by mqbench
server_name: mqbench
listen: ${input.host}:${input.port}
http: ${input.host}:${input.monitorPort}
max_payload: ${input.maxPayload}
max_pending: 67108864
jetstream {
  store_dir: "${input.storeDir}"
  sync_interval: "${input.syncInterval}"
${ingestQueueLines(input.ingestQueue)}}
`;
}

/**
 * The sync interval in nanoseconds as /varz reports it (`jetstream.config.sync_interval`), or "always" (`sync_always`).
 * Quoted in the config: unquoted, `2m` is read as the number 2,000,000 with a suffix, in seconds (about 23 days).
 */
export function syncIntervalNanos(syncInterval: string): number | 'always' {
  if (syncInterval === 'always') return 'always';
  const match = /^(\d+)(ms|s|m|h)$/.exec(syncInterval);
  if (!match) throw new Error(`not a sync interval: ${syncInterval}`);
  const unitNanos = { ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unitNanos;
}

/** What the running server says about its sync interval (from /varz), or why it does not match `syncInterval`. */
export function checkSyncInForce(varz: unknown, syncInterval: string): { inForce: string; mismatch?: string } {
  const config = (varz as { jetstream?: { config?: { sync_interval?: number; sync_always?: boolean } } }).jetstream?.config;
  if (!config) return { inForce: 'unknown', mismatch: '/varz has no jetstream.config' };
  const inForce = config.sync_always ? 'always' : `${config.sync_interval} ns`;
  const expected = syncIntervalNanos(syncInterval);
  const matches = expected === 'always' ? config.sync_always === true : !config.sync_always && config.sync_interval === expected;
  return matches ? { inForce } : { inForce, mismatch: `nats-server runs with sync_interval ${inForce} where mqbench asked for ${syncInterval}` };
}

function ingestQueueLines(queue: NatsConfigInput['ingestQueue']): string {
  const lines = [
    queue?.bytes === undefined ? undefined : `max_buffered_size: ${queue.bytes}`,
    queue?.messages === undefined ? undefined : `max_buffered_msgs: ${queue.messages}`,
  ];
  return lines.flatMap((line) => (line ? [`  ${line}\n`] : [])).join('');
}
