// Writes docker-compose.yml and the config files it mounts (docker/<service>/…) from the container specs.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { renderCompose } from '../src/targets/compose.js';

const { compose, files } = renderCompose();
await writeFile('docker-compose.yml', compose);
for (const file of files) {
  await mkdir(dirname(file.path), { recursive: true });
  await writeFile(file.path, file.content);
}
console.log(`docker-compose.yml and ${files.length} mounted file(s) written`);
