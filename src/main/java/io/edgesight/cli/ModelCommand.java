package io.edgesight.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.edgesight.config.UserError;
import io.edgesight.tooling.ResNetGenerator;
import io.edgesight.models.ModelImporter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code model}: make SavedModels for edgesight. Each way of making one is a subcommand. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Generate or import models.",
        subcommands = {ModelCommand.ResNet50.class, ModelCommand.Import.class, ModelInspect.class})
public final class ModelCommand implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 0;
    }

    @Command(name = "resnet50", mixinStandardHelpOptions = true, description = "Write the ResNet-50 benchmark model (ResNet-50 "
            + "v1.5 layers, seed-drawn weights; the same network as `onnx resnet50`) as a frozen SavedModel: input image "
            + "[-1,224,224,3] float32 (pixels scaled to 0..1), output probabilities [-1,1000].")
    static final class ResNet50 implements Callable<Integer> {
        @Option(names = "--out", defaultValue = "models/resnet50", description = "Model directory, replaced (default: ${DEFAULT-VALUE}).")
        Path out;
        @Option(names = "--seed", defaultValue = "42", description = "Seed of the weights (default: ${DEFAULT-VALUE}, as `onnx resnet50`).")
        long seed;

        @Override
        public Integer call() throws Exception {
            System.out.println("wrote " + ResNetGenerator.writeSavedModel(ResNetGenerator.Config.resnet50(), seed, 0, out));
            return 0;
        }
    }

    @Command(name = "import", sortOptions = false, mixinStandardHelpOptions = true,
            description = {"Turn a frozen TensorFlow GraphDef (.pb, e.g. a TF1 Object Detection API export) or a TF.js graph "
                    + "model (model.json + weight shards; float16/uint8 quantised weights and TF.js fused ops are handled) "
                    + "into a SavedModel with a serving_default signature, and write how to use it (edgesight-model.properties) "
                    + "next to it. What the graph does not tell (pixel scale, channel order, ...) must be given as flags."})
    static final class Import implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "MODEL", description = "model.json (or its folder) or a frozen graph .pb")
        Path source;
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "SavedModel folder to write")
        Path out;
        @Option(names = "--id", defaultValue = "imported", description = "Model id for the printed configuration (default: ${DEFAULT-VALUE})")
        String id;
        @Option(names = "--input", paramLabel = "[KEY=]NAME", description = "Image input tensor (default: model.json's signature, or the only Placeholder)")
        String input;
        @Option(names = "--output", paramLabel = "[KEY=]NAME", description = "Output tensor, repeatable (default: model.json's signature, the OD API's detection_* outputs, or the only unconsumed node)")
        List<String> outputs = new ArrayList<>();
        @Option(names = "--input-size", paramLabel = "HxW", description = "Fix the input's height and width when the graph leaves them open, e.g. 300x300")
        String inputSize;
        @Option(names = "--decoder", description = "detection | classification (inferred from the outputs when possible)")
        String decoder;
        @Option(names = "--normalize", description = "raw | unit | symmetric | caffe (uint8 inputs: raw)")
        String normalize;
        @Option(names = "--channel-order", description = "RGB | BGR")
        String channelOrder;
        @Option(names = "--resize", description = "stretch | letterbox | center-crop (default stretch)")
        String resize;
        @Option(names = "--labels", paramLabel = "FILE", description = "Labels, one per line in class-id order; copied next to the model")
        Path labels;
        @Option(names = "--box-format", description = "detection: xyxy-score-class ([N,K,6] x1,y1,x2,y2,score,class) | od-api (detection_boxes/scores/classes) | yolov5 | yolov8 | ... (docs/MODELS.md)")
        String boxFormat;
        @Option(names = "--box-coordinates", description = "detection: pixels | normalized, of the model input")
        String boxCoordinates;
        @Option(names = "--class-offset", description = "detection: class id of the first label (od-api: 1)")
        Integer classOffset;
        @Option(names = "--min-score", description = "Minimum score to report (detection default 0.3)")
        Double minScore;
        @Option(names = "--iou-threshold", description = "detection: non-maximum suppression IoU (default: none)")
        Double iouThreshold;
        @Option(names = "--max-detections", description = "detection: at most this many per frame")
        Integer maxDetections;
        @Option(names = "--top-k", description = "classification: classes reported per frame")
        Integer topK;
        @Option(names = "--no-descriptor", description = "Write only the SavedModel")
        boolean noDescriptor;
        @Option(names = "--force", description = "Replace --out if it exists")
        boolean force;

        @Override
        public Integer call() {
            ModelImporter.Options o = new ModelImporter.Options();
            o.source = source;
            o.out = out;
            if (input != null) o.inputs.add(input);
            o.outputs.addAll(outputs);
            if (inputSize != null) {
                String[] hw = inputSize.toLowerCase().split("x");
                try {
                    o.inputSize = new int[] {Integer.parseInt(hw[0].trim()), Integer.parseInt(hw[1].trim())};
                } catch (RuntimeException e) {
                    throw new UserError("--input-size must be HEIGHTxWIDTH, e.g. 300x300, got '" + inputSize + "'");
                }
                if (o.inputSize[0] < 1 || o.inputSize[1] < 1) throw new UserError("--input-size must be positive, got '" + inputSize + "'");
            }
            o.decoder = decoder;
            o.normalize = normalize;
            o.channelOrder = channelOrder;
            o.resize = resize;
            o.labels = labels;
            o.boxFormat = boxFormat;
            o.boxCoordinates = boxCoordinates;
            o.classOffset = classOffset;
            o.minScore = minScore;
            o.iouThreshold = iouThreshold;
            o.maxDetections = maxDetections;
            o.topK = topK;
            o.noDescriptor = noDescriptor;
            o.force = force;
            ModelImporter.Report r = ModelImporter.run(o);
            System.out.print(ModelImporter.summary(r, id));
            return 0;
        }
    }
}
