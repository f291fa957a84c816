using XaiVision.Engine.Imaging;
using XaiVision.Engine.Suites;

namespace XaiVision.Engine.Tests.Support;

/// <summary>A suite's inputs from views and (where a test has them) masks, image by image.</summary>
public static class SuiteInputs
{
    public static List<SuiteInput> Of(IEnumerable<RgbImage> views, IReadOnlyList<bool[]?>? masks = null) =>
        views.Select((view, i) => new SuiteInput(view, masks is not null && i < masks.Count ? masks[i] : null)).ToList();
}
