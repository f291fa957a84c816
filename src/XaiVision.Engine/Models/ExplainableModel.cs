using TorchSharp;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Native;
using static TorchSharp.torch;

namespace XaiVision.Engine.Models;

/// <summary>
/// A loaded network in eval mode with frozen parameters (explanations need input and activation
/// gradients only, never weight gradients), its input conventions, class names and device.
/// </summary>
public sealed class ExplainableModel : IDisposable
{
    readonly Dictionary<string, nn.Module> _layers;

    static ExplainableModel() => LibTorchSettings.EnsureApplied();

    public ExplainableModel(nn.Module<Tensor, Tensor> network, Architecture architecture, Preprocessing preprocessing,
        IReadOnlyList<string>? classNames, Device device, string description, ModelPrecision precision = ModelPrecision.Float32,
        ExplainableModel? float32Twin = null)
    {
        if (precision == ModelPrecision.BFloat16 && float32Twin is not { Precision: ModelPrecision.Float32 })
            throw new ArgumentException("A bf16 model needs its float32 twin (the same weights) for the methods bf16 would spoil.", nameof(float32Twin));
        Network = network;
        Architecture = architecture;
        Preprocessing = preprocessing;
        ClassNames = classNames;
        Device = device;
        Description = description;
        foreach (var p in network.parameters()) p.requires_grad = false;
        network.eval();
        if (device.type != DeviceType.CPU) network.to(device);
        Precision = precision;
        Float32 = float32Twin ?? this;
        if (precision == ModelPrecision.BFloat16) network.to(ScalarType.BFloat16);
        _layers = network.named_modules().Where(m => m.name.Length > 0).ToDictionary(m => m.name, m => m.module);
        FeatureMapLayerNames = FeatureMapLayers.Of(network, architecture);
    }

    /// <summary>
    /// This model explaining the difference between classes (a contrastive target: logit A − logit <paramref name="versus"/>): the
    /// same network, with every forward's logits less the logit of class <paramref name="versus"/>, so every method's target score
    /// (a gradient, a perturbation's score, LRP's output relevance) is the difference. Softmax probabilities do not change. It
    /// does not own the network: disposing it leaves this model as it is.
    /// </summary>
    public ExplainableModel Contrasted(long versus) => Head == OutputHead.Sigmoid ? throw new XaiVisionException(ContrastNeedsSoftmax) : new(this, versus);

    /// <summary>Why a sigmoid (multi-label) model refuses a contrast target.</summary>
    public const string ContrastNeedsSoftmax = "A contrast target explains logit A − logit B of a softmax head; a multi-label (sigmoid) model's labels "
        + "are independent: explain each with class:K, or every label above a threshold with positive.";

    ExplainableModel(ExplainableModel model, long versus)
    {
        Network = model.Network;
        Architecture = model.Architecture;
        Preprocessing = model.Preprocessing;
        ClassNames = model.ClassNames;
        Device = model.Device;
        Description = $"{model.Description}, contrasted with class {versus}";
        Precision = model.Precision;
        Float32 = model.Float32 == model ? this : model.Float32.Contrasted(versus);
        _layers = model._layers;
        FeatureMapLayerNames = model.FeatureMapLayerNames;
        Versus = versus;
        Head = model.Head;
        _ownsNetwork = false;
    }

    readonly bool _ownsNetwork = true;

    /// <summary>How logits become probabilities: softmax (the default) or sigmoid for a multi-label model.</summary>
    public OutputHead Head { get; init; }

    /// <summary>Class probabilities [N, C] of logits [N, C] under this model's <see cref="Head"/>.</summary>
    public Tensor Probabilities(Tensor logits) => Head.Probabilities(logits);

    /// <summary>The class whose logit every forward subtracts (<see cref="Contrasted"/>); null for the model itself.</summary>
    public long? Versus { get; }

    /// <summary>Layers whose output is a feature map (what a CAM method can use), in forward order.</summary>
    public IReadOnlyList<string> FeatureMapLayerNames { get; }

    public nn.Module<Tensor, Tensor> Network { get; }
    public Architecture Architecture { get; }
    public Preprocessing Preprocessing { get; }
    public IReadOnlyList<string>? ClassNames { get; }
    public Device Device { get; }
    public string Description { get; }
    public IEnumerable<string> LayerNames => _layers.Keys;

    public ModelPrecision Precision { get; }

    /// <summary>This model in float32: itself, or for a bf16 model its twin with the same weights (methods that read gradients run there).</summary>
    public ExplainableModel Float32 { get; }

    /// <summary>Logits in float32 for a float32 input, whatever the network's own format (the casts are differentiable).</summary>
    public Tensor Forward(Tensor input)
    {
        Interruption.ThrowIfStopped(); // a run that was stopped ends here, within one pass, however long its stage
        if (Precision == ModelPrecision.Float32 && Versus is null) return Network.call(input);
        using var scope = NewDisposeScope();
        var logits = Precision == ModelPrecision.Float32 ? Network.call(input) : Network.call(input.to(ScalarType.BFloat16)).to(input.dtype);
        if (Versus is { } versus)
        {
            if (versus >= logits.shape[1])
                throw new XaiVisionException($"Contrast class {versus} does not exist: the model has {logits.shape[1]} classes (0–{logits.shape[1] - 1}).");
            logits = logits - logits.narrow(1, versus, 1);
        }
        return logits.MoveToOuterDisposeScope();
    }

    long? _activationBytes;

    /// <summary>Bytes of every layer's output for one image at the input size, measured once (<see cref="Memory.MemoryBudget.MeasureActivationBytes"/>).</summary>
    public long ActivationBytesPerImage
    {
        get
        {
            lock (_layers) return _activationBytes ??= Memory.MemoryBudget.MeasureActivationBytes(this);
        }
    }

    public string ClassName(long index) =>
        ClassNames is { } names && index >= 0 && index < names.Count ? names[(int)index] : index.ToString();

    /// <summary>A layer by its torchvision name (<c>features.29</c>, <c>layer4</c>, <c>layer4.1.conv2</c>).</summary>
    public nn.Module<Tensor, Tensor> Layer(string name)
    {
        if (!_layers.TryGetValue(name, out var module))
            throw new XaiVisionException($"Model '{Architecture.Name}' has no layer '{name}'. Valid layers: {string.Join(", ", _layers.Keys)}.");
        return module as nn.Module<Tensor, Tensor>
            ?? throw new XaiVisionException($"Layer '{name}' of '{Architecture.Name}' does not map one tensor to one tensor.");
    }

    /// <summary>A layer a CAM method can use; any other name fails saying which layers can.</summary>
    public nn.Module<Tensor, Tensor> FeatureMapLayer(string name) =>
        FeatureMapLayers.Problem(Architecture, FeatureMapLayerNames, _layers.Keys, name) is { } problem
            ? throw new XaiVisionException(char.ToUpperInvariant(problem[0]) + problem[1..])
            : Layer(name);

    public void Dispose()
    {
        if (!_ownsNetwork) return;
        Network.Dispose();
        if (Float32 != this) Float32.Dispose();
    }
}
