// Runs a TF.js graph model on one input with TensorFlow.js itself (tfjs-core + tfjs-converter + the pure-JS CPU
// backend): the original runtime the imported SavedModel is compared against.
//
// usage: node tfjs-reference.cjs MODEL_JSON INPUT_F32 SHAPE OUTPUTS OUT_DIR
//   INPUT_F32  raw little-endian float32 values of the input tensor
//   SHAPE      comma-separated input shape, e.g. 1,512,512,3
//   OUTPUTS    comma-separated output tensor names, e.g. tower_0/detections,tower_0/keypoints
//   OUT_DIR    gets one raw float32 file per output (output index .f32) and meta.json with names and shapes
'use strict';
const fs = require('fs');
const path = require('path');
const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu');
const { loadGraphModel } = require('@tensorflow/tfjs-converter');

async function main() {
  const [modelJson, inputFile, shapeArg, outputsArg, outDir] = process.argv.slice(2);
  if (!outDir) {
    console.error('usage: node tfjs-reference.cjs MODEL_JSON INPUT_F32 SHAPE OUTPUTS OUT_DIR');
    process.exit(2);
  }
  await tf.setBackend('cpu');
  await tf.ready();
  const json = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
  const dir = path.dirname(modelJson);
  const specs = [];
  const buffers = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const b = fs.readFileSync(path.join(dir, p));
      buffers.push(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    }
  }
  // The artifacts exactly as tfjs' own file/HTTP loaders hand them to loadGraphModel: weights are decoded
  // (float16/uint8 de-quantised) by tfjs-core itself.
  const handler = {
    load: async () => ({
      modelTopology: json.modelTopology,
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      signature: json.signature,
      userDefinedMetadata: json.userDefinedMetadata,
      weightSpecs: specs,
      weightData: buffers,
    }),
  };
  const model = await loadGraphModel(handler);
  const shape = shapeArg.split(',').map(Number);
  const raw = fs.readFileSync(inputFile);
  const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  const input = tf.tensor(values, shape, 'float32');
  const names = outputsArg.split(',');
  const t0 = Date.now();
  let outs = model.execute(input, names);
  if (!Array.isArray(outs)) outs = [outs];
  const millis = Date.now() - t0;
  fs.mkdirSync(outDir, { recursive: true });
  const meta = { backend: tf.getBackend(), tfjs: tf.version_core, millis, outputs: [] };
  for (let i = 0; i < outs.length; i++) {
    const data = outs[i].dataSync();
    fs.writeFileSync(path.join(outDir, i + '.f32'), Buffer.from(new Float32Array(data).buffer));
    meta.outputs.push({ name: names[i], shape: outs[i].shape });
  }
  fs.writeFileSync(path.join(outDir, 'meta.json'), JSON.stringify(meta));
  console.log(JSON.stringify(meta));
}

main().catch((e) => {
  console.error('tfjs-reference: ' + (e && e.message ? e.message : e));
  process.exit(1);
});
