import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execute } from './exec.js';

test('execute resolves with the output, and names the command, its exit code and its last lines when it fails', async () => {
  assert.equal(await execute('sh', ['-c', 'echo out; echo err >&2']), 'out\nerr\n');
  await assert.rejects(execute('sh', ['-c', 'echo why; exit 3'], { label: 'the tool' }), /^Error: the tool failed \(exit 3\):\nwhy$/);
  await assert.rejects(execute('/nonexistent/tool', []), /\/nonexistent\/tool is not installed \(not found; npx mqbench install installs it\)/);
});

test('execute kills a command that outlives its time bound or is aborted, and says which', async () => {
  const started = performance.now();
  await assert.rejects(execute('sleep', ['30'], { label: 'slow tool', timeoutMs: 200 }), /^Error: slow tool did not finish within 0\.2 s$/);
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 100);
  await assert.rejects(execute('sleep', ['30'], { label: 'slow tool', signal: abort.signal }), /^Error: slow tool interrupted$/);
  assert.ok(performance.now() - started < 20_000, 'both ended long before sleep would have');
});
