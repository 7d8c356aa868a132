/**
 * Node reads a socket into a fresh 64 KiB buffer per read. Reading a 1 MiB backlog from NATS, that is a gigabyte of
 * buffers a second, each dead as soon as nats.js's parser has copied it into its message: the collector ran a full
 * mark-compact every 60–70 ms, 35 to 90 of them a trial, the slower trials having more (the read ran at 0.62 and
 * 0.76 of `nats bench`'s in 2 of 8 trials here, and every warm-up read at 495–788 msg/s; 842–1,088 with this).
 *
 * This connection reads into buffers of a pool instead (Node's `onread` with a buffer per read) and emits them as
 * nats.js's transport expects. A read that nats.js's parser copies whole into a multi-read message's buffer (nats.js's
 * DenoBuffer copies what it is given) goes back to the pool once parsed (`giveBackReadsCopiedWhole`), so a 1 MiB
 * message is read through the same few buffers. A short read (under SHORT_READ_BYTES: a small message awaited alone)
 * is copied into a buffer of its own size and its pool buffer goes back at once, so a payload kept by a workload never
 * pins 64 KiB. Any other read may hold whole messages, whose payloads are views of it: it is left to the collector.
 *
 * Everything else is nats.js's own transport (TLS, which reads through its own socket, included). Where that transport
 * is not as expected, nats.js's own `connect` runs and the caller says so.
 */
import { createRequire } from 'node:module';
import { createConnection, type Socket } from 'node:net';
import { hasWsProtocol, NatsConnectionImpl, setTransportFactory, State } from '@nats-io/nats-core/internal';
import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';
import { RecycledBuffers } from '../../util/recycled-buffers.js';
import { wrapParserParse, type ParseFunction } from './parser-wrap.js';

/** The size of each socket read (Node's own). */
export const READ_BYTES = 64 * 1024;
/** Reads shorter than this are copied out of their pool buffer. */
export const SHORT_READ_BYTES = 16 * 1024;

/** Up to 64 reads' buffers wait for the next read. */
const readBuffers = new RecycledBuffers(64 * READ_BYTES);

interface HostPort {
  hostname: string;
  port: number;
}

type TransportClass = new () => { dial(hp: HostPort): Promise<Socket>; isEncrypted(): boolean };

/** nats.js's Node transport and its resolver, where they are as expected (not part of its public API). */
function nodeTransport(): { NodeTransport: TransportClass; nodeResolveHost: unknown } | undefined {
  try {
    const module = createRequire(import.meta.url)('@nats-io/transport-node/lib/node_transport.js') as { NodeTransport?: unknown; nodeResolveHost?: unknown };
    const prototype = (module.NodeTransport as { prototype?: Record<string, unknown> } | undefined)?.prototype;
    if (typeof prototype?.dial !== 'function' || typeof prototype.setupHandlers !== 'function' || typeof prototype.isEncrypted !== 'function' || typeof module.nodeResolveHost !== 'function') return undefined;
    return { NodeTransport: module.NodeTransport as TransportClass, nodeResolveHost: module.nodeResolveHost };
  } catch {
    return undefined;
  }
}

/** Opens a TCP connection whose reads land in pooled buffers and come out as `data` events. */
export function dialPooled(hp: HostPort): Promise<Socket> {
  return new Promise((resolve, reject) => {
    let dialError: Error | undefined;
    const socket: Socket = createConnection(
      {
        host: hp.hostname,
        port: hp.port,
        noDelay: true,
        onread: {
          buffer: () => new Uint8Array(readBuffers.take(READ_BYTES)),
          callback: (bytes, buffer) => {
            if (bytes >= SHORT_READ_BYTES) {
              socket.emit('data', buffer.subarray(0, bytes));
            } else {
              const copy = buffer.slice(0, bytes);
              readBuffers.giveBack(buffer.buffer);
              socket.emit('data', copy);
            }
            return true;
          },
        },
      },
      () => {
        socket.removeAllListeners();
        resolve(socket);
      },
    );
    socket.on('error', (error) => {
      dialError = error;
    });
    socket.on('close', () => {
      socket.removeAllListeners();
      reject(dialError ?? new Error(`connection to ${hp.hostname}:${hp.port} closed`));
    });
  });
}

interface ParserState {
  state: number;
  ma?: { size: number };
  msgBuf?: { length: number };
}

/**
 * Makes nats.js's parser give a read back to the pool once it has copied all of it into a message's buffer
 * (idempotent); false where the parser is not as expected. Install it after the other parser wrappers, so that it
 * sees each read whole.
 */
export function giveBackReadsCopiedWhole(): boolean {
  return wrapParserParse('mqbench.nats.pooledReads', () => typeof State.MSG_PAYLOAD === 'number', (parse) => function parseGivingBackReads(this: ParserState, read: Uint8Array): void {
    const copiedWhole = this.state === State.MSG_PAYLOAD && typeof this.msgBuf?.length === 'number' && this.ma !== undefined && this.ma.size - this.msgBuf.length >= read.length;
    parse.call(this, read);
    if (copiedWhole) readBuffers.giveBack(read.buffer);
  } as ParseFunction);
}

/** How a connection reads its socket: into pooled buffers, through TLS's own socket, or as nats.js alone does. */
export type InboundReads = 'pooled' | 'tls' | 'nats.js';

/**
 * Connects as nats.js's `connect` does, reading into pooled buffers where its transport and parser allow (call it
 * after the other parser wrappers are in place); says how it reads.
 */
export async function connectWithPooledReads(options: NodeConnectionOptions): Promise<{ connection: NatsConnection; reads: InboundReads }> {
  const transport = giveBackReadsCopiedWhole() ? nodeTransport() : undefined;
  // nats.js's connect refuses WebSocket servers with its own message.
  if (!transport || hasWsProtocol(options)) return { connection: await connect(options), reads: 'nats.js' };
  class PooledReadTransport extends transport.NodeTransport {
    override dial(hp: HostPort): Promise<Socket> {
      return dialPooled(hp);
    }
  }
  let latest: PooledReadTransport | undefined;
  setTransportFactory({ factory: () => (latest = new PooledReadTransport()) as never, dnsResolveFn: transport.nodeResolveHost as never });
  const connection = await NatsConnectionImpl.connect(options);
  return { connection, reads: latest?.isEncrypted() ? 'tls' : 'pooled' };
}
