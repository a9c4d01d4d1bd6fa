// Runs Human itself (@vladmandic/human: its Node.js build on the installed TensorFlow.js, pure-JavaScript CPU
// backend) with one object model on image tensors and writes Human's own detections: Human's decoding is the reference.
//
// usage: node human-detect.mjs MODEL_JSON HEIGHT,WIDTH minConfidence iouThreshold maxDetected INPUT_F32...
//   INPUT_F32  raw little-endian float32 RGB values 0..255 of an [1, HEIGHT, WIDTH, 3] image; Human's result for
//              each is written next to it as INPUT_F32.json (the model is loaded once)
import fs from 'fs';
import http from 'http';
import path from 'path';
import { createRequire } from 'module';

const require = createRequire(import.meta.url);
const [modelJson, sizeArg, minConf, iou, maxDet, ...inputs] = process.argv.slice(2);
if (inputs.length === 0) {
  console.error('usage: node human-detect.mjs MODEL_JSON HEIGHT,WIDTH minConfidence iouThreshold maxDetected INPUT_F32...');
  process.exit(2);
}
// Human loads models over HTTP (its loader fetches); serve the model's folder on loopback only
const dir = path.dirname(path.resolve(modelJson));
const server = http.createServer((req, res) => {
  const file = path.join(dir, path.basename(decodeURIComponent(req.url.split('?')[0])));
  fs.readFile(file, (err, data) => {
    if (err) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'Content-Type': file.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
    res.end(data);
  });
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
try {
  require('@tensorflow/tfjs-backend-cpu');
  // Human's Node.js build that runs on the installed tfjs packages without native bindings
  const { Human } = require(new URL('./node_modules/@vladmandic/human/dist/human.node-wasm.js', import.meta.url).pathname);
  const human = new Human({
    backend: 'cpu',
    modelBasePath: `http://127.0.0.1:${server.address().port}/`,
    cacheModels: false,
    warmup: 'none',
    debug: false,
    filter: { enabled: false },
    face: { enabled: false },
    body: { enabled: false },
    hand: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    object: { enabled: true, modelPath: path.basename(modelJson), minConfidence: Number(minConf), iouThreshold: Number(iou),
      maxDetected: Number(maxDet), skipFrames: 0, skipTime: 0 },
  });
  await human.load();
  const [h, w] = sizeArg.split(',').map(Number);
  for (const inputFile of inputs) {
    const raw = fs.readFileSync(inputFile);
    const values = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    const input = human.tf.tensor(values, [1, h, w, 3], 'float32');
    const t0 = Date.now();
    const result = await human.detect(input);
    const millis = Date.now() - t0;
    input.dispose();
    if (result.error) throw new Error(result.error);
    const out = { human: human.version, tfjs: human.tf.version_core, backend: human.tf.getBackend(), millis,
      objects: result.object.map((o) => ({ score: o.score, label: o.label, class: o.class, box: o.box, boxRaw: o.boxRaw })) };
    fs.writeFileSync(inputFile + '.json', JSON.stringify(out));
    console.log(path.basename(inputFile), millis, 'ms,', out.objects.length, 'objects');
  }
} finally {
  server.close();
}
