import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cruise, type ICruiseResult } from 'dependency-cruiser';

/**
 * The layers of docs/architecture.md, lowest first: a module may import its own folder and the folders of lower
 * layers, never a higher one. Folders of one layer do not import each other. Type-only imports count too.
 */
const LAYERS: string[][] = [
  ['util'],
  ['metrics', 'engines', 'install'],
  ['provision'],
  ['faults'],
  ['targets'],
  ['workloads'],
  ['scenario'],
  ['results'],
  ['gate'],
  ['report'],
  ['history'],
  ['run'],
  ['cli'],
  ['(root)'],
  ['testing'],
];

/** The imports the architecture page names as exceptions, with its reason. */
const EXCEPTIONS = new Set([
  // The scenario's `reference:` block names its metric from the one catalogue of metric keys (JSON Schema enum).
  'src/scenario/schema.ts -> src/results/metrics.ts',
]);

function layerOf(path: string): number {
  const parts = path.split('/');
  const folder = parts.length > 2 ? parts[1]! : '(root)';
  const index = LAYERS.findIndex((layer) => layer.includes(folder));
  assert.ok(index >= 0, `${path}: the folder ${folder} has no layer in LAYERS (and none in docs/architecture.md)`);
  return index;
}

test('imports follow the layers of the architecture picture, with no circle among modules', async () => {
  const { output } = await cruise(['src'], { tsPreCompilationDeps: true, exclude: { path: '\\.test\\.ts$' }, validate: false }, undefined, {
    tsConfig: { fileName: 'tsconfig.json' },
  } as never);
  const { modules } = output as ICruiseResult;
  assert.ok(modules.length > 150, `cruised ${modules.length} modules`);
  const against: string[] = [];
  const graph = new Map<string, string[]>();
  for (const module of modules) {
    if (!module.source.startsWith('src/')) continue;
    const local = module.dependencies.filter((dependency) => dependency.resolved.startsWith('src/'));
    graph.set(module.source, local.filter((dependency) => !dependency.dependencyTypes.includes('type-only')).map((dependency) => dependency.resolved));
    for (const dependency of local) {
      const [from, to] = [module.source.split('/')[1], dependency.resolved.split('/')[1]];
      if (module.source.split('/').length > 2 && from === to) continue;
      const arrow = `${module.source} -> ${dependency.resolved}`;
      if (layerOf(dependency.resolved) >= layerOf(module.source) && !EXCEPTIONS.has(arrow)) against.push(arrow);
    }
  }
  assert.deepEqual(against, [], 'imports running against the layering');
  assert.deepEqual(circles(graph), [], 'modules importing each other in a circle (at run time)');
});

/** Strongly connected components of more than one module (Tarjan). */
function circles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}
