/** Readers of Linux /proc for CPU time and memory of processes and process trees. */
import { execFileSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';

/** CPU and memory of one process as /proc reports them. */
export interface ProcStat {
  pid: number;
  ppid: number;
  /** user + system CPU seconds of the process itself. */
  cpuSeconds: number;
  /** user + system CPU seconds of its waited-for, exited children. */
  childrenCpuSeconds: number;
  /** The system (kernel) part of `cpuSeconds`, and of `childrenCpuSeconds`. */
  systemCpuSeconds: number;
  childrenSystemCpuSeconds: number;
  rssBytes: number;
}

let clockTicks: number | undefined;
let pageBytes: number | undefined;

function systemConstant(name: string, fallback: number): number {
  try {
    const value = Number(execFileSync('getconf', [name], { encoding: 'utf8' }).trim());
    return Number.isFinite(value) && value > 0 ? value : fallback;
  } catch {
    return fallback;
  }
}

/** True where /proc can be read (Linux). */
export const procAvailable = process.platform === 'linux';

/** Parses the text of /proc/<pid>/stat (the command name may contain spaces and parentheses). */
export function parseProcStat(text: string, ticksPerSecond: number, bytesPerPage: number): ProcStat {
  const close = text.lastIndexOf(')');
  const pid = Number(text.slice(0, text.indexOf(' ')));
  const fields = text.slice(close + 2).split(' ');
  // fields[0] is field 3 (state) of proc(5); field n is fields[n - 3].
  const field = (n: number) => Number(fields[n - 3]);
  return {
    pid,
    ppid: field(4),
    cpuSeconds: (field(14) + field(15)) / ticksPerSecond,
    childrenCpuSeconds: (field(16) + field(17)) / ticksPerSecond,
    systemCpuSeconds: field(15) / ticksPerSecond,
    childrenSystemCpuSeconds: field(17) / ticksPerSecond,
    rssBytes: field(24) * bytesPerPage,
  };
}

/** Reads /proc/<pid>/stat; undefined when the process is gone. */
export async function readProcStat(pid: number): Promise<ProcStat | undefined> {
  clockTicks ??= systemConstant('CLK_TCK', 100);
  pageBytes ??= systemConstant('PAGESIZE', 4096);
  try {
    return parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'), clockTicks, pageBytes);
  } catch {
    return undefined;
  }
}

/**
 * Cumulative CPU seconds of the whole machine: busy (user, nice, system, irq, softirq: a process's own CPU time counts
 * the interrupts served while it ran, so the machine's must too) and stolen by the hypervisor for other guests.
 */
export interface HostCpu {
  busySeconds: number;
  stealSeconds: number;
}

/** Parses the aggregate `cpu` line of /proc/stat; undefined when there is none. */
export function parseHostCpu(text: string, ticksPerSecond: number): HostCpu | undefined {
  const line = /^cpu\s+(.*)$/m.exec(text)?.[1];
  if (!line) return undefined;
  // user nice system idle iowait irq softirq steal …; guest time is already counted in user.
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).map(Number);
  return { busySeconds: (user + nice + system + irq + softirq) / ticksPerSecond, stealSeconds: steal / ticksPerSecond };
}

/** Reads the machine's cumulative CPU from /proc/stat; undefined where it cannot be read. */
export async function readHostCpu(): Promise<HostCpu | undefined> {
  clockTicks ??= systemConstant('CLK_TCK', 100);
  const text = await readFile('/proc/stat', 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseHostCpu(text, clockTicks);
}

/** Every live process whose ancestry includes `rootPid` (the root included), with its stat. */
export async function readProcessTree(rootPid: number): Promise<ProcStat[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const stats = (await Promise.all(entries.filter((name) => /^\d+$/.test(name)).map((name) => readProcStat(Number(name))))).filter(
    (stat): stat is ProcStat => stat !== undefined,
  );
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const root = stats.find((stat) => stat.pid === rootPid);
  if (!root) return [];
  const tree: ProcStat[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const next = queue.shift()!;
    tree.push(next);
    queue.push(...(children.get(next.pid) ?? []));
  }
  return tree;
}

/** Peak resident set (VmHWM) of a process in bytes, or undefined when unreadable. */
export async function readPeakRss(pid: number | 'self'): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Resets a process's peak resident set to its current size (Linux ≥ 4.0); false when not permitted. */
export async function resetPeakRss(pid: number | 'self'): Promise<boolean> {
  try {
    await writeFile(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
