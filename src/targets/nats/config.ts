/** nats-server configuration written by mqbench: JetStream on, large payloads, the requested sync interval. */

/** Values that differ between the local process and the container. */
export interface NatsConfigInput {
  host: string;
  port: number;
  monitorPort: number;
  storeDir: string;
  maxPayload: number;
  syncInterval: string;
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
}
`;
}
