using XaiVision.Engine;
using XaiVision.Engine.Imaging;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Tests.Fuzz;

/// <summary>
/// Seeded mutation fuzzing of the two entry points that read untrusted bytes: the image decoder and the
/// job-spec reader. Any outcome but a decoded result or a <see cref="XaiVisionException"/> is a failure.
/// Bounded in count, so the run takes seconds and is the same every time.
/// </summary>
public class FuzzTests
{
    static byte[] Mutate(byte[] input, Random random)
    {
        var bytes = (byte[])input.Clone();
        switch (random.Next(4))
        {
            case 0: // flip bytes
                for (int i = random.Next(1, 9); i > 0; i--) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return bytes;
            case 1: // truncate
                return bytes[..random.Next(bytes.Length)];
            case 2: // overwrite a run with random bytes
                int start = random.Next(bytes.Length);
                for (int i = start; i < Math.Min(bytes.Length, start + random.Next(1, 32)); i++) bytes[i] = (byte)random.Next(256);
                return bytes;
            default: // duplicate a slice
                int a = random.Next(bytes.Length), n = random.Next(1, Math.Max(2, bytes.Length - a));
                return [.. bytes[..a], .. bytes[a..(a + n)], .. bytes[a..]];
        }
    }

    [Theory]
    [InlineData("rgb.png")]
    [InlineData("rgb.jpg")]
    [InlineData("rgb.bmp")]
    [InlineData("rgb.webp")]
    [InlineData("anim.gif")]
    [InlineData("exif6.jpg")]
    public void Image_decoder_survives_mutations(string fixture)
    {
        // Any exception but XaiVisionException escapes and fails the test. What is decoded must be a sound image within the
        // limits, and decoding is a function of the bytes; the mix must hold both outcomes (a decoder that refused everything,
        // or accepted everything, would not be a decoder).
        var original = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "images", fixture));
        var limits = new DecodeLimits(MaxPixels: 1_000_000);
        var reference = ImageDecoder.Decode(original, fixture, limits);
        var random = new Random(fixture.GetHashCode(StringComparison.Ordinal) & 0xffff);
        int decoded = 0, refused = 0;
        for (int i = 0; i < 400; i++)
        {
            var bytes = Mutate(original, random);
            try
            {
                var image = ImageDecoder.Decode(bytes, $"{fixture}#{i}", limits);
                Assert.InRange((long)image.Width * image.Height, 1, limits.MaxPixels);
                Assert.Equal(image.Width * image.Height * 3, image.Pixels.Length);
                if (i % 20 == 0) Assert.Equal(image.Pixels, ImageDecoder.Decode(bytes, $"{fixture}#{i}", limits).Pixels);
                decoded++;
            }
            catch (XaiVisionException e)
            {
                Assert.Contains($"{fixture}#{i}", e.Message); // the refusal names the input
                refused++;
            }
        }
        Assert.True(reference.Width > 0 && decoded > 0 && refused > 0, $"{fixture}: {decoded} decoded, {refused} refused");
    }

    [Fact]
    public void Spec_reader_and_validator_survive_mutations()
    {
        var original = System.Text.Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(DemoJob.RegressionSpec("fuzz"), XaiVision.Engine.Reports.AuditJson.Options));
        var yaml = System.Text.Encoding.UTF8.GetBytes("model:\n  architecture: vgg16\n  weights: m/w.pth\nimages: { container: photos, prefix: a/ }\n" +
            "suite:\n  explainers: [grad-cam, \"ig(steps=4)\"]\noutput: { container: out, prefix: x }\nshardSize: 4\n");
        var random = new Random(42);
        for (int i = 0; i < 1500; i++)
        {
            bool json = i % 2 == 0;
            var text = System.Text.Encoding.UTF8.GetString(Mutate(json ? original : yaml, random));
            try
            {
                var spec = json ? JobSpecReader.ParseJson(text) : JobSpecReader.ParseYaml(text);
                JobSpecValidator.Validate(spec);
            }
            catch (XaiVisionException)
            {
            }
        }
    }
}
