import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReferenceOutput } from './pubsub-reference.js';

test("pubsub-ref's JSON line is read after any other output; no line or no operations is a clear error", () => {
  const output = 'note: connecting\n{"client":"nats.go 1.55.0","secondsPerOp":[0.5,0.4],"messages":10,"messageBytes":1024,"operations":2,"consumer":"push"}\n';
  assert.deepEqual(parseReferenceOutput(output).secondsPerOp, [0.5, 0.4]);
  assert.throws(() => parseReferenceOutput('pubsub-ref: operation 1: nats: timeout\n'), /pubsub-ref printed no result:\npubsub-ref: operation 1: nats: timeout/);
  assert.throws(() => parseReferenceOutput('{"client":"nats.go","secondsPerOp":[]}'), /printed no result/);
});
