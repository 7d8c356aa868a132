/**
 * Every child process the run starts is registered here, so that whatever way mqbench exits (normal end, Ctrl-C,
 * an uncaught exception) none is left behind: on exit the survivors are killed synchronously.
 */
import type { ChildProcess } from 'node:child_process';

const children = new Set<ChildProcess>();
let hooked = false;

/** Tracks `child` until it exits; it is killed with SIGKILL if mqbench exits first. */
export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (!hooked) {
    hooked = true;
    process.once('exit', killAllChildren);
  }
}

/** Kills every tracked child now (and its process group when it leads one). */
export function killAllChildren(): void {
  for (const child of children) {
    if (child.pid === undefined || child.exitCode !== null) continue;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  children.clear();
}
