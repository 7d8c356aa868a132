/**
 * Free TCP ports on the loopback interface, for brokers mqbench starts. They are taken below the kernel's ephemeral
 * range: a port the OS handed out for listen(0) and got back is the next one it may hand to anything binding port 0
 * or connecting out — a Pulsar bookie picking its own port took the broker port chosen a moment before that way, and
 * the broker failed with "Address already in use". Below that range only an explicit bind can take it.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** The lowest port the kernel hands out on its own (its ephemeral range's start), 32768 where it cannot be read. */
export function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return low !== undefined && Number.isInteger(low) && low > 2048 ? low : 32_768;
  } catch {
    return 32_768;
  }
}

const LOWEST = 20_000;
const ATTEMPTS = 64;

/** Whether `port` on 127.0.0.1 can be bound now (0: any port; resolves with the port bound, or undefined). */
function bindable(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined));
    });
  });
}

/** A port on 127.0.0.1 that was free a moment ago, below the ephemeral range where one is free there. */
export async function freePort(): Promise<number> {
  const high = ephemeralRangeStart();
  if (high - LOWEST > 1000) {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const port = await bindable(LOWEST + Math.floor(Math.random() * (high - LOWEST)));
      if (port !== undefined) return port;
    }
  }
  const port = await bindable(0);
  if (port === undefined) throw new Error('no free port on 127.0.0.1');
  return port;
}

/** `count` distinct free ports. */
export async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}
