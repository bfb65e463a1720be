// Writes the checkpoint fixture of the current format, once: fixtures of earlier formats stay as
// they were written, so a router is always tested against what older routers left behind.
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CHECKPOINT_FORMAT, encodeCheckpoint } from '../src/mapping/checkpoint.mapper.js';
import { fixtureCheckpoint } from '../src/mapping/checkpoint-fixture.js';

const file = fileURLToPath(new URL(`../test-fixtures/checkpoint-format-${CHECKPOINT_FORMAT}.bin`, import.meta.url));
if (existsSync(file)) throw new Error(`${file} exists: a fixture of a released format is never rewritten`);
writeFileSync(file, encodeCheckpoint(fixtureCheckpoint().content));
process.stdout.write(`wrote ${file}\n`);
