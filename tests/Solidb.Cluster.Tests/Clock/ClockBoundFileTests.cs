using Solidb.Cluster.Clock;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Security;
using Xunit;

namespace Solidb.Cluster.Tests.Clock;

public sealed class ClockBoundFileTests : IDisposable
{
    private static readonly DateTimeOffset Wall = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "solidb-cb-" + Guid.NewGuid().ToString("N"));

    public ClockBoundFileTests() => Directory.CreateDirectory(_dir);

    private string BoundPath => Path.Combine(_dir, ClockBoundFile.FileName);

    private static ulong Ms(DateTimeOffset t) => (ulong)t.ToUnixTimeMilliseconds();

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void In_places_the_file_named_hlc_bound_in_the_data_dir()
    {
        Assert.Equal("hlc-bound", ClockBoundFile.FileName);
        Assert.Equal(BoundPath, ClockBoundFile.In(_dir).Path);
    }

    [Fact]
    public void Load_returns_null_without_a_file()
    {
        Assert.Null(ClockBoundFile.In(_dir).Load());
    }

    [Fact]
    public void Save_then_Load_round_trips()
    {
        var file = ClockBoundFile.In(_dir);
        var bound = new HlcTimestamp(Ms(Wall) + 2500, 17);

        file.Save(bound);

        Assert.Equal(bound, file.Load());
        Assert.Equal(bound, new ClockBoundFile(BoundPath).Load());
        Assert.Equal(bound + "\n", File.ReadAllText(BoundPath));
        Assert.False(File.Exists(BoundPath + ".tmp"));
    }

    [Fact]
    public void Save_replaces_the_previous_bound()
    {
        var file = ClockBoundFile.In(_dir);
        file.Save(new HlcTimestamp(Ms(Wall) + 9999, 0));

        file.Save(new HlcTimestamp(Ms(Wall) + 1, 0));

        Assert.Equal(new HlcTimestamp(Ms(Wall) + 1, 0), file.Load());
    }

    [Fact]
    public void Load_ignores_surrounding_whitespace()
    {
        var bound = new HlcTimestamp(Ms(Wall), 5);
        File.WriteAllText(BoundPath, "  " + bound + " \r\n\n");

        Assert.Equal(bound, ClockBoundFile.In(_dir).Load());
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("1748779200000")]
    [InlineData("00000197285D7E00-00000000")] // uppercase hex is not the canonical form
    [InlineData("00000197285d7e00-0000000")]
    [InlineData("00000197285d7e00+00000000")]
    public void A_corrupt_file_throws_DataDirectoryException_naming_the_file(string content)
    {
        File.WriteAllText(BoundPath, content);

        var e = Assert.Throws<DataDirectoryException>(() => ClockBoundFile.In(_dir).Load());

        Assert.Contains(BoundPath, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_corrupt_file_message_quotes_a_short_escaped_excerpt_of_the_content()
    {
        File.WriteAllText(BoundPath, "\u001b[31m" + new string('x', 1000));

        var e = Assert.Throws<DataDirectoryException>(() => ClockBoundFile.In(_dir).Load());

        Assert.Contains("\\u001b[31m" + new string('x', Rejections.MaxQuoted - 5) + "...(1005 chars)", e.Message);
        Assert.DoesNotContain(new string('x', Rejections.MaxQuoted), e.Message);
        Assert.DoesNotContain("\u001b", e.Message);
    }

    [Fact]
    public void BoundFor_adds_two_persist_intervals_and_the_max_offset_to_the_wall_clock_when_it_is_ahead()
    {
        var current = new HlcTimestamp(Ms(Wall) - 5000, 99);

        var bound = ClockBoundFile.BoundFor(current, Wall, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500));

        Assert.Equal(new HlcTimestamp(Ms(Wall) + 2500, 0), bound);
    }

    [Fact]
    public void BoundFor_adds_the_margin_to_the_clock_when_it_is_ahead_of_the_wall_clock()
    {
        var current = new HlcTimestamp(Ms(Wall) + 700, 12345);

        var bound = ClockBoundFile.BoundFor(current, Wall, TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500));

        Assert.Equal(new HlcTimestamp(Ms(Wall) + 700 + 2500, 0), bound);
        Assert.True(bound > current);
    }

    [Theory]
    [InlineData(10, 1, 21)]
    [InlineData(1000, 500, 2500)]
    [InlineData(250, 0, 500)]
    [InlineData(60_000, 10_000, 130_000)]
    public void BoundFor_margin_is_two_intervals_plus_the_max_offset(int intervalMs, int maxOffsetMs, int marginMs)
    {
        var current = new HlcTimestamp(Ms(Wall), 3);

        var bound = ClockBoundFile.BoundFor(current, Wall, TimeSpan.FromMilliseconds(intervalMs), TimeSpan.FromMilliseconds(maxOffsetMs));

        Assert.Equal(new HlcTimestamp(Ms(Wall) + (ulong)marginMs, 0), bound);
    }

    [Fact]
    public void BoundFor_treats_a_wall_clock_before_1970_as_zero()
    {
        var bound = ClockBoundFile.BoundFor(HlcTimestamp.Zero, DateTimeOffset.UnixEpoch.AddDays(-1), TimeSpan.FromSeconds(1), TimeSpan.FromMilliseconds(500));

        Assert.Equal(new HlcTimestamp(2500, 0), bound);
    }
}
