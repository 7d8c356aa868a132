/**
 * Pulsar through its WebSocket API (/ws/v2/producer, /ws/v2/consumer): JSON frames with base64 payloads, sends
 * answered with the message id once the broker has persisted them, acks by message id. This is not Pulsar's native
 * binary protocol — the broker's WebSocket service runs a Java client on the client's behalf — and the manifest says so.
 */
import { bearerHeaders } from './auth.js';
import WebSocket from 'ws';
import { packageVersion } from '../../util/package-version.js';
import type { ConsumerOptions, LogConsumer, LogProducer } from '../driver.js';
import type { PulsarClientPath } from './client.js';

interface SendResult {
  result: string;
  messageId?: string;
  errorMsg?: string;
  context?: string;
}

/**
 * Opens a WebSocket with its handlers attached before it opens: frames can arrive in the same read as the upgrade
 * response and are emitted before an `await` on the open would resume (a consumer lost its first messages that way).
 */
function open(url: string, maxPayload: number, headers: Record<string, string>, ca: string | undefined, attach: (socket: WebSocket) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { maxPayload, perMessageDeflate: false, headers, ...(ca ? { ca } : {}) });
    attach(socket);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
    socket.once('unexpected-response', (_request, response) => reject(new Error(`WebSocket ${url}: HTTP ${response.statusCode}`)));
  });
}

/** The WebSocket client path. */
export function websocketClient(webServiceUrl: string, maxMessageBytes: number, receiverQueueSize: number, token?: string, ca?: string): PulsarClientPath {
  const headers = bearerHeaders(token);
  const base = webServiceUrl.replace(/^http/, 'ws');
  const frameLimit = Math.ceil(maxMessageBytes * 1.4) + 65536;
  return {
    name: 'Pulsar WebSocket API (ws)',
    version: `ws ${packageVersion('ws')}`,
    notes: ['Pulsar via WebSocket, not the native protocol: payloads travel base64-encoded in JSON through the broker\'s WebSocket service'],
    async producer(topic): Promise<LogProducer> {
      const waiting = new Map<string, { resolve(id: string): void; reject(error: Error): void }>();
      let next = 0;
      const failAll = (error: Error) => {
        for (const entry of waiting.values()) entry.reject(error);
        waiting.clear();
      };
      const socket = await open(`${base}/ws/v2/producer/persistent/public/default/${topic}?batchingEnabled=false&sendTimeoutMillis=30000`, frameLimit, headers, ca, (socket) => {
        socket.on('message', (data) => {
          const answer = JSON.parse(data.toString()) as SendResult;
          const entry = answer.context === undefined ? undefined : waiting.get(answer.context);
          if (!entry) return;
          waiting.delete(answer.context!);
          if (answer.result === 'ok') entry.resolve(answer.messageId ?? '');
          else entry.reject(new Error(`Pulsar send failed: ${answer.result} ${answer.errorMsg ?? ''}`.trim()));
        });
        socket.on('close', () => failAll(new Error('Pulsar WebSocket producer connection closed')));
        socket.on('error', (error) => failAll(error));
      });
      return {
        send(payload) {
          const context = String(next++);
          return new Promise<string>((resolve, reject) => {
            waiting.set(context, { resolve, reject });
            socket.send(JSON.stringify({ payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('base64'), context }), (error) => {
              if (error) {
                waiting.delete(context);
                reject(error);
              }
            });
          });
        },
        async close() {
          socket.close();
        },
      };
    },
    async consumer(topic, options: ConsumerOptions): Promise<LogConsumer> {
      const url = `${base}/ws/v2/consumer/persistent/public/default/${topic}/${encodeURIComponent(options.group)}?subscriptionType=Exclusive&receiverQueueSize=${receiverQueueSize}`;
      let opened = false;
      let closing = false;
      const socket = await open(url, frameLimit, headers, ca, (socket) => {
        socket.on('message', (data) => {
          const message = JSON.parse(data.toString()) as { messageId: string; payload: string };
          options.onMessage(Buffer.from(message.payload, 'base64'));
          socket.send(JSON.stringify({ messageId: message.messageId }));
        });
        socket.on('close', () => {
          if (opened && !closing) options.onError(new Error('Pulsar WebSocket consumer connection closed'));
        });
        socket.on('error', (error) => {
          if (opened && !closing) options.onError(error);
        });
      });
      opened = true;
      return {
        async close() {
          closing = true;
          socket.close();
        },
      };
    },
    async close() {},
  };
}
