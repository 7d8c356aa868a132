import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../testing/temp-dir.js';
import { GoTool } from './go-tool.js';

test("a Go tool's cache path follows every source its build reads, cgo headers in subfolders included, and nothing else", async (t) => {
  const dir = await tempDir(t, 'mqbench-go-tool-');
  await mkdir(join(dir, 'shim', 'sub'), { recursive: true });
  await writeFile(join(dir, 'main.go'), 'package main\n');
  await writeFile(join(dir, 'go.mod'), 'module x\n');
  await writeFile(join(dir, 'shim', 'sub', 'c.h'), '/* one */\n');
  const tool = new GoTool('x', 'x', {}, dir);
  const env = { MQBENCH_CACHE: join(dir, 'cache') };
  const first = await tool.path(env);
  assert.match(first, /\/cache\/x\/[0-9a-f]{16}\/x$/);
  await writeFile(join(dir, 'README.md'), 'not a source\n');
  assert.equal(await tool.path(env), first, 'a file the build does not read changes nothing');
  for (const [file, text] of [[join('shim', 'sub', 'c.h'), '/* two */\n'], ['removed.c', 'int x;\n'], ['version.cpp', '// v\n'], ['go.sum', 'x\n']] as const) {
    const before = await tool.path(env);
    await writeFile(join(dir, file), text);
    assert.notEqual(await tool.path(env), before, `${file} is part of the build`);
  }
});
