/** A plugin module (for MQBENCH_PLUGINS) that registers the fake target: lets CLI tests use it in a child process. */
import { fakeTarget } from './fake-target.js';
import { registerTarget } from '../targets/registry.js';

registerTarget(fakeTarget);
