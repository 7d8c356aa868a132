import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ToolProbeSpec, ToolReading } from './driver.js';
import { calibrate, toolReading } from './perf-tool.js';

function reading(messages: number, rate: number): ToolReading {
  return toolReading({ tool: 't', command: `t --msgs ${messages}`, settings: { batch: 4 }, messages, messageBytes: 1024, messagesPerSec: rate });
}

function spec(steps: string[], extra: Partial<ToolProbeSpec> = {}): ToolProbeSpec {
  return {
    messageBytes: 1024,
    messages: 100,
    concurrency: 4,
    producers: 1,
    timeoutMs: 1000,
    topic: 'trial-tool',
    readBack: { topic: 'trial', group: 'trial-tool-reader', messages: 100 },
    warmupMessages: 30,
    dropTrialTopic: async () => void steps.push('drop trial'),
    settle: async () => {
      steps.push('settle');
      return { dirtyBytesBefore: 2 * 1048576, dirtyBytesAfter: 0, ms: 7 };
    },
    signal: new AbortController().signal,
    ...extra,
  };
}

test("the tool reads the trial's backlog first, then the trial's topic is dropped, its warm-up sent, the cache settled, and its measured writes run", async () => {
  const steps: string[] = [];
  const result = await calibrate(spec(steps), {
    write: async (messages) => (steps.push(`write ${messages}`), reading(messages, 1000 + messages)),
    read: async (backlog) => (steps.push(`read ${backlog.topic}`), reading(backlog.messages, 500)),
  });
  assert.deepEqual(steps, ['read trial', 'drop trial', 'write 30', 'settle', 'write 100']);
  assert.equal(result.messagesPerSec, 1100, 'the measured run, not the warm-up');
  assert.equal(result.readBack?.messagesPerSec, 500);
  assert.deepEqual(result.settings, { batch: 4, warmupMessages: 30, trialTopicDropped: true, pageCacheBeforeWrites: '2.0 MiB dirty, flushed in 7 ms' });
});

test('a tool that reads its own writes reads after them, and leaves the trial alone; a failed read or drop is recorded, not thrown', async () => {
  const steps: string[] = [];
  const own = await calibrate(spec(steps), {
    write: async (messages) => (steps.push(`write ${messages}`), reading(messages, 900)),
    read: async () => (steps.push('read own'), reading(100, 800)),
    reads: 'own',
  });
  assert.deepEqual(steps, ['settle', 'write 100', 'read own']);
  assert.equal(own.settings.trialTopicDropped, undefined);

  const failing = await calibrate(spec([], { dropTrialTopic: async () => Promise.reject(new Error('gone')), settle: undefined, warmupMessages: undefined }), {
    write: async (messages) => reading(messages, 900),
    read: async () => Promise.reject(new Error('no such consumer')),
  });
  assert.equal(failing.readBackError, 'no such consumer');
  assert.deepEqual(failing.settings, { batch: 4, trialTopicDropped: false });
});
