using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Election;
using Solidb.Cluster.Health;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Manager;

public sealed class StatusBoardTests : IDisposable
{
    private static readonly NodeId Id = NodeId.Parse("node1");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "solidb-sb-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Nothing_before_the_supervisor_publishes_then_the_status_of_the_latest_view_built_when_read()
    {
        using var dataDir = DataDirectory.Open(_dir, Id);
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-29T12:00:00Z"));
        var node = NodeContext.Create(ClusterSettings.FromConfig(SolidbConfig.Reference), dataDir, time);
        var members = new MembershipSnapshot(4, [new MemberView(Id, node.Address, 1, NodeState.Active)], Id);
        var leader = new LeaderInfo(Id, 2, new HlcTimestamp(9, 0), true, 1, 0);

        Assert.Null(node.Board.Status(node));
        Assert.Null(node.Board.Leader);
        node.Board.Publish(members, HealthStats.Empty, leader);
        var first = node.Board.Status(node)!;
        time.Advance(TimeSpan.FromSeconds(1));
        node.Board.Publish(members with { Version = 5 }, HealthStats.Empty, leader with { Term = 3 });
        var second = node.Board.Status(node)!;

        Assert.Equal((4L, 2L, NodeState.Active), (first.MembershipVersion, first.Election.Term, first.State));
        Assert.Equal((5L, 3L), (second.MembershipVersion, node.Board.Leader!.Term));
        Assert.True(second.Hlc > first.Hlc); // built when read: the timestamp is the node's now
    }
}
