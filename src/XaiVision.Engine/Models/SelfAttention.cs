using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace XaiVision.Engine.Models;

/// <summary>
/// Batch-first multi-head self-attention with torch's <c>nn.MultiheadAttention</c> parameters (<c>in_proj_weight</c>, <c>in_proj_bias</c>,
/// <c>out_proj</c>), written out step by step so that the projected queries, keys and values each pass a leaf of their own
/// (<see cref="AttentionOperand"/>, no parameters): LRP rules attach there (AttnLRP's uniform rule, CP-LRP's cut through the softmax).
/// </summary>
public sealed class SelfAttention : Module<Tensor, Tensor>
{
    private readonly Parameter in_proj_weight;
    private readonly Parameter in_proj_bias;
    private readonly Linear out_proj;
    private readonly AttentionOperand query = new(AttentionRole.Query);
    private readonly AttentionOperand key = new(AttentionRole.Key);
    private readonly AttentionOperand value = new(AttentionRole.Value);
    readonly int _heads;

    public SelfAttention(int width, int heads) : base(nameof(SelfAttention))
    {
        if (width % heads != 0) throw new ArgumentException($"The width {width} does not split into {heads} heads.");
        _heads = heads;
        in_proj_weight = Parameter(empty(3L * width, width));
        in_proj_bias = Parameter(zeros(3L * width));
        out_proj = Linear(width, width);
        init.xavier_uniform_(in_proj_weight);
        RegisterComponents();
    }

    /// <summary>[N, T, width] → [N, T, width]: softmax(q kᵀ / √d) v per head, then the output projection.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], tokens = x.shape[1], width = x.shape[2], d = width / _heads;
        var projected = functional.linear(x, in_proj_weight, in_proj_bias).chunk(3, -1);
        Tensor Heads(AttentionOperand operand, Tensor t) => operand.call(t).reshape(n, tokens, _heads, d).transpose(1, 2);
        var (q, k, v) = (Heads(query, projected[0]), Heads(key, projected[1]), Heads(value, projected[2]));
        var weights = functional.softmax((q / Math.Sqrt(d)).matmul(k.transpose(-2, -1)), -1);
        var attended = weights.matmul(v).transpose(1, 2).reshape(n, tokens, width);
        return out_proj.call(attended).MoveToOuterDisposeScope();
    }
}

public enum AttentionRole { Query, Key, Value }

/// <summary>The identity on an attention's projected queries, keys or values: the place where LRP's attention rules attach.</summary>
public sealed class AttentionOperand(AttentionRole role) : Module<Tensor, Tensor>(nameof(AttentionOperand))
{
    public AttentionRole Role { get; } = role;

    public override Tensor forward(Tensor x) => x.alias();
}
