using System.Diagnostics;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Models;
using XaiVision.Engine.Native;
using static TorchSharp.torch;

namespace XaiVision.Engine.Demo;

public sealed record DemoTrainingOptions(
    int Seed = 1,
    int TrainImages = 8000,
    int TestImages = 1000,
    int Epochs = 14,
    int BatchSize = 64,
    double LearningRate = 1e-3,
    double SpuriousTagProbability = 0);

public sealed record DemoTrainingResult(double TrainAccuracy, double TestAccuracy, int TestImages, double Seconds, DemoTrainingOptions Options);

/// <summary>
/// Trains <see cref="DemoNet"/> on freshly generated shapes (a new set every epoch; the test set's seed
/// is one no epoch uses) with Adam and cross-entropy; the learning rate drops 5× for the last quarter.
/// </summary>
public static class DemoTrainer
{
    public static DemoTrainingResult Train(DemoNet net, DemoTrainingOptions options, Action<string>? log = null)
    {
        var watch = Stopwatch.StartNew();
        random.manual_seed(options.Seed);
        // Training pictures may carry the shortcut tag; the test set is always clean.
        var generator = new ShapesGenerator(DemoNet.InputSize, options.SpuriousTagProbability);
        var clean = new ShapesGenerator(DemoNet.InputSize);
        var preprocessing = Preprocessing.ImageNet(DemoNet.InputSize, DemoNet.InputSize);
        using var test = Generate(clean, preprocessing, TestSeed(options), options.TestImages);

        using var optimizer = optim.Adam(net.parameters(), options.LearningRate);
        var order = new Random(options.Seed);
        double trainAccuracy = 0;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            // Fresh pictures every epoch: the generator is an endless data set, so nothing is memorised.
            using var train = Generate(generator, preprocessing, TrainSeed(options, epoch), options.TrainImages);
            if (epoch == (int)Math.Ceiling(options.Epochs * 0.75))
                foreach (var group in optimizer.ParamGroups) group.LearningRate = options.LearningRate * 0.2;
            net.train();
            var permutation = Enumerable.Range(0, options.TrainImages).OrderBy(_ => order.Next()).Select(i => (long)i).ToArray();
            long correct = 0;
            double lossSum = 0;
            for (int start = 0; start < permutation.Length; start += options.BatchSize)
            {
                // Adam creates its state on the first step: keep that out of this scope (it would be disposed).
                if (start == 0 && epoch == 1) optimizer.zero_grad();
                using var scope = NewDisposeScope();
                var index = tensor(permutation.AsSpan(start, Math.Min(options.BatchSize, permutation.Length - start)).ToArray());
                var x = train.Images.index_select(0, index);
                var y = train.Labels.index_select(0, index);
                optimizer.zero_grad();
                var logits = net.call(x);
                var loss = nn.functional.cross_entropy(logits, y);
                Backward.Run(loss);
                optimizer.step();
                lossSum += loss.item<float>() * index.shape[0];
                correct += logits.argmax(1).eq(y).sum().item<long>();
            }
            trainAccuracy = (double)correct / options.TrainImages;
            log?.Invoke($"epoch {epoch}/{options.Epochs}: loss {lossSum / options.TrainImages:F3}, train accuracy {trainAccuracy:P1}, test accuracy {Accuracy(net, test):P1}");
        }
        net.eval();
        return new DemoTrainingResult(trainAccuracy, Accuracy(net, test), options.TestImages, watch.Elapsed.TotalSeconds, options);
    }

    static int TrainSeed(DemoTrainingOptions o, int epoch) => o.Seed * 1000 + epoch;

    /// <summary>Test pictures come from a seed no training epoch uses.</summary>
    public static int TestSeed(DemoTrainingOptions o) => o.Seed * 1000 + 999;

    public static double Accuracy(nn.Module<Tensor, Tensor> net, LabelledImages data)
    {
        net.eval();
        using var _ = no_grad();
        long correct = 0;
        long n = data.Labels.shape[0];
        for (long start = 0; start < n; start += 256)
        {
            using var scope = NewDisposeScope();
            long end = Math.Min(n, start + 256);
            var logits = net.call(data.Images[TensorIndex.Slice(start, end)]);
            correct += logits.argmax(1).eq(data.Labels[TensorIndex.Slice(start, end)]).sum().item<long>();
        }
        return (double)correct / n;
    }

    public static LabelledImages Generate(ShapesGenerator generator, Preprocessing preprocessing, int seed, int count)
    {
        var views = new RgbImage[count];
        var labels = new long[count];
        Parallel.For(0, count, i =>
        {
            var sample = generator.Generate(seed, i);
            views[i] = sample.Image;
            labels[i] = sample.Label;
        });
        return new LabelledImages(ImagePreparer.ToBatch(views, preprocessing), tensor(labels));
    }
}

/// <summary>A batch of normalised images [N,3,H,W] with class labels [N].</summary>
public sealed record LabelledImages(Tensor Images, Tensor Labels) : IDisposable
{
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
