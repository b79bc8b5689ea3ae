using Solidb.Cluster.Clock;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Tests.Clock;
using Xunit;

namespace Solidb.Cluster.Tests.Manager;

public sealed class NodeContextTests : IDisposable
{
    private static readonly DateTimeOffset W = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly NodeId Id = NodeId.Parse("node1");

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "solidb-nc-" + Guid.NewGuid().ToString("N"));
    private readonly ClusterSettings _settings = ClusterSettings.FromConfig(SolidbConfig.Reference);

    private string BoundPath => Path.Combine(_dir, ClockBoundFile.FileName);

    private static ulong Ms(DateTimeOffset t) => (ulong)t.ToUnixTimeMilliseconds();

    private TimeSpan Margin => (2 * _settings.Clock.PersistInterval) + _settings.Clock.MaxOffset;

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    /// <summary>Runs one "life" of the node: open the data dir, create the context, run, close the data dir.</summary>
    private void Run(TimeProvider time, Action<NodeContext> life)
    {
        using var dataDir = DataDirectory.Open(_dir, Id);
        life(NodeContext.Create(_settings, dataDir, time));
    }

    [Fact]
    public void The_reference_settings_are_the_documented_clock_defaults()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), _settings.Clock.PersistInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(500), _settings.Clock.MaxOffset);
    }

    [Fact]
    public void Create_builds_the_context_from_the_data_dir_settings_and_time()
    {
        var time = new SteppableTimeProvider(W);
        using var dataDir = DataDirectory.Open(_dir, Id);

        var context = NodeContext.Create(_settings, dataDir, time);

        Assert.Same(_settings, context.Settings);
        Assert.Same(time, context.Time);
        Assert.Equal(dataDir.Identity, context.Identity);
        Assert.Equal(Id, context.NodeId);
        Assert.Equal(W, context.StartedAt);
        Assert.Equal(BoundPath, context.BoundFile.Path);
        Assert.Equal(context.Gate.Clock.Options, context.Clock.Options);
        Assert.Equal(_settings.Clock.MaxOffset, context.Clock.Options.MaxOffset);
        Assert.Equal($"{_settings.PublicHost}:{_settings.Port}", context.Address);
        Assert.Equal($"http://{_settings.PublicHost}:{_settings.HttpPort}", context.HttpAddress);
    }

    [Fact]
    public void Create_persists_a_bound_before_anything_is_issued()
    {
        var time = new SteppableTimeProvider(W);
        Run(time, context =>
        {
            Assert.Equal(new HlcTimestamp(Ms(W + Margin), 0), ClockBoundFile.In(_dir).Load());
            Assert.Equal(new HlcTimestamp(Ms(W), 0), context.Clock.Now());
        });
    }

    [Fact]
    public void PersistClockBound_writes_and_returns_the_bound_for_the_current_clock()
    {
        var time = new SteppableTimeProvider(W);
        Run(time, context =>
        {
            time.Advance(TimeSpan.FromSeconds(3));
            context.Clock.Now();

            var bound = context.PersistClockBound();

            Assert.Equal(new HlcTimestamp(Ms(W + TimeSpan.FromSeconds(3) + Margin), 0), bound);
            Assert.Equal(bound, ClockBoundFile.In(_dir).Load());
        });
    }

    [Fact]
    public void Timestamps_after_a_restart_with_the_wall_clock_5s_behind_are_greater_than_all_issued_before()
    {
        var before = new List<HlcTimestamp>();
        Run(new SteppableTimeProvider(W), context =>
        {
            for (var i = 0; i < 1000; i++)
            {
                before.Add(context.Clock.Now());
            }

            context.PersistClockBound();
        });

        var after = new List<HlcTimestamp>();
        var restarted = new SteppableTimeProvider(W - TimeSpan.FromSeconds(5));
        Run(restarted, context =>
        {
            for (var i = 0; i < 1000; i++)
            {
                after.Add(context.Clock.Now());
                if (i % 100 == 0)
                {
                    restarted.Advance(TimeSpan.FromMilliseconds(7));
                }
            }
        });

        Assert.Equal(1000, before.Distinct().Count());
        var latestBefore = before.Max();
        var earliestAfter = after.Min();
        Assert.True(earliestAfter > latestBefore, $"{earliestAfter} issued after the restart is not after {latestBefore}");
        Assert.Equal(1000, after.Distinct().Count());
    }

    [Fact]
    public void Timestamps_after_a_crash_between_persists_are_greater_than_all_issued_before()
    {
        // The node persists every interval (as the clock actor does), issues a timestamp every
        // millisecond, also takes in timestamps up to the max offset ahead, and dies just before
        // the next persist. Restarted with the wall clock 5 s behind.
        var time = new SteppableTimeProvider(W);
        var before = new List<HlcTimestamp>();
        Run(time, context =>
        {
            var sinceLastPersist = TimeSpan.Zero;
            for (var ms = 0; ms < 3999; ms++)
            {
                before.Add(context.Clock.Now());
                if (ms % 250 == 0)
                {
                    var remote = new HlcTimestamp(Ms(time.GetUtcNow() + _settings.Clock.MaxOffset), 5);
                    Assert.True(context.Gate.TryObserve(remote, out var local, out _, out _));
                    before.Add(local);
                }

                time.Advance(TimeSpan.FromMilliseconds(1));
                sinceLastPersist += TimeSpan.FromMilliseconds(1);
                if (sinceLastPersist >= _settings.Clock.PersistInterval)
                {
                    context.PersistClockBound();
                    sinceLastPersist = TimeSpan.Zero;
                }
            }

            before.Add(context.Clock.Now());
        });

        var after = new List<HlcTimestamp>();
        Run(new SteppableTimeProvider(W - TimeSpan.FromSeconds(5)), context =>
        {
            for (var i = 0; i < 1000; i++)
            {
                after.Add(context.Clock.Now());
            }
        });

        Assert.True(after.Min() > before.Max(), $"{after.Min()} issued after the restart is not after {before.Max()}");
    }

    [Fact]
    public void Repeated_restarts_with_the_wall_clock_stepping_back_keep_timestamps_increasing()
    {
        var last = HlcTimestamp.Zero;
        for (var restart = 0; restart < 5; restart++)
        {
            Run(new SteppableTimeProvider(W - TimeSpan.FromSeconds(restart)), context =>
            {
                for (var i = 0; i < 100; i++)
                {
                    var next = context.Clock.Now();
                    Assert.True(next > last, $"restart {restart}: {next} after {last}");
                    last = next;
                }

                context.PersistClockBound();
            });
        }
    }

    [Fact]
    public void After_a_restart_with_the_wall_clock_ahead_of_the_bound_timestamps_follow_the_wall_clock()
    {
        Run(new SteppableTimeProvider(W), context => context.Clock.Now());

        var later = W + TimeSpan.FromMinutes(1);
        Run(new SteppableTimeProvider(later), context =>
            Assert.Equal(new HlcTimestamp(Ms(later), 0), context.Clock.Now()));
    }

    [Fact]
    public void A_corrupt_bound_file_makes_Create_throw_naming_the_file()
    {
        Run(new SteppableTimeProvider(W), _ => { });
        File.WriteAllText(BoundPath, "not a timestamp\n");

        using var dataDir = DataDirectory.Open(_dir, Id);
        var e = Assert.Throws<DataDirectoryException>(() => NodeContext.Create(_settings, dataDir, new SteppableTimeProvider(W)));

        Assert.Contains(BoundPath, e.Message);
        Assert.Equal("not a timestamp\n", File.ReadAllText(BoundPath)); // left for the operator
    }

    [Fact]
    public void A_corrupt_formation_file_makes_Create_throw_naming_the_file()
    {
        Run(new SteppableTimeProvider(W), _ => { });
        var path = Path.Combine(_dir, Solidb.Cluster.Bootstrap.FormationPromiseFile.FileName);
        File.WriteAllText(path, "1 node2 not-an-address\n");

        using var dataDir = DataDirectory.Open(_dir, Id);
        var e = Assert.Throws<DataDirectoryException>(() => NodeContext.Create(_settings, dataDir, new SteppableTimeProvider(W)));

        Assert.StartsWith($"corrupt formation file '{path}': ", e.Message);
    }

    [Fact]
    public void A_bound_beyond_the_clock_range_makes_Create_throw_naming_the_file()
    {
        Run(new SteppableTimeProvider(W), _ => { });
        File.WriteAllText(BoundPath, "ffffffffffffffff-00000000\n");

        using var dataDir = DataDirectory.Open(_dir, Id);
        var e = Assert.Throws<DataDirectoryException>(() => NodeContext.Create(_settings, dataDir, new SteppableTimeProvider(W)));

        Assert.Equal($"corrupt clock bound file '{BoundPath}': ffffffffffffffff-00000000 is beyond the clock's range (the year 2527)", e.Message);
    }

    [Fact]
    public void A_failed_bound_write_keeps_the_clock_running_reports_not_ready_once_and_recovers()
    {
        var time = new SteppableTimeProvider(W);
        Run(time, context =>
        {
            var written = context.PersistedBound;
            Assert.NotNull(written);
            Directory.CreateDirectory(BoundPath + ".tmp"); // the next write cannot create its temp file

            var line = context.TryPersistClockBound();

            Assert.NotNull(line);
            Assert.StartsWith($"cannot persist the clock bound to '{BoundPath}': ", line);
            Assert.Contains($"timestamps past {written}", line);
            Assert.StartsWith($"cannot persist the clock bound to '{BoundPath}': ", context.Storage.Problem);
            Assert.Equal(written, context.PersistedBound);
            Assert.Null(context.TryPersistClockBound()); // still failing: nothing new to log

            Directory.Delete(BoundPath + ".tmp");
            Assert.Equal($"Clock bound persisted again to '{BoundPath}'", context.TryPersistClockBound());
            Assert.Null(context.Storage.Problem);
            Assert.Null(context.TryPersistClockBound());
        });
    }
}
