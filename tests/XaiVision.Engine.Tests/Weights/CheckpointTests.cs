using System.Text.Json;
using XaiVision.Engine.Models;
using XaiVision.Engine.Models.Weights;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Weights;

/// <summary>
/// Models saved the ways people save them (tools/make_checkpoint_fixtures.py, PyTorch 1.13 itself): every file holds the same
/// fine-tuned 10-class demo net, is recognised without naming the architecture, and reproduces PyTorch's logits.
/// </summary>
public class CheckpointTests
{
    static string File(string name) => Fixtures.Path("checkpoints", name);

    static ExplainableModel Load(string file, WeightOptions? options = null, string architecture = "", string? labels = null) =>
        ModelLoader.Load(new ModelSpec(architecture, File(file), labels, Weights: options), CPU);

    [Theory]
    [InlineData("demo10_state.pth", "")]
    [InlineData("demo10_legacy.pth", "")]
    [InlineData("demo10_training.pth", "state dict 'model_state_dict'")]
    [InlineData("demo10_lightning.ckpt", "prefix 'model.' removed")]
    [InlineData("demo10_dataparallel.pth", "prefix 'module.' removed")]
    [InlineData("demo10_compiled.pth", "prefix '_orig_mod.' removed")]
    [InlineData("demo10_idx_to_class.pth", "state dict 'state_dict'")]
    public void Every_saving_style_is_recognised_and_reproduces_pytorch(string file, string detail)
    {
        using var scope = NewDisposeScope();
        using var model = Load(file);
        Assert.Equal(ArchitectureRegistry.Demo, model.Architecture.Name);
        Assert.Contains("10 classes", model.Description);
        Assert.Contains("architecture recognised from the weights", model.Description);
        Assert.Contains(detail, model.Description);
        var expected = JsonDocument.Parse(System.IO.File.ReadAllText(File("demo10_expected.json"))).RootElement.GetProperty("logits")
            .EnumerateArray().Select(e => e.GetSingle()).ToArray();
        var x = linspace(-1, 1, 3 * 64 * 64).view(1, 3, 64, 64);
        var logits = model.Forward(x).data<float>().ToArray();
        Assert.Equal(10, logits.Length);
        for (int i = 0; i < 10; i++) Assert.Equal(expected[i], logits[i], 1e-4f);
    }

    [Theory]
    [InlineData("demo10_training.pth")]
    [InlineData("demo10_idx_to_class.pth")]
    public void Class_names_stored_in_a_checkpoint_name_the_classes(string file)
    {
        using var model = Load(file);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"class-{i}"), model.ClassNames);
    }

    [Fact]
    public void Numpy_values_and_other_checkpoint_entries_are_read_as_inert_data()
    {
        using var archive = WeightFile.Open(File("demo10_training.pth"));
        Assert.Equal(["model_state_dict"], archive.Candidates.Select(c => c.Path)); // optimizer state is no candidate
    }

    [Fact]
    public void Two_fitting_state_dicts_are_an_error_that_says_how_to_choose()
    {
        var error = Assert.Throws<XaiVisionException>(() => Load("demo10_two_models.pth")).Message;
        Assert.Contains("'model' as demo-shapes", error);
        Assert.Contains("'ema' as demo-shapes", error);
        Assert.Contains("model.weightsKey", error);
        using var ema = Load("demo10_two_models.pth", new WeightOptions(Key: "ema"));
        Assert.Contains("state dict 'ema'", ema.Description);
        var missing = Assert.Throws<XaiVisionException>(() => Load("demo10_two_models.pth", new WeightOptions(Key: "swa"))).Message;
        Assert.Contains("no state dict at 'swa'", missing);
        Assert.Contains("'model' (", missing);
    }

    [Fact]
    public void Extra_keys_are_listed_and_can_be_ignored()
    {
        var error = Assert.Throws<XaiVisionException>(() => Load("demo10_aux.pth")).Message;
        Assert.Contains("unexpected 2 key(s): aux_classifier.weight, aux_classifier.bias", error);
        Assert.Contains("model.allowExtraKeys", error);
        using var model = Load("demo10_aux.pth", new WeightOptions(AllowExtraKeys: true));
        Assert.Contains("2 extra key(s) ignored", model.Description);
    }

    [Fact]
    public void Weights_for_another_architecture_name_the_right_one()
    {
        var error = Assert.Throws<XaiVisionException>(() => Load("demo10_state.pth", architecture: "vgg11")).Message;
        Assert.Contains("do not fit architecture 'vgg11'", error);
        Assert.Contains("They are weights for 'demo-shapes': use --model demo-shapes", error);
    }

    [Fact]
    public void A_label_file_that_disagrees_with_the_head_says_both_numbers()
    {
        var labels = Path.GetTempFileName();
        System.IO.File.WriteAllLines(labels, ["a", "b", "c", "d", "e"]);
        var error = Assert.Throws<XaiVisionException>(() => Load("demo10_state.pth", labels: labels)).Message;
        Assert.Contains("has 5 names but the model has 10 classes", error);
    }

    /// <summary>Fine-tuned torchvision heads, DataParallel keys among them: the class count comes from the head's rows.</summary>
    [Theory]
    [InlineData("resnet18", 10, "")]
    [InlineData("resnet50", 3, "module.")]
    [InlineData("vgg16_bn", 2, "")]
    [InlineData("vgg11", 37, "_orig_mod.")]
    public void Torchvision_layouts_with_any_head_are_recognised(string architecture, int classes, string prefix)
    {
        using var archive = SyntheticArchive(architecture, classes, prefix);
        var selected = WeightSelection.Choose(archive, null, new WeightOptions());
        Assert.Equal(architecture, selected.Architecture.Name);
        Assert.Equal(classes, selected.Classes);
        Assert.Equal(prefix, selected.Prefix);
        Assert.True(selected.Recognised);
    }

    [Fact]
    public void An_unknown_layout_names_the_closest_architectures()
    {
        using var archive = SyntheticArchive("resnet34", 10, "", drop: "layer4.2.");
        var error = Assert.Throws<XaiVisionException>(() => WeightSelection.Choose(archive, null, new WeightOptions())).Message;
        Assert.Contains("match no known architecture. Closest: resnet34 (", error);
        Assert.Contains("missing", error);
    }

    /// <summary>Fine-tuning's <c>Sequential(Dropout, Linear)</c> head (keys <c>fc.1.*</c>, <c>classifier.6.1.*</c>) is read as the head.</summary>
    [Theory]
    [InlineData("resnet50", "fc.1")]
    [InlineData("vgg16", "classifier.6.1")]
    public void A_dropout_then_linear_head_is_read_as_the_head(string architecture, string variant)
    {
        using var archive = SyntheticArchive(architecture, 4, "", headVariant: variant);
        var selected = WeightSelection.Choose(archive, null, new WeightOptions());
        Assert.Equal((architecture, 4, variant), (selected.Architecture.Name, selected.Classes, selected.HeadVariant));
        Assert.Contains(selected.Architecture.HeadLayer + ".weight", selected.Tensors.Keys);
    }

    /// <summary>A state dict with an architecture's exact layout (meta tensors: shapes only) and a <paramref name="classes"/>-way head.</summary>
    static WeightArchive SyntheticArchive(string architecture, int classes, string prefix, string? drop = null, string? headVariant = null)
    {
        var signature = ArchitectureSignature.Of(ArchitectureRegistry.Get(architecture));
        var weights = new StateDict("synthetic.pth");
        foreach (var (key, shape) in signature.Entries.Where(e => drop is null || !e.Key.StartsWith(drop)))
        {
            var head = signature.Architecture.HeadLayer;
            long[] s = key.StartsWith(head + ".") ? [classes, .. shape.Skip(1)] : shape;
            var name = headVariant is not null && key.StartsWith(head + ".") ? headVariant + key[head.Length..] : key;
            weights.Add(prefix + name, empty(s, device: META));
        }
        return new WeightArchive("synthetic.pth", [("", weights)], null);
    }
}
