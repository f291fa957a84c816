using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace XaiVision.Engine.Models;

/// <summary>
/// A VGG-style network (<c>features</c>, then a dense <c>classifier</c>) with its dense layers as convolutions, so inputs of any
/// size ≥ <see cref="MinSide"/> give a class-score map (Long, Shelhamer &amp; Darrell 2015, "Fully convolutional networks for semantic
/// segmentation", §3.1; the seed notebook's "fully connected layers into convolutional equivalents"): the first dense layer, which read
/// the flattened k×k×C feature map, becomes a k×k convolution (VGG: FC6 = 7×7 over 512 channels), the others 1×1 convolutions — the
/// same weights reshaped, not copied by hand. The map is pooled to one score per class by <see cref="ClassScorePool"/>. On the input
/// the dense form was made for (224² for VGG) the map is 1×1 and the logits are the dense form's. Module names are kept
/// (<c>features.N</c>, <c>classifier.N</c>, then <c>score</c>), so layer names, CAM layers and LRP composites read the same.
/// </summary>
public sealed class ConvolutionalVgg : Module<Tensor, Tensor>
{
    private readonly Sequential features;
    private readonly Sequential classifier;
    private readonly ClassScorePool score;
    readonly List<IDisposable> _source = new(); // the dense network, which owns features; freed with this one

    ConvolutionalVgg(Module source, Sequential features, Sequential classifier, ClassScorePooling pooling, int minSide, IReadOnlySet<string> denseLayers)
        : base(nameof(ConvolutionalVgg))
    {
        this.features = features;
        this.classifier = classifier;
        score = new ClassScorePool(pooling);
        MinSide = minSide;
        DenseLayers = denseLayers;
        RegisterComponents();
        _source.Add(source);
    }

    /// <summary>The smallest input side: the first dense layer's window k times the features' downsampling (VGG: 7 × 32 = 224).</summary>
    public int MinSide { get; }

    /// <summary>The classifier's layers that were dense (<c>classifier.0</c>, …): LRP composites treat them as the dense layers they are.</summary>
    public IReadOnlySet<string> DenseLayers { get; }

    public ClassScorePooling Pooling => score.Pooling;

    /// <summary>The conv form of <paramref name="network"/>, which must have <c>features</c> (ending in a feature map) and a <c>classifier</c> of Linear layers.</summary>
    public static ConvolutionalVgg From(Module network, ClassScorePooling pooling)
    {
        var children = network.named_children().ToDictionary(c => c.name, c => c.module);
        if (children.GetValueOrDefault("features") is not Sequential features || children.GetValueOrDefault("classifier") is not Sequential dense)
            throw new XaiVisionException($"A fully convolutional form needs a VGG-style network (features, classifier); this one has {string.Join(", ", children.Keys)}.");
        int channels = (int)(features.modules().OfType<Conv2d>().LastOrDefault()?.out_channels
            ?? throw new XaiVisionException("The network's features have no convolution."));
        int downsampling = features.modules().OfType<MaxPool2d>().Aggregate(1, (f, p) => f * (int)(p.stride?[0] ?? p.kernel_size[0]));
        var layers = new List<(string, Module<Tensor, Tensor>)>();
        var denseNames = new HashSet<string>();
        int window = 0;
        using (no_grad())
        {
            foreach (var (name, module) in dense.named_children())
            {
                if (module is Linear linear)
                {
                    int inputs = (int)linear.in_features;
                    bool first = window == 0;
                    if (first)
                    {
                        window = (int)Math.Round(Math.Sqrt(inputs / (double)channels));
                        if (window * window * channels != inputs)
                            throw new XaiVisionException($"The first dense layer reads {inputs} values, not a square map of {channels} channels.");
                    }
                    int inChannels = first ? channels : inputs, kernel = first ? window : 1;
                    var conv = Conv2d(inChannels, linear.out_features, kernel, bias: linear.bias is not null);
                    conv.weight!.copy_(linear.weight!.reshape(linear.out_features, inChannels, kernel, kernel));
                    if (linear.bias is { } b) conv.bias!.copy_(b);
                    layers.Add((name, conv));
                    denseNames.Add($"classifier.{name}");
                }
                else if (module is TorchSharp.Modules.ReLU or TorchSharp.Modules.Dropout) layers.Add((name, module is TorchSharp.Modules.ReLU ? ReLU() : Dropout()));
                else throw new XaiVisionException($"The classifier's layer '{name}' ({module.GetType().Name}) has no convolutional form.");
            }
        }
        if (window == 0) throw new XaiVisionException("The network's classifier has no dense layer.");
        dense.Dispose(); // the dense weights now live in the convolutions (VGG16: 480 MB not kept twice)
        return new ConvolutionalVgg(network, features, Sequential(layers), pooling, window * downsampling, denseNames);
    }

    /// <summary>The class-score map [N, classes, h, w] before pooling (h = features' height − k + 1).</summary>
    public Tensor ScoreMap(Tensor x)
    {
        using var f = features.call(x);
        return classifier.call(f);
    }

    public override Tensor forward(Tensor x)
    {
        using var map = ScoreMap(x);
        return score.call(map);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            classifier.Dispose();
            score.Dispose();
            foreach (var source in _source) source.Dispose();
            _source.Clear();
        }
        base.Dispose(disposing);
    }
}
