using Akka.Event;
using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Clock.Sync;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Election;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Stats;
using Xunit;

namespace Solidb.Cluster.Tests.Manager;

/// <summary>The coordinator's clock decisions on virtual time: the error line, the stop, never a restart.</summary>
public sealed class ClockWatchTests
{
    private static readonly TimeSpan Beat = TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider _time = new();

    private static Dictionary<string, OffsetEstimate> Behind3s => new()
    {
        ["10.0.0.2:6745"] = new(-3000, 1, 0),
        ["10.0.0.3:6745"] = new(-3000, 1, 0),
    };

    private static Dictionary<string, OffsetEstimate> Agreeing => new()
    {
        ["10.0.0.2:6745"] = new(5, 1, 0),
        ["10.0.0.3:6745"] = new(-5, 1, 0),
    };

    private List<Decision> Run(ClockWatch watch, Dictionary<string, OffsetEstimate> readings, int ticks, int voters = 3)
    {
        var all = new List<Decision>();
        for (var i = 0; i < ticks; i++)
        {
            all.AddRange(watch.Evaluate(readings, voters));
            _time.Advance(Beat);
        }

        return all;
    }

    [Fact]
    public void Out_of_sync_says_so_in_one_error_line_repeated_at_most_once_a_minute()
    {
        var watch = new ClockWatch(_time, new ClockSettings());

        var first = Run(watch, Behind3s, 3);
        var error = Assert.Single(first.OfType<LogLine>());
        Assert.Equal(LogLevel.ErrorLevel, error.Level);
        Assert.StartsWith("clock is 3000 ms ahead of the majority of the cluster (max offset 500 ms): fix time synchronisation on this host", error.Text);
        Assert.False(first.OfType<PublishClock>().Last().Status.InSync);

        Assert.Empty(Run(watch, Behind3s, 59).OfType<LogLine>());
        Assert.Single(Run(watch, Behind3s, 1).OfType<LogLine>());
    }

    [Fact]
    public void With_isolate_a_skewed_node_is_never_stopped_nor_restarted()
    {
        var watch = new ClockWatch(_time, new ClockSettings());

        var decisions = Run(watch, Behind3s, 600); // ten minutes

        Assert.Empty(decisions.OfType<StopForClockSkew>());
        Assert.Empty(decisions.OfType<RestartSelf>());
    }

    [Fact]
    public void With_stop_the_node_stops_once_after_the_skew_grace()
    {
        var watch = new ClockWatch(_time, new ClockSettings { OnSkew = SkewAction.Stop, SkewGrace = TimeSpan.FromSeconds(30) });

        var early = Run(watch, Behind3s, 32); // out of sync from the third tick: 29 s of grace spent
        Assert.Empty(early.OfType<StopForClockSkew>());
        Assert.Contains("stopping in 30s (solidb.clock.on-skew = stop)", early.OfType<LogLine>().Single().Text);

        var stop = Run(watch, Behind3s, 1).OfType<StopForClockSkew>().Single();
        Assert.StartsWith("clock is 3000 ms ahead", stop.Problem);
        Assert.Empty(Run(watch, Behind3s, 10).OfType<StopForClockSkew>());
    }

    [Fact]
    public void A_clock_fixed_within_the_grace_is_not_stopped_and_the_node_says_it_is_back()
    {
        var watch = new ClockWatch(_time, new ClockSettings { OnSkew = SkewAction.Stop, SkewGrace = TimeSpan.FromSeconds(30) });
        Run(watch, Behind3s, 10);

        var back = Run(watch, Agreeing, 3);
        Assert.Contains(back.OfType<LogLine>(), l => l.Level == LogLevel.InfoLevel && l.Text.StartsWith("clock is back in sync"));
        Assert.True(back.OfType<PublishClock>().Last().Status.InSync);
        Assert.Empty(Run(watch, Agreeing, 60).OfType<StopForClockSkew>());
    }

    [Fact]
    public void With_two_voters_it_only_warns_at_most_once_a_minute()
    {
        var watch = new ClockWatch(_time, new ClockSettings());
        var oneBehind = new Dictionary<string, OffsetEstimate> { ["10.0.0.2:6745"] = new(-3000, 1, 0) };

        var decisions = Run(watch, oneBehind, 61, voters: 2);

        Assert.All(decisions.OfType<PublishClock>(), p => Assert.True(p.Status.InSync));
        Assert.Equal(2, decisions.OfType<LogLine>().Count(l => l.Level == LogLevel.WarningLevel && l.Text.Contains("only warns")));
        Assert.DoesNotContain(decisions.OfType<LogLine>(), l => l.Level == LogLevel.ErrorLevel);
    }
}

/// <summary>The clock inside the coordinator: no restart from skew, no fencing token while out of sync.</summary>
public sealed class CoordinatorClockTests
{
    private static readonly NodeId A = NodeId.Parse("node-a");
    private static readonly NodeId B = NodeId.Parse("node-b");
    private static readonly NodeId C = NodeId.Parse("node-c");
    private static readonly SelfStanding Up = new(Welcomed: true, Up: true);
    private readonly FakeTimeProvider _time = new();

    private static Dictionary<string, OffsetEstimate> PeersAt(double offsetMs) => new()
    {
        ["127.0.0.1:6798"] = new(offsetMs, 1, 0),
        ["127.0.0.1:6799"] = new(offsetMs, 1, 0),
    };

    private NodeCoordinator ThreeActive(NodeId leader)
    {
        var c = new NodeCoordinator(A, _time, new ElectionSettings(), rejoinOnly: false, new NodeCounters(_time), new ClockSettings(), configuredNodes: 3);
        c.MembersReset([new(A, "127.0.0.1:6797", 1, Akka.Cluster.MemberStatus.Up), new(B, "127.0.0.1:6798", 2, Akka.Cluster.MemberStatus.Up),
            new(C, "127.0.0.1:6799", 3, Akka.Cluster.MemberStatus.Up)]);
        c.Health([(B, 2, HealthSignal.Alive), (C, 3, HealthSignal.Alive)]);
        c.LeaderChanged(new LeaderInfo(leader, 4, new HlcTimestamp(1, 0), true, 3, 1) { QuorumSize = 3 });
        return c;
    }

    [Fact]
    public void A_skewed_node_loses_its_fencing_token_and_gets_it_back_once_in_sync_and_is_never_restarted()
    {
        var c = ThreeActive(B);
        Assert.Null(c.Leader.Token); // three configured nodes: no token before the first estimate
        Assert.NotNull(Assert.Single(c.Tick(Up, PeersAt(5)).OfType<PublishLeader>()).Leader.Token);

        var decisions = new List<Decision>();
        for (var i = 0; i < 120; i++)
        {
            decisions.AddRange(c.Tick(Up, PeersAt(-3000)));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.False(c.Clock.InSync);
        Assert.Null(c.Leader.Token);
        Assert.Equal(B, c.Leader.Leader); // it still follows the leader, it only hands out no token
        Assert.Null(Assert.Single(decisions.OfType<PublishLeader>()).Leader.Token);
        Assert.Empty(decisions.OfType<RestartSelf>());
        Assert.Empty(decisions.OfType<DownMember>());
        Assert.Null(c.Restarting);

        // A leader change while out of sync carries no token either.
        c.LeaderChanged(new LeaderInfo(C, 5, new HlcTimestamp(2, 0), true, 3, 1) { QuorumSize = 3 });
        Assert.Null(c.Leader.Token);

        var back = new List<Decision>();
        for (var i = 0; i < 3; i++)
        {
            back.AddRange(c.Tick(Up, PeersAt(0)));
        }

        Assert.True(c.Clock.InSync);
        Assert.NotNull(Assert.Single(back.OfType<PublishLeader>()).Leader.Token);
    }
}
