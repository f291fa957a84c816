using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace XaiVision.Engine.Models;

/// <summary>
/// torchvision's ViT-B/16 and ViT-B/32 (Dosovitskiy et al. 2021) with its exact names: <c>conv_proj</c> patch embedding,
/// <c>class_token</c>, <c>encoder.pos_embedding</c>, <c>encoder.layers.encoder_layer_K.{ln_1, self_attention, ln_2, mlp.0/3}</c>,
/// <c>encoder.ln</c>, <c>heads.head</c>. 224×224 inputs only (the position embedding is sized for them). Encoder layers output
/// tokens [batch, 1 + patches, width]; for CAM the class token is dropped and the patches laid out as a grid
/// (<see cref="TokenGrid"/>), as pytorch-grad-cam's <c>reshape_transform</c> does.
/// </summary>
public sealed class VisionTransformer : Module<Tensor, Tensor>
{
    const int Width = 768, Heads = 12, Layers = 12, MlpWidth = 3072, ImageSize = 224;

    public static readonly IReadOnlyDictionary<string, int> PatchSizes = new Dictionary<string, int> { ["vit_b_16"] = 16, ["vit_b_32"] = 32 };

    /// <summary>CAM layers: each encoder layer and its two LayerNorms (token outputs).</summary>
    public static bool IsFeatureMap(string name) => System.Text.RegularExpressions.Regex.IsMatch(name, @"^encoder\.layers\.encoder_layer_\d+(\.ln_[12])?$");

    private readonly Conv2d conv_proj;
    private readonly Parameter class_token;
    private readonly Encoder encoder;
    private readonly Sequential heads;
    readonly int _patch;

    public VisionTransformer(int patch, int numClasses) : base(nameof(VisionTransformer))
    {
        _patch = patch;
        conv_proj = Conv2d(3, Width, patch, stride: patch);
        class_token = Parameter(zeros(1, 1, Width));
        encoder = new Encoder((ImageSize / patch) * (ImageSize / patch) + 1);
        heads = Sequential(("head", Linear(Width, numClasses)));
        RegisterComponents();
    }

    /// <summary>Tokens [N, 1 + g·g, C] → a feature map [N, C, g, g] (the class token dropped).</summary>
    public static Tensor TokenGrid(Tensor tokens)
    {
        long n = tokens.shape[0], patches = tokens.shape[1] - 1, channels = tokens.shape[2];
        long side = (long)Math.Round(Math.Sqrt(patches));
        return tokens.narrow(1, 1, patches).reshape(n, side, side, channels).permute(0, 3, 1, 2);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        if (x.shape[2] != ImageSize || x.shape[3] != ImageSize)
            throw new XaiVisionException($"ViT takes {ImageSize}×{ImageSize} inputs only (its position embedding is sized for them); got {x.shape[2]}×{x.shape[3]}.");
        long n = x.shape[0], side = ImageSize / _patch;
        var tokens = conv_proj.call(x).reshape(n, Width, side * side).permute(0, 2, 1);
        tokens = cat([class_token.expand(n, -1, -1), tokens], 1);
        var encoded = encoder.call(tokens);
        return heads.call(encoded.select(1, 0)).MoveToOuterDisposeScope();
    }

    sealed class Encoder : Module<Tensor, Tensor>
    {
        private readonly Parameter pos_embedding;
        private readonly Sequential layers;
        private readonly LayerNorm ln = LayerNorm(Width, eps: 1e-6);

        public Encoder(int sequence) : base(nameof(Encoder))
        {
            pos_embedding = Parameter(empty(1, sequence, Width).normal_(std: 0.02));
            layers = Sequential(Enumerable.Range(0, Layers).Select(i => ($"encoder_layer_{i}", (Module<Tensor, Tensor>)new EncoderBlock())).ToArray());
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            return ln.call(layers.call(x + pos_embedding)).MoveToOuterDisposeScope();
        }
    }

    sealed class EncoderBlock : Module<Tensor, Tensor>
    {
        private readonly LayerNorm ln_1 = LayerNorm(Width, eps: 1e-6);
        private readonly MultiheadAttention self_attention = MultiheadAttention(Width, Heads);
        private readonly LayerNorm ln_2 = LayerNorm(Width, eps: 1e-6);
        private readonly Sequential mlp = Sequential(Linear(Width, MlpWidth), GELU(), Dropout(0.0), Linear(MlpWidth, Width), Dropout(0.0));

        public EncoderBlock() : base(nameof(EncoderBlock)) => RegisterComponents();

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var x = ln_1.call(input).transpose(0, 1); // TorchSharp's attention is sequence-first
            var (attended, _) = self_attention.call(x, x, x, null, false, null);
            var residual = attended.transpose(0, 1) + input;
            return (residual + mlp.call(ln_2.call(residual))).MoveToOuterDisposeScope();
        }
    }
}
