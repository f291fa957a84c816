using System.IO.Compression;
using static TorchSharp.torch;

namespace XaiVision.Engine.Models;

/// <summary>
/// A TorchScript classifier (<c>torch.jit.trace</c>/<c>torch.jit.script</c>, loaded with <c>torch.jit.load</c>) as a network.
/// Its forward returns logits, or <c>(logits, activation)</c> — the convention <c>tools/export-torchscript.py</c> exports, since a
/// script module has no hooks to reach a layer with: the activation is then kept for the CAM methods.
/// TorchScript is code. Loading runs it, so workers load it only with <c>Models:AllowTorchScript</c>.
/// </summary>
public sealed class TorchScriptNetwork : nn.Module<Tensor, Tensor>
{
    /// <summary>The one CAM "layer" of a TorchScript model: the activation its forward returns.</summary>
    public const string ActivationLayer = "activation";

    private readonly jit.ScriptModule script;

    TorchScriptNetwork(jit.ScriptModule script) : base(nameof(TorchScriptNetwork))
    {
        this.script = script;
        RegisterComponents();
    }

    /// <summary>Whether the forward returns (logits, activation), found by a first forward at load.</summary>
    public bool ReturnsActivation { get; private set; }

    /// <summary>The activation of the last forward (when <see cref="ReturnsActivation"/>); owned by the caller's dispose scope.</summary>
    public Tensor? LastActivation { get; private set; }

    /// <summary>A TorchScript archive holds code (<c>code/…</c> entries) next to its tensors; a state dict does not.</summary>
    public static bool IsTorchScript(string path)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            return zip.Entries.Any(e => e.FullName.Contains("/code/", StringComparison.Ordinal));
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>Loads the module and runs it once on zeros to learn its output: the class count, and whether it returns an activation.</summary>
    public static (TorchScriptNetwork Network, int Classes) Load(string path, int inputSize)
    {
        jit.ScriptModule script;
        try
        {
            script = jit.load(path);
        }
        catch (Exception e) when (e is not XaiVisionException)
        {
            throw new XaiVisionException($"TorchScript model '{path}' does not load: {e.Message.Split('\n')[0]}");
        }
        var network = new TorchScriptNetwork(script);
        try
        {
            network.eval();
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            var logits = network.forward(zeros(1, 3, inputSize, inputSize));
            if (logits.dim() != 2)
                throw new XaiVisionException($"TorchScript model '{path}' returns a tensor of shape ({string.Join(", ", logits.shape)}); a classifier's logits are [batch, classes].");
            return (network, (int)logits.shape[1]);
        }
        catch (Exception e) when (e is not XaiVisionException)
        {
            network.Dispose();
            throw new XaiVisionException($"TorchScript model '{path}' fails on a {inputSize}×{inputSize} input: {e.Message.Split('\n')[0]}");
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    protected override void Dispose(bool disposing)
    {
        // The base walks named_modules() lazily while disposing them, which a script module does not survive; free the script
        // first, then only this wrapper's own handle.
        if (disposing) script.Dispose();
        base.Dispose(false);
    }

    public override Tensor forward(Tensor x)
    {
        switch (script.call(x))
        {
            case Tensor logits:
                ReturnsActivation = false;
                return logits;
            case ValueTuple<Tensor, Tensor>(var logits, var activation):
                if (activation.dim() != 4)
                    throw new XaiVisionException($"The TorchScript model's second output has shape ({string.Join(", ", activation.shape)}); a CAM needs a feature map [batch, channels, h, w].");
                ReturnsActivation = true;
                LastActivation = activation;
                return logits;
            case var other:
                throw new XaiVisionException($"The TorchScript model returns {other?.GetType().Name ?? "nothing"}; expected logits, or (logits, activation) as tools/export-torchscript.py exports.");
        }
    }
}
