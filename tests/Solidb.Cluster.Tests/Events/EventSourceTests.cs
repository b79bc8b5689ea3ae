using System.Collections.Immutable;
using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Client.Models;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Clock.Sync;
using Solidb.Cluster.Election;
using Solidb.Cluster.Events;
using Solidb.Cluster.Health;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Events;

public sealed class EventSourceTests
{
    private static readonly NodeId A = NodeId.Parse("node-a");
    private static readonly NodeId B = NodeId.Parse("node-b");
    private readonly EventSource _source = new(A);
    private long _version;

    private MembershipSnapshot Members(params MemberView[] members) => new(++_version, [.. members], null);

    private static MemberView B_(NodeState state, long incarnation = 2, long uid = 22) => new(B, "10.0.0.2:6745", uid, state) { Incarnation = incarnation };

    [Fact]
    public void A_member_is_announced_once_its_incarnation_is_known_then_each_state_change_names_from_to_and_why()
    {
        Assert.Empty(_source.Membership(Members(B_(NodeState.Joining, incarnation: 0))));

        var joined = _source.Membership(Members(B_(NodeState.Joining)));
        var up = _source.Membership(Members(B_(NodeState.Active)));
        var suspected = _source.Membership(Members(B_(NodeState.Unknown)));
        var failed = _source.Membership(Members(B_(NodeState.Failed)));

        Assert.Equal(new MemberJoinedEvent("node-b", "10.0.0.2:6745", 2), Assert.Single(joined));
        Assert.Equal(new MemberStateChangedEvent("node-b", MemberState.Joining, MemberState.Active, "admitted"), Assert.Single(up));
        Assert.Equal(new MemberStateChangedEvent("node-b", MemberState.Active, MemberState.Unknown, "missed heartbeats: suspected"), Assert.Single(suspected));
        Assert.Equal(MemberState.Failed, Assert.IsType<MemberStateChangedEvent>(Assert.Single(failed)).To);
        Assert.Empty(_source.Membership(Members(B_(NodeState.Failed))));
    }

    [Fact]
    public void A_member_first_seen_already_Active_is_joined_then_changed_from_Joining()
    {
        var events = _source.Membership(Members(B_(NodeState.Active)));

        Assert.Equal(["member_joined", "member_state_changed"], events.Select(e => e.Type));
        Assert.Equal(MemberState.Joining, ((MemberStateChangedEvent)events[1]).From);
    }

    [Fact]
    public void A_removed_member_or_a_new_incarnation_in_its_place_is_member_removed_with_the_old_incarnation()
    {
        _source.Membership(Members(B_(NodeState.Active)));

        var replaced = _source.Membership(Members(B_(NodeState.Joining, incarnation: 3, uid: 33)));
        var removed = _source.Membership(Members());

        Assert.Equal(["member_removed", "member_joined"], replaced.Select(e => e.Type));
        Assert.Equal(new MemberRemovedEvent("node-b", 2), replaced[0]);
        Assert.Equal(new MemberRemovedEvent("node-b", 3), Assert.Single(removed));
    }

    [Fact]
    public void A_downed_member_is_Failed_because_downed()
    {
        _source.Membership(Members(B_(NodeState.Active)));

        var e = Assert.Single(_source.Membership(Members(B_(NodeState.Failed) with { Downed = true })));

        Assert.Equal("downed", ((MemberStateChangedEvent)e).Reason);
    }

    [Fact]
    public void Leader_changed_only_when_leader_term_or_quorum_changes()
    {
        var first = _source.Leader(new LeaderInfo(A, 1, new HlcTimestamp(5, 0), true, 3, 1));
        var same = _source.Leader(new LeaderInfo(A, 1, new HlcTimestamp(5, 0), true, 3, 1) { QuorumSize = 3 });
        var lost = _source.Leader(new LeaderInfo(A, 1, new HlcTimestamp(5, 0), false, 3, 1));
        var none = _source.Leader(new LeaderInfo(null, 2, null, false, 3, 1));

        Assert.Equal(new LeaderChangedEvent("node-a", 1, new HlcTimestamp(5, 0).ToString(), true), Assert.Single(first));
        Assert.Empty(same);
        Assert.False(((LeaderChangedEvent)Assert.Single(lost)).HasQuorum);
        Assert.Equal(new LeaderChangedEvent(null, 2, null, false), Assert.Single(none));
    }

    [Fact]
    public void Suspicion_is_raised_once_refuted_when_alive_again_and_not_refuted_after_failure()
    {
        var stats = new HealthStats(
            ImmutableDictionary<NodeId, PeerHealth>.Empty.Add(B, new PeerHealth(B, 22, HealthSignal.Suspect, 0, 2, null, false)),
            ImmutableDictionary<NodeId, ImmutableArray<NodeId>>.Empty.Add(B, [A]));

        var raised = _source.Health([(B, 22, HealthSignal.Suspect)], stats);
        var again = _source.Health([(B, 22, HealthSignal.Suspect)], stats);
        var refuted = _source.Health([(B, 22, HealthSignal.Alive)], stats);
        _source.Health([(B, 22, HealthSignal.Suspect)], stats);
        var failed = _source.Health([(B, 22, HealthSignal.Failed)], stats);
        var aliveAfterFailure = _source.Health([(B, 22, HealthSignal.Alive)], stats);

        var r = Assert.IsType<SuspicionRaisedEvent>(Assert.Single(raised));
        Assert.Equal(("node-b", 2), (r.NodeId, r.MissedHeartbeats));
        Assert.Equal(["node-a"], r.ObservedBy);
        Assert.Empty(again);
        Assert.IsType<SuspicionRefutedEvent>(Assert.Single(refuted));
        Assert.Empty(failed);
        Assert.Empty(aliveAfterFailure);
    }

    [Fact]
    public void Clock_skew_when_this_node_or_a_member_goes_out_of_sync_and_when_back()
    {
        var max = TimeSpan.FromMilliseconds(500);
        var members = Members(B_(NodeState.Active));
        var peerOut = new ClockStatus(true, 10, max, new HashSet<string> { "10.0.0.2:6745" });
        var selfOut = new ClockStatus(false, 3001.4, max, new HashSet<string> { "10.0.0.2:6745" });
        var allIn = new ClockStatus(true, 3, max, new HashSet<string>());

        var a = _source.Clock(peerOut, members, _ => -2999.6);
        var b = _source.Clock(peerOut, members, _ => -2999.6);
        var c = _source.Clock(selfOut, members, _ => -2999.6);
        var d = _source.Clock(allIn, members, _ => 1);

        Assert.Equal(new ClockSkewEvent("node-b", -3000, 500, false), Assert.Single(a));
        Assert.Empty(b);
        Assert.Equal(new ClockSkewEvent("node-a", 3001, 500, false), Assert.Single(c));
        Assert.Equal([new ClockSkewEvent("node-a", 3, 500, true), new ClockSkewEvent("node-b", 1, 500, true)], d);
    }
}
