using TorchSharp.Modules;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Models;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace XaiVision.Engine.Tests.Support;

/// <summary>
/// The engine's own twin of tools/cam_reference.py's CamRefNet (conv, ReLU, conv [the CAM layer], BatchNorm, ReLU, max-pool, conv,
/// ReLU, a dense head over every position), with the weights the tool wrote: the CAM methods run on it through forward hooks,
/// as on any model of ours, where the TorchScript export hands them the activation instead.
/// </summary>
public sealed class CamRefNet : Module<Tensor, Tensor>
{
    public readonly Sequential features;
    public readonly Linear head;

    public CamRefNet(int side, IReadOnlyDictionary<string, float[]> state) : base("CamRefNet")
    {
        features = Sequential(Conv2d(3, 8, 3, padding: 1), ReLU(), Conv2d(8, 8, 3, padding: 1), BatchNorm2d(8), ReLU(), MaxPool2d(2),
            Conv2d(8, 6, 3, padding: 1), ReLU());
        head = Linear(6 * (side / 2) * (side / 2), 4);
        RegisterComponents();
        using var _ = no_grad();
        var own = state_dict();
        foreach (var (key, values) in state)
            own[key].copy_(tensor(values).view(own[key].shape));
        eval();
    }

    public override Tensor forward(Tensor x) => head.call(features.call(x).flatten(1));

    public static ExplainableModel Load(int side, IReadOnlyDictionary<string, float[]> state) =>
        new(new CamRefNet(side, state), new Architecture("camrefnet", "test", _ => throw new InvalidOperationException(), "features.2", side, 4),
            Preprocessing.ImageNet(side, side), null, CPU, "camrefnet");
}
