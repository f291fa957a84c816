using XaiVision.Worker.Cli;

namespace XaiVision.Worker.Tests.Cli;

public class JobProgressPrinterTests
{
    [Fact]
    public void Without_a_terminal_it_prints_a_plain_line_per_tenth_and_never_passes_the_totals()
    {
        var error = new StringWriter();
        var printer = new JobProgressPrinter(error, terminal: false);
        for (int shard = 0; shard < 40; shard++)
        {
            printer.ShardDone(shard, 5, 200, 40);
            if (shard % 7 == 3) printer.ShardDone(shard, 5, 200, 40); // redelivered after a restart: announced again, counted once
        }
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(11, lines.Length); // one per tenth and the final line
        Assert.DoesNotContain('\r', error.ToString());
        Assert.Equal("progress: 5/200 images, 1/40 shards (2 %)", lines[0]);
        Assert.Equal("progress: 200/200 images, 40/40 shards (100 %)", lines[^1]);
    }

    [Fact]
    public void On_a_terminal_it_redraws_one_bar()
    {
        var error = new StringWriter();
        var printer = new JobProgressPrinter(error, terminal: true);
        printer.ShardDone(0, 4, 12, 3);
        printer.ShardDone(0, 4, 12, 3); // announced twice: no redraw, no count
        for (int shard = 1; shard < 3; shard++) printer.ShardDone(shard, 4, 12, 3);
        Assert.Equal("\r[########................] 4/12 images, 1/3 shards\r[################........] 8/12 images, 2/3 shards"
            + "\r[########################] 12/12 images, 3/3 shards" + Environment.NewLine, error.ToString());
    }
}
