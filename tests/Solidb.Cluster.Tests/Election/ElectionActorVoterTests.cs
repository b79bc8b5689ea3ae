using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Election;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Election;

/// <summary>
/// The election actor believes leadership claims and check-quorum answers only from voters: a
/// member that is not admitted (or any other id) cannot move this node's term or name a leader.
/// </summary>
public sealed class ElectionActorVoterTests() : TestKit(ConfigurationFactory.ParseString("""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        """).WithFallback(SolidbConfig.Reference)), IDisposable
{
    private static readonly NodeId Self = NodeId.Parse("node1");
    private static readonly NodeId Voter = NodeId.Parse("node2");
    private static readonly NodeId Joining = NodeId.Parse("node3");

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "solidb-eav-" + Guid.NewGuid().ToString("N"));

    void IDisposable.Dispose()
    {
        Shutdown();
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task A_non_voter_claiming_leadership_in_a_higher_term_changes_nothing_and_is_counted()
    {
        using var dataDir = DataDirectory.Open(_dir, Self);
        var node = NodeContext.Create(ClusterSettings.FromConfig(SolidbConfig.Reference), dataDir, TimeProvider.System);
        var election = ChildActorOf(ElectionActor.Props(node));
        election.Tell(new MembershipChanged(new MembershipSnapshot(1,
        [
            new MemberView(Self, "127.0.0.1:1", 1, NodeState.Active) { Admitted = true },
            new MemberView(Voter, "127.0.0.1:2", 2, NodeState.Active) { Admitted = true },
            new MemberView(Joining, "127.0.0.1:3", 3, NodeState.Joining),
        ], null)));
        await FishForMessageAsync<LeaderInfo>(i => i.Voters == 2);
        var stamp = node.Clock.Now();

        election.Tell(new HeartbeatObserved(Joining, 1_000, true, stamp));
        election.Tell(new HeartbeatAckObserved(Joining, 2_000));
        election.Tell(new HeartbeatObserved(NodeId.Parse("ghost"), 3_000, true, stamp));
        // A voter's claim, after them: it is the first change this node publishes.
        election.Tell(new HeartbeatObserved(Voter, 5, true, stamp));

        var info = await FishForMessageAsync<LeaderInfo>(i => i.Leader is not null);
        Assert.Equal(Voter, info.Leader);
        Assert.Equal(5, info.Term);
        Assert.Equal(3, node.Counters.Snapshot().Rejections["not_a_voter"]);
    }

    [Fact]
    public async Task A_voter_sending_a_term_no_election_could_have_produced_changes_nothing_and_is_counted_as_implausible_term()
    {
        using var dataDir = DataDirectory.Open(_dir, Self);
        var node = NodeContext.Create(ClusterSettings.FromConfig(SolidbConfig.Reference), dataDir, TimeProvider.System);
        var election = ChildActorOf(ElectionActor.Props(node));
        var other = NodeId.Parse("node4");
        election.Tell(new MembershipChanged(new MembershipSnapshot(1,
        [
            new MemberView(Self, "127.0.0.1:1", 1, NodeState.Active) { Admitted = true },
            new MemberView(Voter, "127.0.0.1:2", 2, NodeState.Active) { Admitted = true },
            new MemberView(other, "127.0.0.1:4", 4, NodeState.Active) { Admitted = true },
        ], null)));
        await FishForMessageAsync<LeaderInfo>(i => i.Voters == 3);
        var stamp = node.Clock.Now();
        election.Tell(new HeartbeatAckObserved(other, 0)); // node4 is heard, in term 0

        election.Tell(new HeartbeatObserved(Voter, Terms.Max - 1, true, stamp));
        election.Tell(new HeartbeatAckObserved(Voter, Terms.Max - 1));
        // The same voter's real claim, after them: it is the first change this node publishes.
        election.Tell(new HeartbeatObserved(Voter, 1, true, stamp));

        var info = await FishForMessageAsync<LeaderInfo>(i => i.Leader is not null);
        Assert.Equal((Voter, 1L), (info.Leader!.Value, info.Term));
        Assert.Equal(2, node.Counters.Snapshot().Rejections["implausible_term"]);
    }
}
