using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace XaiVision.Engine.Models;

/// <summary>
/// torchvision's VisionTransformer (Dosovitskiy et al. 2021) with its exact names: <c>conv_proj</c> patch embedding,
/// <c>class_token</c>, <c>encoder.pos_embedding</c>, <c>encoder.layers.encoder_layer_K.{ln_1, self_attention, ln_2, mlp.0/3}</c>,
/// <c>encoder.ln</c>, <c>heads.head</c>; ViT-B/16 and ViT-B/32 by name, other sizes by <see cref="ViTShape"/> (the reference tests' small
/// one). Inputs of the shape's image size only (the position embedding is sized for them). Encoder layers output tokens
/// [batch, 1 + patches, width]; for CAM the class token is dropped and the patches laid out as a grid (<see cref="TokenGrid"/>), as
/// pytorch-grad-cam's <c>reshape_transform</c> does.
/// </summary>
public sealed class VisionTransformer : Module<Tensor, Tensor>
{
    public static readonly IReadOnlyDictionary<string, int> PatchSizes = new Dictionary<string, int> { ["vit_b_16"] = 16, ["vit_b_32"] = 32 };

    /// <summary>CAM layers: each encoder layer and its two LayerNorms (token outputs).</summary>
    public static bool IsFeatureMap(string name) => System.Text.RegularExpressions.Regex.IsMatch(name, @"^encoder\.layers\.encoder_layer_\d+(\.ln_[12])?$");

    private readonly Conv2d conv_proj;
    private readonly Parameter class_token;
    private readonly Encoder encoder;
    private readonly Sequential heads;
    readonly ViTShape _shape;

    public VisionTransformer(int patch, int numClasses) : this(ViTShape.Base(patch), numClasses) { }

    public VisionTransformer(ViTShape shape, int numClasses) : base(nameof(VisionTransformer))
    {
        _shape = shape;
        conv_proj = Conv2d(3, shape.Width, shape.Patch, stride: shape.Patch);
        class_token = Parameter(zeros(1, 1, shape.Width));
        encoder = new Encoder(shape);
        heads = Sequential(("head", Linear(shape.Width, numClasses)));
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
        int size = _shape.ImageSize;
        if (x.shape[2] != size || x.shape[3] != size)
            throw new XaiVisionException($"ViT takes {size}×{size} inputs only (its position embedding is sized for them); got {x.shape[2]}×{x.shape[3]}.");
        long n = x.shape[0], side = size / _shape.Patch;
        var tokens = conv_proj.call(x).reshape(n, _shape.Width, side * side).permute(0, 2, 1);
        tokens = cat([class_token.expand(n, -1, -1), tokens], 1);
        var encoded = encoder.call(tokens);
        return heads.call(encoded.select(1, 0)).MoveToOuterDisposeScope();
    }

    sealed class Encoder : Module<Tensor, Tensor>
    {
        private readonly Parameter pos_embedding;
        private readonly Sequential layers;
        private readonly LayerNorm ln;

        public Encoder(ViTShape shape) : base(nameof(Encoder))
        {
            int sequence = (shape.ImageSize / shape.Patch) * (shape.ImageSize / shape.Patch) + 1;
            pos_embedding = Parameter(empty(1, sequence, shape.Width).normal_(std: 0.02));
            layers = Sequential(Enumerable.Range(0, shape.Layers).Select(i => ($"encoder_layer_{i}", (Module<Tensor, Tensor>)new EncoderBlock(shape))).ToArray());
            ln = LayerNorm(shape.Width, eps: 1e-6);
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
        private readonly LayerNorm ln_1;
        private readonly SelfAttention self_attention;
        private readonly LayerNorm ln_2;
        private readonly Sequential mlp;

        public EncoderBlock(ViTShape shape) : base(nameof(EncoderBlock))
        {
            ln_1 = LayerNorm(shape.Width, eps: 1e-6);
            self_attention = new SelfAttention(shape.Width, shape.Heads);
            ln_2 = LayerNorm(shape.Width, eps: 1e-6);
            mlp = Sequential(Linear(shape.Width, shape.MlpWidth), GELU(), Dropout(0.0), Linear(shape.MlpWidth, shape.Width), Dropout(0.0));
            RegisterComponents();
        }

        public override Tensor forward(Tensor input)
        {
            using var scope = NewDisposeScope();
            var residual = self_attention.call(ln_1.call(input)) + input;
            return (residual + mlp.call(ln_2.call(residual))).MoveToOuterDisposeScope();
        }
    }
}

/// <summary>A ViT's size: input side, patch side, token width, attention heads, encoder layers, MLP width.</summary>
public sealed record ViTShape(int ImageSize, int Patch, int Width, int Heads, int Layers, int MlpWidth)
{
    /// <summary>ViT-B (Dosovitskiy et al. 2021, table 1) at 224 px.</summary>
    public static ViTShape Base(int patch) => new(224, patch, 768, 12, 12, 3072);
}
