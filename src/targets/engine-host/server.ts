/**
 * The engine host's server: one embedded engine's LogDriver (rocksmq, the WAL) served on a unix socket in the framed
 * protocol of the woodpecker helper (src/targets/woodpecker/protocol.ts), so that the engine can live in a process of
 * its own — one a fault can kill and restart on the same files — while the trial's worker, which keeps the ledger,
 * survives. A reader is opened with `topic NUL group`; payloads pass through as bytes.
 */
import { createServer, type Server } from 'node:net';
import type { LogConsumer, LogDriver, LogProducer } from '../driver.js';
import { errorMessage } from '../../util/errors.js';
import { encodeFrame, FrameReader, OP, PUSH, u32 } from '../woodpecker/protocol.js';

const { reply: REPLY, message: MESSAGE, readerError: READER_ERROR } = PUSH;

/** Serves `driver` on `socketPath`; resolves once it listens. */
export async function serveEngine(driver: LogDriver, socketPath: string): Promise<Server> {
  let nextHandle = 1;
  const server = createServer((socket) => {
    const producers = new Map<number, LogProducer>();
    const readers = new Map<number, LogConsumer>();
    const send = (op: number, id: number, ...parts: Uint8Array[]) => {
      if (!socket.destroyed) for (const part of encodeFrame(op, id, ...parts)) socket.write(part);
    };
    const reply = (id: number, work: () => Promise<Uint8Array>) =>
      work().then(
        (body) => send(REPLY, id, Buffer.from([0]), body),
        (error: unknown) => send(REPLY, id, Buffer.from([1]), Buffer.from(errorMessage(error))),
      );
    const frames = new FrameReader((op, id, body) => {
      // Copied: a frame is a view into the socket's buffers, and engines keep payloads.
      const bytes = Buffer.from(body);
      void reply(id, async () => {
        switch (op) {
          case OP.describe:
            return Buffer.from(JSON.stringify(await driver.describe()));
          case OP.create:
            await driver.createTopic(bytes.toString('utf8'));
            return Buffer.alloc(0);
          case OP.delete:
            await driver.deleteTopic(bytes.toString('utf8'));
            return Buffer.alloc(0);
          case OP.openWriter: {
            const handle = nextHandle++;
            producers.set(handle, await driver.producer(bytes.toString('utf8')));
            return u32(handle);
          }
          case OP.append: {
            const producer = producers.get(bytes.readUInt32LE(0));
            if (!producer) throw new Error('no such writer');
            return Buffer.from(await producer.send(bytes.subarray(4)));
          }
          case OP.closeWriter: {
            const handle = bytes.readUInt32LE(0);
            await producers.get(handle)?.close();
            producers.delete(handle);
            return Buffer.alloc(0);
          }
          case OP.openReader: {
            const handle = nextHandle++;
            const [topic, group] = bytes.subarray(1).toString('utf8').split('\0');
            readers.set(
              handle,
              await driver.consumer(topic!, {
                group: group || `${topic}-host-reader-${handle}`,
                from: bytes.readUInt8(0) === 1 ? 'latest' : 'earliest',
                onMessage: (payload) => send(MESSAGE, handle, Buffer.from(payload)),
                onError: (error) => send(READER_ERROR, handle, Buffer.from(error.message)),
              }),
            );
            return u32(handle);
          }
          case OP.closeReader: {
            const handle = bytes.readUInt32LE(0);
            await readers.get(handle)?.close();
            readers.delete(handle);
            return Buffer.alloc(0);
          }
          default:
            throw new Error(`unknown request ${op}`);
        }
      });
    });
    socket.on('data', (chunk: Buffer) => frames.push(chunk));
    socket.on('error', () => undefined);
    // A client gone: its writers and readers close with it.
    socket.on('close', () => void closeAll(producers, readers));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return server;
}

async function closeAll(producers: Map<number, LogProducer>, readers: Map<number, LogConsumer>): Promise<void> {
  await Promise.allSettled([...producers.values()].map((producer) => producer.close()));
  await Promise.allSettled([...readers.values()].map((reader) => reader.close()));
  producers.clear();
  readers.clear();
}
