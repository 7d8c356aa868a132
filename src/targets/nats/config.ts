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
  sync_interval: ${input.syncInterval}
${ingestQueueLines(input.ingestQueue)}}
`;
}

function ingestQueueLines(queue: NatsConfigInput['ingestQueue']): string {
  const lines = [
    queue?.bytes === undefined ? undefined : `max_buffered_size: ${queue.bytes}`,
    queue?.messages === undefined ? undefined : `max_buffered_msgs: ${queue.messages}`,
  ];
  return lines.flatMap((line) => (line ? [`  ${line}\n`] : [])).join('');
}
