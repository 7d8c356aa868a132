/** The `--allocator` option of `run` and `worker`: the memory allocator of mqbench's trial and load-client processes. */
import { Option } from 'commander';
import { ALLOCATOR_CHOICES, ALLOCATOR_VARIABLE, AllocatorUnavailableError, applyAllocatorChoice, InvalidAllocatorChoice, type AllocatorChoice, type HarnessAllocator } from '../util/allocator.js';
import { InputError } from '../util/errors.js';

/** The option, for commander. */
export function allocatorOption(): Option {
  return new Option('--allocator <allocator>', `memory allocator of mqbench's trial and load-client processes (default: auto, jemalloc where installed; or ${ALLOCATOR_VARIABLE})`).choices(ALLOCATOR_CHOICES);
}

/** Applies the option (or MQBENCH_ALLOCATOR): what the processes will get; an impossible choice is an InputError (exit 2). */
export function allocatorFromOptions(flag: AllocatorChoice | undefined): HarnessAllocator {
  try {
    return applyAllocatorChoice(flag);
  } catch (error) {
    if (error instanceof AllocatorUnavailableError) throw new InputError([{ source: flag ? '--allocator' : ALLOCATOR_VARIABLE, path: '', message: error.message }]);
    if (error instanceof InvalidAllocatorChoice) throw new InputError([{ source: 'environment', path: '', message: error.message }]);
    throw error;
  }
}
