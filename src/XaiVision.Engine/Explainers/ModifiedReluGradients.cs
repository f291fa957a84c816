using TorchSharp.Modules;
using XaiVision.Engine.Models;
using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// The ReLU backward passes Captum's <c>GuidedBackprop</c> and <c>Deconvolution</c> install (on ReLU modules; a functional ReLU
/// keeps its gradient, as in Captum): guided backpropagation passes max(0, g)·[x > 0] (Springenberg et al. 2015, "Striving for
/// simplicity: the all convolutional net", ICLR workshop), deconvolution max(0, g) whatever the input (Zeiler and Fergus 2014,
/// "Visualizing and understanding convolutional networks", ECCV). While active, every ReLU module computes its output through
/// <see cref="ModifiedRelu"/> and none works in place (an in-place ReLU would lose the input the rule reads); <see cref="Dispose"/>
/// undoes both. A TorchScript model hides its ReLUs: refused with the reason.
/// </summary>
internal sealed class ModifiedReluGradients : IDisposable
{
    readonly List<Action> _undo = [];

    public ModifiedReluGradients(ExplainableModel model, bool deconvolution, string method)
    {
        if (model.Network is TorchScriptNetwork)
            throw new XaiVisionException($"{method} replaces the ReLUs' backward pass, which a TorchScript model hides; load the model's weights instead.");
        foreach (var (_, module) in ModuleTree.Leaves(model.Network))
        {
            if (module is not ReLU relu) continue;
            var inplace = relu.inplace;
            relu.inplace = false;
            var hook = relu.register_forward_hook((_, input, _) => ModifiedRelu.Apply(input, deconvolution));
            _undo.Add(() => { hook.remove(); relu.inplace = inplace; });
        }
    }

    public void Dispose()
    {
        foreach (var undo in _undo) undo();
        _undo.Clear();
    }

    /// <summary>ReLU forward; backward max(0, g), times [x > 0] unless deconvolution.</summary>
    sealed class ModifiedRelu : autograd.SingleTensorFunction<ModifiedRelu>
    {
        public override string Name => nameof(ModifiedRelu);

        public static Tensor Apply(Tensor input, bool deconvolution) => apply(input, deconvolution);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var input = (Tensor)vars[0];
            ctx.save_for_backward([input]);
            ctx.save_data("deconvolution", vars[1]);
            return input.relu();
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradient)
        {
            var input = ctx.get_saved_variables()[0];
            var passed = gradient.clamp_min(0);
            return [(bool)ctx.get_data("deconvolution") ? passed : passed * input.gt(0).to(gradient.dtype), null!];
        }
    }
}
