using Akka.Cluster;
using Akka.Event;
using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Election;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Stats;
using Xunit;

namespace Solidb.Cluster.Tests.Manager;

/// <summary>Every input of the coordinator and the decisions it makes, on virtual time.</summary>
public sealed class NodeCoordinatorTests
{
    private static readonly NodeId A = NodeId.Parse("node-a");
    private static readonly NodeId B = NodeId.Parse("node-b");
    private static readonly NodeId C = NodeId.Parse("node-c");
    private static readonly ElectionSettings Settings = new() { RejoinAfter = TimeSpan.FromSeconds(15), JoinTimeout = TimeSpan.FromSeconds(15) };
    private static readonly SelfStanding UpStanding = new(Welcomed: true, Up: true);

    private readonly FakeTimeProvider _time = new();
    private readonly NodeCounters _counters;

    public NodeCoordinatorTests() => _counters = new NodeCounters(_time);

    private static ObservedMember M(NodeId id, MemberStatus status, long? uid = null) =>
        new(id, Address(id), uid ?? id.Value[^1], status);

    private static string Address(NodeId id) => $"127.0.0.1:{6700 + id.Value[^1]}";

    private static LeaderInfo Leading(NodeId leader, bool quorum = true, long term = 3) =>
        new(leader, term, new HlcTimestamp(1, 0), quorum, 3, 1) { QuorumSize = 3 };

    private static LeaderInfo NoLeader => LeaderInfo.None with { QuorumSize = 3 };

    /// <summary>What the failure detector sends about a peer that stopped: suspicion, then failure.</summary>
    private static (NodeId, long, HealthSignal)[] Fails(params NodeId[] ids) =>
        [.. ids.Select(id => (id, (long)id.Value[^1], HealthSignal.Suspect)), .. ids.Select(id => (id, (long)id.Value[^1], HealthSignal.Failed))];

    private NodeCoordinator Coordinator(bool rejoinOnly = false) => new(A, _time, Settings, rejoinOnly, _counters);

    /// <summary>A coordinator on node-a in a three-node cluster, every member Up and heard (Active).</summary>
    private NodeCoordinator ThreeActive(LeaderInfo leader)
    {
        var c = Coordinator();
        c.MembersReset([M(A, MemberStatus.Up), M(B, MemberStatus.Up), M(C, MemberStatus.Up)]);
        c.Health([(B, B.Value[^1], HealthSignal.Alive), (C, C.Value[^1], HealthSignal.Alive)]);
        c.LeaderChanged(leader);
        Assert.All(c.Snapshot.Members, m => Assert.Equal(NodeState.Active, m.State));
        return c;
    }

    [Fact]
    public void A_reset_publishes_the_members_and_introduces_this_node_to_every_Up_member()
    {
        var decisions = Coordinator().MembersReset([M(A, MemberStatus.Up), M(B, MemberStatus.Up), M(C, MemberStatus.Joining)]);

        var published = Assert.Single(decisions.OfType<PublishMembership>());
        Assert.Equal([A, B, C], published.Snapshot.Members.Select(m => m.NodeId));
        Assert.Equal([Address(A), Address(B)], decisions.OfType<IntroduceTo>().Select(i => i.Address));
        Assert.Contains(decisions.OfType<LogLine>(), l => l.Text == "Member node-b: (new) -> Joining (joined)");
    }

    [Fact]
    public void A_member_event_publishes_and_only_Up_gets_an_introduction()
    {
        var c = Coordinator();
        c.MembersReset([M(A, MemberStatus.Up)]);

        var joined = c.MemberChanged(M(B, MemberStatus.Joining));
        Assert.Single(joined.OfType<PublishMembership>());
        Assert.Empty(joined.OfType<IntroduceTo>());

        var up = c.MemberChanged(M(B, MemberStatus.Up));
        Assert.Equal(Address(B), Assert.Single(up.OfType<IntroduceTo>()).Address);
    }

    [Fact]
    public void A_first_remote_introduction_is_answered_once_and_a_local_one_never()
    {
        var c = Coordinator();
        c.MembersReset([M(A, MemberStatus.Up), M(B, MemberStatus.Up)]);

        Assert.Single(c.Introduced(B, B.Value[^1], Address(B), "http://b", 1, remote: true).OfType<AnswerIntroduction>());
        Assert.Empty(c.Introduced(B, B.Value[^1], Address(B), "http://b", 1, remote: true).OfType<AnswerIntroduction>());
        Assert.Empty(c.Introduced(A, A.Value[^1], Address(A), "http://a", 1, remote: false).OfType<AnswerIntroduction>());
        Assert.Equal("http://b", c.Snapshot.Find(B)!.HttpAddress);
    }

    [Fact]
    public void Health_signals_move_a_member_to_Unknown_and_Failed_and_the_leader_with_a_quorum_downs_it_by_address_and_uid()
    {
        var c = ThreeActive(Leading(A));

        var suspect = c.Health([(C, C.Value[^1], HealthSignal.Suspect)]);
        Assert.Equal(NodeState.Unknown, Assert.Single(suspect.OfType<PublishMembership>()).Snapshot.Find(C)!.State);
        Assert.Empty(suspect.OfType<DownMember>());

        var failed = c.Health([(C, C.Value[^1], HealthSignal.Failed)]);
        Assert.Equal(new DownMember(C, Address(C), C.Value[^1]), Assert.Single(failed.OfType<DownMember>()));
        Assert.Contains(failed.OfType<LogLine>(), l => l.Text.StartsWith("Downing node-c", StringComparison.Ordinal));

        // Downing repeats at every tick until Akka removes it (Akka's Down is idempotent), logged once.
        var tick = c.Tick(UpStanding);
        Assert.Single(tick.OfType<DownMember>());
        Assert.DoesNotContain(tick.OfType<LogLine>(), l => l.Text.StartsWith("Downing", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("node-b", true)] // another node leads
    [InlineData("node-a", false)] // this node leads without a quorum
    public void A_node_that_does_not_lead_with_a_quorum_downs_nobody(string leader, bool quorum)
    {
        var c = ThreeActive(Leading(NodeId.Parse(leader), quorum));

        Assert.Empty(c.Health(Fails(C)).OfType<DownMember>());
        Assert.Empty(c.Tick(UpStanding).OfType<DownMember>());
        Assert.Empty(c.AkkaUnreachable(M(B, MemberStatus.Up), unreachable: true).OfType<DownMember>());
    }

    [Fact]
    public void A_leader_change_is_published_once()
    {
        var c = ThreeActive(NoLeader);

        Assert.Equal(Leading(B), Assert.Single(c.LeaderChanged(Leading(B)).OfType<PublishLeader>()).Leader);
        Assert.Empty(c.LeaderChanged(Leading(B)).OfType<PublishLeader>());
        Assert.Equal(B, c.Snapshot.Leader);
    }

    [Fact]
    public void The_leader_downs_a_member_Akka_marks_unreachable_that_is_a_quarantine_and_not_one_reachable_again()
    {
        var c = ThreeActive(Leading(A));

        var marked = c.AkkaUnreachable(M(C, MemberStatus.Up), unreachable: true);
        Assert.Equal(new DownMember(C, Address(C), C.Value[^1]), Assert.Single(marked.OfType<DownMember>()));

        var c2 = ThreeActive(Leading(A));
        c2.AkkaUnreachable(M(C, MemberStatus.Up), unreachable: false);
        Assert.Empty(c2.Tick(UpStanding).OfType<DownMember>());
    }

    [Fact]
    public void A_quarantine_of_an_old_incarnation_never_downs_the_new_one()
    {
        var c = ThreeActive(NoLeader);
        c.AkkaUnreachable(M(C, MemberStatus.Up), unreachable: true);
        c.MemberChanged(M(C, MemberStatus.Joining, uid: 1000)); // the restarted node replaces the old incarnation

        Assert.Empty(c.LeaderChanged(Leading(A)).OfType<DownMember>());
    }

    [Fact]
    public void This_node_never_downs_itself_for_Akka_unreachability()
    {
        var c = ThreeActive(Leading(A));
        Assert.Empty(c.AkkaUnreachable(M(A, MemberStatus.Up), unreachable: true).OfType<DownMember>());
    }

    [Fact]
    public void Quarantined_by_a_peer_with_a_quorum_stays_and_without_one_restarts_to_rejoin()
    {
        var stays = ThreeActive(Leading(B));
        var withQuorum = stays.QuarantinedByPeer("127.0.0.1:6798");
        Assert.Empty(withQuorum.OfType<RestartSelf>());
        Assert.Contains(withQuorum.OfType<LogLine>(), l => l.Text.Contains("staying", StringComparison.Ordinal));

        var restarts = ThreeActive(Leading(B, quorum: false));
        var without = restarts.QuarantinedByPeer("127.0.0.1:6798");
        Assert.Equal(new RestartSelf(RestartCause.Quarantined, DownSelf: true), Assert.Single(without.OfType<RestartSelf>()));
        Assert.Equal(RestartCause.Quarantined, restarts.Restarting);
        Assert.Empty(restarts.QuarantinedByPeer("127.0.0.1:6798")); // decided once
    }

    [Fact]
    public void An_isolated_node_restarts_to_rejoin_after_the_whole_rejoin_time_and_only_once()
    {
        var c = ThreeActive(Leading(B));
        c.Health(Fails(B, C));
        c.LeaderChanged(NoLeader);

        Assert.Empty(c.Tick(UpStanding).OfType<RestartSelf>());
        _time.Advance(Settings.RejoinAfter - TimeSpan.FromMilliseconds(1));
        Assert.Empty(c.Tick(UpStanding).OfType<RestartSelf>());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var restart = c.Tick(UpStanding);
        Assert.Equal(new RestartSelf(RestartCause.Isolated, DownSelf: true), Assert.Single(restart.OfType<RestartSelf>()));
        Assert.Contains(restart.OfType<LogLine>(), l => l.Level == LogLevel.WarningLevel && l.Text.Contains("rejoins", StringComparison.Ordinal));

        _time.Advance(Settings.RejoinAfter);
        Assert.Empty(c.Tick(UpStanding));
    }

    [Fact]
    public void A_node_on_the_majority_side_never_restarts_however_long_a_peer_is_failed()
    {
        var c = ThreeActive(Leading(B));
        c.Health(Fails(C));

        for (var i = 0; i < 100; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            Assert.Empty(c.Tick(UpStanding).OfType<RestartSelf>());
        }
    }

    [Fact]
    public void A_join_only_incarnation_not_let_in_restarts_under_the_bootstrap_rule_without_downing_itself()
    {
        var c = Coordinator(rejoinOnly: true);
        var outside = new SelfStanding(Welcomed: false, Up: false);

        _time.Advance(Settings.JoinTimeout - TimeSpan.FromMilliseconds(1));
        Assert.Empty(c.Tick(outside).OfType<RestartSelf>());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(new RestartSelf(RestartCause.JoinTimedOut, DownSelf: false), Assert.Single(c.Tick(outside).OfType<RestartSelf>()));
    }

    [Fact]
    public void A_join_only_incarnation_up_but_never_hearing_a_leader_restarts_rejoin_only_downing_itself()
    {
        var unheard = Coordinator(rejoinOnly: true);
        var heard = Coordinator(rejoinOnly: true);
        heard.LeaderChanged(Leading(B));

        unheard.Tick(UpStanding);
        heard.Tick(UpStanding);
        _time.Advance(Settings.JoinTimeout - TimeSpan.FromMilliseconds(1));
        Assert.Empty(unheard.Tick(UpStanding).OfType<RestartSelf>());
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(new RestartSelf(RestartCause.LeaderUnheard, DownSelf: true), Assert.Single(unheard.Tick(UpStanding).OfType<RestartSelf>()));
        Assert.Empty(heard.Tick(UpStanding).OfType<RestartSelf>());
        Assert.Equal(NextIncarnation.RejoinOnly, Restarts.Decide(new SelfRestartReason(RestartCause.LeaderUnheard)).Next);
    }

    [Fact]
    public void An_incarnation_welcomed_but_never_Up_restarts_downing_itself_and_one_that_was_Up_never_does()
    {
        var welcomed = Coordinator();
        _time.Advance(Settings.JoinTimeout);
        Assert.Equal(new RestartSelf(RestartCause.JoinTimedOut, DownSelf: true),
            Assert.Single(welcomed.Tick(new SelfStanding(Welcomed: true, Up: false)).OfType<RestartSelf>()));

        var wasUp = Coordinator();
        wasUp.Tick(UpStanding);
        _time.Advance(Settings.JoinTimeout * 10);
        Assert.Empty(wasUp.Tick(new SelfStanding(Welcomed: true, Up: false)).OfType<RestartSelf>());
    }

    [Fact]
    public void A_normal_incarnation_that_no_cluster_welcomed_is_left_to_Akkas_join_retries()
    {
        var c = Coordinator();
        _time.Advance(Settings.JoinTimeout * 10);
        Assert.Empty(c.Tick(new SelfStanding(Welcomed: false, Up: false)));
    }

    [Fact]
    public void After_deciding_to_restart_the_node_downs_nobody()
    {
        var c = ThreeActive(Leading(A));
        c.Health(Fails(C));
        c.QuarantinedByPeer("x"); // has a quorum: stays
        var restarting = ThreeActive(Leading(A, quorum: false));
        restarting.QuarantinedByPeer("x");
        restarting.Health(Fails(C));
        restarting.LeaderChanged(Leading(A));

        Assert.Empty(restarting.Tick(UpStanding).OfType<DownMember>());
        Assert.Single(c.Tick(UpStanding).OfType<DownMember>());
    }

    [Fact]
    public void An_impossible_transition_is_rejected_logged_and_counted()
    {
        var c = ThreeActive(NoLeader);
        c.MemberChanged(M(C, MemberStatus.Down));

        var refuted = c.Health([(C, C.Value[^1], HealthSignal.Alive)]);
        Assert.Contains(refuted.OfType<LogLine>(), l => l.Level == LogLevel.WarningLevel && l.Text.StartsWith("Rejected an impossible transition of node-c", StringComparison.Ordinal));
        Assert.Equal(1, _counters.Snapshot().RejectedTransitions);
        Assert.Equal(NodeState.Failed, c.Snapshot.Find(C)!.State);
    }

    [Fact]
    public void Every_node_quarantines_a_member_it_sees_Down_after_the_grace_once_and_never_itself()
    {
        var c = ThreeActive(Leading(B)); // not the leader: Down is final in Akka, whoever downed it
        c.MemberChanged(M(C, MemberStatus.Down));
        c.MemberChanged(M(A, MemberStatus.Down));

        Assert.Empty(c.Tick(UpStanding).OfType<QuarantineMember>());
        _time.Advance(NodeCoordinator.QuarantineDownedAfter - TimeSpan.FromMilliseconds(1));
        Assert.Empty(c.Tick(UpStanding).OfType<QuarantineMember>());
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(new QuarantineMember(C, Address(C), C.Value[^1]), Assert.Single(c.Tick(UpStanding).OfType<QuarantineMember>()));
        _time.Advance(NodeCoordinator.QuarantineDownedAfter);
        Assert.Empty(c.Tick(UpStanding).OfType<QuarantineMember>());
    }

    [Fact]
    public void A_Down_member_removed_within_the_grace_is_not_quarantined()
    {
        var c = ThreeActive(Leading(B));
        c.MemberChanged(M(C, MemberStatus.Down));
        c.MemberChanged(M(C, MemberStatus.Removed));
        _time.Advance(NodeCoordinator.QuarantineDownedAfter);

        Assert.Empty(c.Tick(UpStanding).OfType<QuarantineMember>());
    }

    [Fact]
    public void A_leader_named_before_it_is_a_member_is_in_the_snapshot_once_it_joins_without_a_second_leader_input()
    {
        var c = Coordinator();
        c.MembersReset([M(A, MemberStatus.Up)]);
        c.LeaderChanged(Leading(B)); // the election names B before this node's Akka view lists it
        Assert.Null(c.Snapshot.Leader);

        var joined = c.MemberChanged(M(B, MemberStatus.Up));

        Assert.Equal(B, Assert.Single(joined.OfType<PublishMembership>()).Snapshot.Leader);
    }

    [Fact]
    public void Another_nodes_retired_uid_never_hides_a_member_with_the_same_number()
    {
        var c = Coordinator();
        c.MembersReset([M(A, MemberStatus.Up), M(B, MemberStatus.Up, uid: 7)]);
        c.MemberChanged(M(B, MemberStatus.Removed, uid: 7));

        c.MemberChanged(M(C, MemberStatus.Up, uid: 7)); // a different node whose uid happens to be equal

        Assert.NotNull(c.Snapshot.Find(C));
    }

    [Fact]
    public void A_Joining_member_confirmed_Failed_and_heard_again_before_anyone_downed_it_becomes_Active_once_Up()
    {
        var c = Coordinator();
        c.MembersReset([M(A, MemberStatus.Up), M(B, MemberStatus.Joining)]);
        c.Health(Fails(B));
        Assert.Equal(NodeState.Failed, c.Snapshot.Find(B)!.State);

        c.Health([(B, B.Value[^1], HealthSignal.Alive)]);
        Assert.Equal(NodeState.Joining, c.Snapshot.Find(B)!.State);
        c.MemberChanged(M(B, MemberStatus.Up));

        Assert.Equal(NodeState.Active, c.Snapshot.Find(B)!.State);
    }
}
