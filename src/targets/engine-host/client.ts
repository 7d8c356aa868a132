/** The LogDriver of an engine that runs in a host process of its own (server.ts): every call is a request on its socket. */
import type { ConsumerOptions, DriverDescription, LogConsumer, LogDriver, LogProducer } from '../driver.js';
import { HelperConnection, OP, u32 } from '../woodpecker/protocol.js';

/** Connects to the engine host of `type` at `socket`. */
export async function connectEngineHost(socket: string, type: string): Promise<LogDriver> {
  const peer = `the ${type} engine host`;
  const connection = await HelperConnection.open(socket, 10_000, peer);
  return new EngineHostDriver(connection, peer);
}

class EngineHostDriver implements LogDriver {
  constructor(
    private readonly connection: HelperConnection,
    private readonly peer: string,
  ) {}

  async describe(): Promise<DriverDescription> {
    const described = JSON.parse((await this.connection.request(OP.describe)).toString('utf8')) as DriverDescription;
    return {
      ...described,
      notes: [
        ...described.notes,
        `the engine runs in a process of its own (${this.peer}), reached over a unix socket, so that faults can kill and restart it`,
        'no raw-store calibration (toolCeiling, readEfficiency) in this mode: the store lives in the host process; run it with process: worker to measure the client against its raw engine',
      ],
    };
  }

  async createTopic(topic: string): Promise<void> {
    await this.connection.request(OP.create, Buffer.from(topic));
  }

  async deleteTopic(topic: string): Promise<void> {
    await this.connection.request(OP.delete, Buffer.from(topic));
  }

  async producer(topic: string): Promise<LogProducer> {
    const id = u32((await this.connection.request(OP.openWriter, Buffer.from(topic))).readUInt32LE(0));
    return {
      send: async (payload) => (await this.connection.request(OP.append, id, payload)).toString('utf8'),
      close: async () => void (await this.connection.request(OP.closeWriter, id)),
    };
  }

  async consumer(topic: string, options: ConsumerOptions): Promise<LogConsumer> {
    const reader = await this.connection.openReader(`${topic}\0${options.group}`, options.from, { onMessage: options.onMessage, onError: options.onError });
    return { close: () => this.connection.closeReader(reader) };
  }

  async close(): Promise<void> {
    this.connection.close();
  }
}
