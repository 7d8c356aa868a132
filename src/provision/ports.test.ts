import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { ephemeralRangeStart, freePorts } from './ports.js';

test('free ports are distinct, bindable, and below the ephemeral range, where nothing binding port 0 can be handed them', async () => {
  const ports = await freePorts(8);
  assert.equal(new Set(ports).size, 8);
  for (const port of ports) {
    assert.ok(port >= 20_000 && port < ephemeralRangeStart(), `${port}`);
    await new Promise<void>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
    });
  }
});
