// Builds mqbench's stand-in images (docs/providers.md) in the Docker engine at DOCKER_HOST, for a machine whose engine
// cannot pull the official ones: `npm run docker:stand-ins [nats|minio|kafka|pulsar ...]` (all by default). An image
// the engine already has, official or not, is left alone. Needs `mqbench install` first; kafka and pulsar also need
// root and Debian's debootstrap (for mqbench's Debian base).
import { buildStandIns, STAND_INS } from '../src/targets/stand-ins.js';
import { dockerEngine } from '../src/provision/docker-engine.js';

const names = process.argv.slice(2);
const unknown = names.filter((name) => !STAND_INS.some((standIn) => standIn.name === name));
if (unknown.length > 0) {
  console.error(`unknown stand-in(s): ${unknown.join(', ')} (known: ${STAND_INS.map((standIn) => standIn.name).join(', ')})`);
  process.exit(2);
}
const engine = await dockerEngine();
if (!engine.available) {
  console.error(`${engine.detail}: set DOCKER_HOST to a running engine`);
  process.exit(1);
}
for (const { image, outcome } of await buildStandIns(names.length > 0 ? names : undefined)) console.log(`${image}: ${outcome === 'built' ? 'built' : 'already present, left alone'}`);
