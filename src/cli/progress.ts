/** Progress on stderr: a bar per running trial on a terminal (cli-progress), plain lines otherwise (CI logs). */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { RunEvent, RunListener } from '../run/events.js';
import { formatBytes } from '../util/units.js';

/** Creates the listener that renders run events to `stream`. */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): { listener: RunListener; stop(): void } {
  return stream.isTTY ? barReporter(stream) : lineReporter(stream);
}

function barReporter(stream: NodeJS.WriteStream): { listener: RunListener; stop(): void } {
  const multibar = new MultiBar(
    {
      stream,
      format: ' {name} |{bar}| {value}/{total} {unit} · {rate}/s · ETA {eta_formatted} {note}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
      fps: 5,
    },
    Presets.shades_classic,
  );
  const bars = new Map<string, SingleBar>();
  const started = new Map<string, { phase: string; at: number }>();
  const key = (caseId: string, trial: number) => `${caseId}#${trial}`;
  const listener: RunListener = (event: RunEvent) => {
    switch (event.type) {
      case 'run-start':
        multibar.log(`mqbench: ${event.scenario}: ${event.cases} case(s) × ${event.trials} trial(s) → ${event.outDir}\n`);
        break;
      case 'provision-start':
        multibar.log(`starting ${event.target} (${event.provider})…\n`);
        break;
      case 'provision-end':
        if (!event.ok) multibar.log(`could not start ${event.target}: ${event.error}\n`);
        break;
      case 'trial-progress': {
        const id = key(event.caseId, event.trial);
        const { progress } = event;
        let bar = bars.get(id);
        const name = `${event.caseId} t${event.trial}${progress.phase === 'warmup' ? ' warm-up' : ''}`;
        if (!bar || started.get(id)?.phase !== progress.phase) {
          bar?.stop();
          bar = multibar.create(progress.total, 0, { name, unit: progress.unit, rate: '0', note: '' });
          bars.set(id, bar);
          started.set(id, { phase: progress.phase, at: Date.now() });
        }
        const elapsed = Math.max(0.001, (Date.now() - started.get(id)!.at) / 1000);
        bar.update(progress.done, { name, unit: progress.unit, rate: Math.round(progress.done / elapsed).toString(), note: progress.note ?? '' });
        break;
      }
      case 'trial-end': {
        const bar = bars.get(key(event.caseId, event.trial));
        bar?.stop();
        if (event.record.status !== 'passed') {
          multibar.log(`${event.caseId} trial ${event.trial}: ${event.record.status}${event.record.error ? `: ${event.record.error}` : ''}${event.record.failures.length ? `: ${event.record.failures.join('; ')}` : ''}\n`);
        }
        break;
      }
      case 'interrupted':
        multibar.log(`${event.reason}: writing what was measured…\n`);
        break;
      default:
        break;
    }
  };
  return { listener, stop: () => multibar.stop() };
}

function lineReporter(stream: NodeJS.WriteStream): { listener: RunListener; stop(): void } {
  const lastLine = new Map<string, number>();
  const write = (text: string) => stream.write(`${text}\n`);
  const listener: RunListener = (event: RunEvent) => {
    switch (event.type) {
      case 'run-start':
        write(`mqbench: ${event.scenario}: ${event.cases} case(s) × ${event.trials} trial(s) → ${event.outDir}`);
        break;
      case 'provision-start':
        write(`starting ${event.target} (${event.provider})…`);
        break;
      case 'provision-end':
        write(event.ok ? `${event.target} is up` : `could not start ${event.target}: ${event.error}`);
        break;
      case 'trial-start':
        write(`${event.caseId}: trial ${event.trial}/${event.trials}`);
        break;
      case 'trial-progress': {
        const id = `${event.caseId}#${event.trial}`;
        const now = Date.now();
        if (now - (lastLine.get(id) ?? 0) < 10_000 && event.progress.done !== event.progress.total) break;
        lastLine.set(id, now);
        const { progress } = event;
        write(`  ${progress.phase} ${progress.done}/${progress.total} ${progress.unit} ${progress.note ?? ''}`);
        break;
      }
      case 'trial-end': {
        const { record } = event;
        const rss = record.resources?.client.peakRssBytes;
        write(
          `${event.caseId}: trial ${event.trial} ${record.status}${record.error ? `: ${record.error}` : ''}${record.failures.length ? `: ${record.failures.join('; ')}` : ''}${rss ? ` (client peak RSS ${formatBytes(rss, 1)})` : ''}`,
        );
        break;
      }
      case 'interrupted':
        write(`${event.reason}: writing what was measured…`);
        break;
      default:
        break;
    }
  };
  return { listener, stop: () => undefined };
}
