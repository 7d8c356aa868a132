/** Mounts left behind by programs mqbench starts. */
import { readFile } from 'node:fs/promises';
import { execute } from '../install/exec.js';

/** Detaches every mount below `directory`, deepest first (a mount point's path is the fifth field of mountinfo). */
export async function unmountUnder(directory: string): Promise<void> {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  const points = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point !== undefined && point.startsWith(`${directory}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of points) await execute('umount', ['-l', point], { timeoutMs: 10_000 }).catch(() => undefined);
}
