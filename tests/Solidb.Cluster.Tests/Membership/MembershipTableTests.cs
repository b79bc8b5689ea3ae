using Akka.Cluster;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Membership;

public sealed class MembershipTableTests
{
    private static readonly NodeId A = NodeId.Parse("node-a");
    private static readonly NodeId B = NodeId.Parse("node-b");
    private static readonly NodeId C = NodeId.Parse("node-c");

    private const string AddressA = "127.0.0.1:6745";
    private const string AddressB = "127.0.0.1:6755";
    private const string AddressC = "127.0.0.1:6765";

    private const long UidA = 100;
    private const long UidB = 200;
    private const long UidB2 = 201;
    private const long UidC = 300;

    private readonly MembershipTable _table = new(A);

    private static ObservedMember Member(NodeId id, long uid, MemberStatus status) =>
        new(id, AddressOf(id), uid, status);

    private static string AddressOf(NodeId id) =>
        id == A ? AddressA : id == B ? AddressB : id == C ? AddressC : throw new ArgumentOutOfRangeException(nameof(id));

    private NodeState? StateOf(NodeId id) => _table.Snapshot.Find(id)?.State;

    private TableChange Observe(NodeId id, long uid, MemberStatus status) => _table.Observe(Member(id, uid, status));

    /// <summary>B joins, is Up and heard: Active.</summary>
    private void ActivateB(long uid = UidB)
    {
        Observe(B, uid, MemberStatus.Joining);
        Observe(B, uid, MemberStatus.Up);
        _table.Health(B, uid, HealthSignal.Alive);
        Assert.Equal(NodeState.Active, StateOf(B));
    }

    /// <summary>B Active, then suspected: Unknown.</summary>
    private void SuspectB()
    {
        ActivateB();
        _table.Health(B, UidB, HealthSignal.Suspect);
        Assert.Equal(NodeState.Unknown, StateOf(B));
    }

    /// <summary>B Active, suspected, then confirmed: Failed.</summary>
    private void FailB()
    {
        SuspectB();
        _table.Health(B, UidB, HealthSignal.Failed);
        Assert.Equal(NodeState.Failed, StateOf(B));
    }

    private void Bring(NodeState state)
    {
        switch (state)
        {
            case NodeState.Joining:
                Observe(B, UidB, MemberStatus.Joining);
                break;
            case NodeState.Active:
                ActivateB();
                break;
            case NodeState.Unknown:
                SuspectB();
                break;
            case NodeState.Failed:
                FailB();
                break;
            case NodeState.Leaving:
                ActivateB();
                Observe(B, UidB, MemberStatus.Leaving);
                break;
        }

        Assert.Equal(state, StateOf(B));
    }

    [Fact]
    public void A_new_table_has_an_empty_snapshot_at_version_0()
    {
        Assert.Equal(A, _table.Self);
        Assert.Equal(0, _table.Snapshot.Version);
        Assert.Empty(_table.Snapshot.Members);
        Assert.Null(_table.Snapshot.Leader);
    }

    [Fact]
    public void Observe_of_a_new_member_adds_it_as_Joining()
    {
        var change = Observe(B, UidB, MemberStatus.Joining);

        var member = Assert.Single(change.Snapshot.Members);
        Assert.Equal(new MemberView(B, AddressB, UidB, NodeState.Joining), member);
        var applied = Assert.Single(change.Applied);
        Assert.Equal((B, (NodeState?)null, (NodeState?)NodeState.Joining), (applied.NodeId, applied.From, applied.To));
        Assert.Empty(change.Rejected);
        Assert.Equal(UidB, _table.UidOf(B));
    }

    [Fact]
    public void Up_without_a_heartbeat_keeps_a_peer_Joining()
    {
        Observe(B, UidB, MemberStatus.Joining);
        var change = Observe(B, UidB, MemberStatus.Up);

        Assert.Equal(NodeState.Joining, StateOf(B));
        Assert.Empty(change.Applied);
        Assert.Empty(change.Rejected);
    }

    [Fact]
    public void A_peer_first_seen_Up_is_Joining_until_heard()
    {
        Observe(B, UidB, MemberStatus.Up);
        Assert.Equal(NodeState.Joining, StateOf(B));

        _table.Health(B, UidB, HealthSignal.Alive);
        Assert.Equal(NodeState.Active, StateOf(B));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Up_and_Alive_make_a_peer_Active_in_either_order(bool upFirst)
    {
        Observe(B, UidB, MemberStatus.Joining);

        TableChange last;
        if (upFirst)
        {
            Observe(B, UidB, MemberStatus.Up);
            Assert.Equal(NodeState.Joining, StateOf(B));
            last = _table.Health(B, UidB, HealthSignal.Alive);
        }
        else
        {
            _table.Health(B, UidB, HealthSignal.Alive);
            Assert.Equal(NodeState.Joining, StateOf(B));
            last = Observe(B, UidB, MemberStatus.Up);
        }

        Assert.Equal(NodeState.Active, StateOf(B));
        var applied = Assert.Single(last.Applied);
        Assert.Equal((B, (NodeState?)NodeState.Joining, (NodeState?)NodeState.Active), (applied.NodeId, applied.From, applied.To));
    }

    [Fact]
    public void Alive_alone_keeps_a_peer_Joining()
    {
        Observe(B, UidB, MemberStatus.Joining);
        var change = _table.Health(B, UidB, HealthSignal.Alive);

        Assert.Equal(NodeState.Joining, StateOf(B));
        Assert.Empty(change.Applied);
    }

    [Fact]
    public void Self_Up_is_Active_without_a_heartbeat()
    {
        Observe(A, UidA, MemberStatus.Joining);
        Assert.Equal(NodeState.Joining, StateOf(A));

        var change = Observe(A, UidA, MemberStatus.Up);

        Assert.Equal(NodeState.Active, StateOf(A));
        var applied = Assert.Single(change.Applied);
        Assert.Equal((NodeState?)NodeState.Active, applied.To);
    }

    [Fact]
    public void Health_signals_about_self_are_ignored()
    {
        Observe(A, UidA, MemberStatus.Up);
        var before = _table.Snapshot;

        foreach (var signal in Enum.GetValues<HealthSignal>())
        {
            var change = _table.Health(A, UidA, signal);
            Assert.Empty(change.Applied);
            Assert.Empty(change.Rejected);
        }

        Assert.Equal(NodeState.Active, StateOf(A));
        Assert.Equal(before.Version, _table.Snapshot.Version);
    }

    [Theory]
    [InlineData(NodeState.Joining)]
    [InlineData(NodeState.Active)]
    public void Suspect_moves_a_Joining_or_Active_peer_to_Unknown(NodeState from)
    {
        Bring(from);

        var change = _table.Health(B, UidB, HealthSignal.Suspect);

        Assert.Equal(NodeState.Unknown, StateOf(B));
        var applied = Assert.Single(change.Applied);
        Assert.Equal(((NodeState?)from, (NodeState?)NodeState.Unknown), (applied.From, applied.To));
    }

    [Fact]
    public void Suspect_on_an_Unknown_peer_changes_nothing()
    {
        Bring(NodeState.Unknown);
        var version = _table.Snapshot.Version;

        var change = _table.Health(B, UidB, HealthSignal.Suspect);

        Assert.Empty(change.Applied);
        Assert.Empty(change.Rejected);
        Assert.Equal(version, change.Snapshot.Version);
    }

    [Fact]
    public void Alive_after_Unknown_refutes_the_suspicion_back_to_Active()
    {
        Bring(NodeState.Unknown);

        var change = _table.Health(B, UidB, HealthSignal.Alive);

        Assert.Equal(NodeState.Active, StateOf(B));
        var applied = Assert.Single(change.Applied);
        Assert.Equal(((NodeState?)NodeState.Unknown, (NodeState?)NodeState.Active), (applied.From, applied.To));
    }

    [Fact]
    public void Failed_after_Unknown_moves_to_Failed()
    {
        Bring(NodeState.Unknown);

        var change = _table.Health(B, UidB, HealthSignal.Failed);

        Assert.Equal(NodeState.Failed, StateOf(B));
        var applied = Assert.Single(change.Applied);
        Assert.Equal(((NodeState?)NodeState.Unknown, (NodeState?)NodeState.Failed), (applied.From, applied.To));
        Assert.Empty(change.Rejected);
    }

    [Theory]
    [InlineData(NodeState.Active)]
    [InlineData(NodeState.Joining)]
    public void Failed_without_a_prior_suspicion_is_rejected_and_reported(NodeState from)
    {
        Bring(from);
        var version = _table.Snapshot.Version;

        var change = _table.Health(B, UidB, HealthSignal.Failed);

        Assert.Equal(from, StateOf(B));
        Assert.Empty(change.Applied);
        Assert.Equal(new RejectedTransition(B, from, NodeState.Failed, TransitionCause.ConfirmedFailed), Assert.Single(change.Rejected));
        Assert.Equal(version, change.Snapshot.Version);
    }

    [Theory]
    [InlineData(NodeState.Joining, MemberStatus.Leaving)]
    [InlineData(NodeState.Joining, MemberStatus.Exiting)]
    [InlineData(NodeState.Active, MemberStatus.Leaving)]
    [InlineData(NodeState.Active, MemberStatus.Exiting)]
    [InlineData(NodeState.Unknown, MemberStatus.Leaving)]
    [InlineData(NodeState.Unknown, MemberStatus.Exiting)]
    public void Leaving_or_Exiting_moves_a_live_member_to_Leaving(NodeState from, MemberStatus status)
    {
        Bring(from);

        var change = Observe(B, UidB, status);

        Assert.Equal(NodeState.Leaving, StateOf(B));
        var applied = Assert.Single(change.Applied);
        Assert.Equal(((NodeState?)from, (NodeState?)NodeState.Leaving), (applied.From, applied.To));
    }

    [Fact]
    public void Exiting_after_Leaving_changes_nothing()
    {
        Bring(NodeState.Leaving);
        var version = _table.Snapshot.Version;

        var change = Observe(B, UidB, MemberStatus.Exiting);

        Assert.Equal(NodeState.Leaving, StateOf(B));
        Assert.Empty(change.Applied);
        Assert.Empty(change.Rejected);
        Assert.Equal(version, change.Snapshot.Version);
    }

    [Fact]
    public void Leaving_on_a_Failed_member_is_rejected_and_it_stays_Failed()
    {
        Bring(NodeState.Failed);

        var change = Observe(B, UidB, MemberStatus.Leaving);

        Assert.Equal(NodeState.Failed, StateOf(B));
        Assert.Equal(new RejectedTransition(B, NodeState.Failed, NodeState.Leaving, TransitionCause.Left), Assert.Single(change.Rejected));
    }

    [Fact]
    public void A_leaving_member_ignores_every_health_signal_and_is_never_Failed_by_the_detector()
    {
        Bring(NodeState.Leaving);
        var version = _table.Snapshot.Version;

        foreach (var signal in new[] { HealthSignal.Suspect, HealthSignal.Failed, HealthSignal.Alive, HealthSignal.Failed })
        {
            var change = _table.Health(B, UidB, signal);
            Assert.Empty(change.Applied);
            Assert.Empty(change.Rejected);
        }

        Assert.Equal(NodeState.Leaving, StateOf(B));
        Assert.Equal(version, _table.Snapshot.Version);
    }

    [Theory]
    [InlineData(NodeState.Joining)]
    [InlineData(NodeState.Active)]
    [InlineData(NodeState.Unknown)]
    [InlineData(NodeState.Leaving)]
    public void Down_moves_any_live_state_to_Failed(NodeState from)
    {
        Bring(from);

        var change = Observe(B, UidB, MemberStatus.Down);

        Assert.Equal(NodeState.Failed, StateOf(B));
        var applied = Assert.Single(change.Applied);
        Assert.Equal(((NodeState?)from, (NodeState?)NodeState.Failed), (applied.From, applied.To));
        Assert.Empty(change.Rejected);
    }

    [Fact]
    public void Down_of_a_Failed_member_keeps_it_Failed_and_marks_it_downed()
    {
        Bring(NodeState.Failed);
        var version = _table.Snapshot.Version;

        var change = Observe(B, UidB, MemberStatus.Down);

        Assert.Empty(change.Applied);
        Assert.Empty(change.Rejected);
        Assert.Equal(version + 1, change.Snapshot.Version);
        Assert.True(change.Snapshot.Find(B)!.Downed);
    }

    [Theory]
    [InlineData(NodeState.Joining)]
    [InlineData(NodeState.Active)]
    [InlineData(NodeState.Unknown)]
    [InlineData(NodeState.Leaving)]
    [InlineData(NodeState.Failed)]
    public void Removed_removes_the_member_whatever_its_state(NodeState from)
    {
        Bring(from);

        var change = Observe(B, UidB, MemberStatus.Removed);

        Assert.Null(change.Snapshot.Find(B));
        Assert.Null(_table.UidOf(B));
        var applied = Assert.Single(change.Applied);
        Assert.Equal((B, (NodeState?)from, (NodeState?)null), (applied.NodeId, applied.From, applied.To));
    }

    [Fact]
    public void Removed_of_a_member_never_seen_changes_nothing()
    {
        var change = Observe(B, UidB, MemberStatus.Removed);

        Assert.Empty(change.Snapshot.Members);
        Assert.Empty(change.Applied);
        Assert.Equal(0, change.Snapshot.Version);
    }

    [Fact]
    public void A_removed_incarnation_does_not_come_back_on_a_late_event()
    {
        Bring(NodeState.Active);
        Observe(B, UidB, MemberStatus.Removed);

        var change = Observe(B, UidB, MemberStatus.Up);

        Assert.Null(change.Snapshot.Find(B));
        Assert.Empty(change.Applied);
    }

    [Fact]
    public void Alive_on_a_downed_member_is_rejected_and_it_stays_Failed()
    {
        Bring(NodeState.Failed);
        Observe(B, UidB, MemberStatus.Down);
        var version = _table.Snapshot.Version;

        var change = _table.Health(B, UidB, HealthSignal.Alive);

        Assert.Equal(NodeState.Failed, StateOf(B));
        Assert.Empty(change.Applied);
        Assert.Equal(new RejectedTransition(B, NodeState.Failed, NodeState.Active, TransitionCause.Refuted), Assert.Single(change.Rejected));
        Assert.Equal(version, change.Snapshot.Version);
    }

    [Fact]
    public void Alive_on_a_Failed_member_nobody_downed_makes_it_Active_again()
    {
        Bring(NodeState.Failed);

        var change = _table.Health(B, UidB, HealthSignal.Alive);

        Assert.Equal(NodeState.Active, StateOf(B));
        Assert.Empty(change.Rejected);
        Assert.Equal(new Transition(B, NodeState.Failed, NodeState.Active, "heard again before it was downed"), Assert.Single(change.Applied));
    }

    [Fact]
    public void Suspect_and_Failed_on_a_Failed_member_change_nothing()
    {
        Bring(NodeState.Failed);

        Assert.Empty(_table.Health(B, UidB, HealthSignal.Suspect).Applied);
        var change = _table.Health(B, UidB, HealthSignal.Failed);

        Assert.Empty(change.Applied);
        Assert.Empty(change.Rejected);
        Assert.Equal(NodeState.Failed, StateOf(B));
    }

    [Theory]
    [InlineData(NodeState.Failed)]
    [InlineData(NodeState.Unknown)]
    [InlineData(NodeState.Active)]
    public void A_new_incarnation_replaces_the_entry_with_Joining_then_becomes_Active_with_Up_and_Alive(NodeState old)
    {
        Bring(old);

        var joined = Observe(B, UidB2, MemberStatus.Joining);

        Assert.Equal(new MemberView(B, AddressB, UidB2, NodeState.Joining), joined.Snapshot.Find(B));
        Assert.Equal(UidB2, _table.UidOf(B));
        var replaced = Assert.Single(joined.Applied);
        Assert.Equal(((NodeState?)old, (NodeState?)NodeState.Joining), (replaced.From, replaced.To));

        // The old incarnation's Up and heartbeat do not carry over.
        Observe(B, UidB2, MemberStatus.Up);
        Assert.Equal(NodeState.Joining, StateOf(B));

        var alive = _table.Health(B, UidB2, HealthSignal.Alive);
        Assert.Equal(NodeState.Active, StateOf(B));
        var admitted = Assert.Single(alive.Applied);
        Assert.Equal(((NodeState?)NodeState.Joining, (NodeState?)NodeState.Active), (admitted.From, admitted.To));
    }

    [Fact]
    public void A_new_incarnation_first_seen_Up_still_needs_a_heartbeat()
    {
        Bring(NodeState.Failed);

        Observe(B, UidB2, MemberStatus.Up);
        Assert.Equal(NodeState.Joining, StateOf(B));

        _table.Health(B, UidB2, HealthSignal.Alive);
        Assert.Equal(NodeState.Active, StateOf(B));
    }

    [Theory]
    [InlineData(MemberStatus.Removed)]
    [InlineData(MemberStatus.Down)]
    [InlineData(MemberStatus.Up)]
    [InlineData(MemberStatus.Leaving)]
    [InlineData(MemberStatus.Exiting)]
    [InlineData(MemberStatus.Joining)]
    public void Late_events_for_a_replaced_incarnation_are_ignored(MemberStatus late)
    {
        Bring(NodeState.Failed);
        Observe(B, UidB2, MemberStatus.Joining);
        Observe(B, UidB2, MemberStatus.Up);
        _table.Health(B, UidB2, HealthSignal.Alive);
        var before = _table.Snapshot;

        var change = Observe(B, UidB, late);

        Assert.Equal(new MemberView(B, AddressB, UidB2, NodeState.Active) { Admitted = true }, change.Snapshot.Find(B));
        Assert.Empty(change.Applied);
        Assert.Empty(change.Rejected);
        Assert.Equal(before.Version, change.Snapshot.Version);
    }

    [Theory]
    [InlineData(MemberStatus.Removed)]
    [InlineData(MemberStatus.Down)]
    public void Down_or_Removed_of_another_incarnation_does_not_touch_the_current_one(MemberStatus status)
    {
        Bring(NodeState.Active);

        var change = Observe(B, UidB2, status);

        Assert.Equal(new MemberView(B, AddressB, UidB, NodeState.Active) { Admitted = true }, change.Snapshot.Find(B));
        Assert.Empty(change.Applied);

        // That incarnation is retired: it cannot join afterwards.
        Observe(B, UidB2, MemberStatus.Joining);
        Assert.Equal(UidB, _table.UidOf(B));
    }

    [Theory]
    [InlineData(HealthSignal.Alive)]
    [InlineData(HealthSignal.Suspect)]
    [InlineData(HealthSignal.Failed)]
    public void Health_signals_with_a_stale_uid_are_ignored(HealthSignal signal)
    {
        Bring(NodeState.Unknown);
        Observe(B, UidB2, MemberStatus.Joining);
        var version = _table.Snapshot.Version;

        var change = _table.Health(B, UidB, signal);

        Assert.Equal(NodeState.Joining, StateOf(B));
        Assert.Empty(change.Applied);
        Assert.Empty(change.Rejected);
        Assert.Equal(version, change.Snapshot.Version);
    }

    [Fact]
    public void A_heartbeat_with_a_stale_uid_does_not_count_towards_admitting_the_new_incarnation()
    {
        Bring(NodeState.Failed);
        Observe(B, UidB2, MemberStatus.Joining);

        _table.Health(B, UidB, HealthSignal.Alive);
        Observe(B, UidB2, MemberStatus.Up);

        Assert.Equal(NodeState.Joining, StateOf(B));
    }

    [Fact]
    public void Health_signals_about_a_non_member_are_ignored()
    {
        var change = _table.Health(C, UidC, HealthSignal.Failed);

        Assert.Empty(change.Snapshot.Members);
        Assert.Empty(change.Applied);
        Assert.Empty(change.Rejected);
        Assert.Equal(0, change.Snapshot.Version);
    }

    [Fact]
    public void Snapshot_versions_grow_by_one_per_change_and_stay_equal_when_nothing_changes()
    {
        // (input, whether the published view changes)
        var steps = new List<(Func<TableChange> Input, bool Changes)>
        {
            (() => Observe(A, UidA, MemberStatus.Joining), true),
            (() => Observe(A, UidA, MemberStatus.Joining), false),
            (() => Observe(A, UidA, MemberStatus.Up), true),
            (() => Observe(B, UidB, MemberStatus.Joining), true),
            (() => Observe(B, UidB, MemberStatus.Up), true), // still Joining (not heard), but admitted: it votes now
            (() => _table.Health(B, UidB, HealthSignal.Alive), true),
            (() => _table.Health(B, UidB, HealthSignal.Alive), false),
            (() => _table.SetLeader(AddressA), true),
            (() => _table.SetLeader(AddressA), false),
            (() => _table.Health(B, UidB, HealthSignal.Suspect), true),
            (() => _table.Health(B, UidB, HealthSignal.Suspect), false),
            (() => _table.Health(B, UidB, HealthSignal.Failed), true),
            (() => _table.Health(B, UidB, HealthSignal.Alive), true), // nobody downed it: Active again
            (() => _table.Introduced(A, UidA, AddressA, "http://127.0.0.1:6746", 3), true),
            (() => _table.Introduced(A, UidA, AddressA, "http://127.0.0.1:6746", 3), false),
            (() => _table.Introduced(A, UidA, AddressB, "http://elsewhere:1", 9), false), // wrong address
            (() => Observe(B, UidB, MemberStatus.Removed), true),
            (() => Observe(B, UidB, MemberStatus.Removed), false),
            (() => _table.SetLeader(AddressB), true), // A no longer leader; B not a member: leader becomes null
            (() => _table.SetLeader(AddressC), false), // still no leader among members
            (() => Observe(C, UidC, MemberStatus.Joining), true), // C joins and is the leader at once
        };

        var previous = _table.Snapshot;
        for (var i = 0; i < steps.Count; i++)
        {
            var change = steps[i].Input();
            Assert.Same(_table.Snapshot, change.Snapshot);
            var expected = previous.Version + (steps[i].Changes ? 1 : 0);
            Assert.True(expected == change.Snapshot.Version, $"step {i}: version {change.Snapshot.Version}, expected {expected}");
            Assert.Equal(steps[i].Changes, change.Changed(previous));
            if (!steps[i].Changes)
            {
                Assert.Same(previous, change.Snapshot);
            }

            previous = change.Snapshot;
        }

        Assert.Equal(C, _table.Snapshot.Leader);
    }

    [Fact]
    public void Members_are_listed_in_node_id_order()
    {
        Observe(C, UidC, MemberStatus.Joining);
        Observe(A, UidA, MemberStatus.Joining);
        Observe(B, UidB, MemberStatus.Joining);

        Assert.Equal([A, B, C], _table.Snapshot.Members.Select(m => m.NodeId));
    }

    [Fact]
    public void The_leader_maps_from_its_address_to_its_node_id()
    {
        Observe(A, UidA, MemberStatus.Up);
        Observe(B, UidB, MemberStatus.Joining);

        Assert.Equal(B, _table.SetLeader(AddressB).Snapshot.Leader);
        Assert.Equal(A, _table.SetLeader(AddressA).Snapshot.Leader);
        Assert.Null(_table.SetLeader(null).Snapshot.Leader);
        Assert.Null(_table.SetLeader("127.0.0.1:9999").Snapshot.Leader);
    }

    [Fact]
    public void A_leader_address_known_before_its_member_is_resolved_once_the_member_appears()
    {
        _table.SetLeader(AddressB);
        Assert.Null(_table.Snapshot.Leader);

        Observe(B, UidB, MemberStatus.Joining);

        Assert.Equal(B, _table.Snapshot.Leader);
    }

    [Fact]
    public void The_leader_is_cleared_when_its_member_is_removed()
    {
        Observe(B, UidB, MemberStatus.Up);
        _table.SetLeader(AddressB);

        Observe(B, UidB, MemberStatus.Removed);

        Assert.Null(_table.Snapshot.Leader);
    }

    [Fact]
    public void Introduced_records_the_http_address_and_incarnation_when_the_address_matches()
    {
        Observe(B, UidB, MemberStatus.Joining);

        var change = _table.Introduced(B, UidB, AddressB, "http://127.0.0.1:6756", 7);

        var b = change.Snapshot.Find(B)!;
        Assert.Equal("http://127.0.0.1:6756", b.HttpAddress);
        Assert.Equal(7, b.Incarnation);
        Assert.Equal(NodeState.Joining, b.State);
    }

    [Fact]
    public void Introduced_is_ignored_when_the_address_does_not_match()
    {
        Observe(B, UidB, MemberStatus.Joining);
        var version = _table.Snapshot.Version;

        var change = _table.Introduced(B, UidB, AddressC, "http://evil:1", 7);

        var b = change.Snapshot.Find(B)!;
        Assert.Null(b.HttpAddress);
        Assert.Equal(0, b.Incarnation);
        Assert.Equal(version, change.Snapshot.Version);
    }

    [Fact]
    public void Introduced_for_a_non_member_is_ignored()
    {
        var change = _table.Introduced(B, UidB, AddressB, "http://127.0.0.1:6756", 7);

        Assert.Empty(change.Snapshot.Members);
        Assert.Equal(0, change.Snapshot.Version);
    }

    [Fact]
    public void A_new_incarnation_starts_without_the_old_introduction()
    {
        Observe(B, UidB, MemberStatus.Up);
        _table.Introduced(B, UidB, AddressB, "http://127.0.0.1:6756", 7);

        Observe(B, UidB2, MemberStatus.Joining);

        var b = _table.Snapshot.Find(B)!;
        Assert.Null(b.HttpAddress);
        Assert.Equal(0, b.Incarnation);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Reset_with_two_incarnations_of_one_node_id_picks_the_Joining_one(bool newcomerFirst)
    {
        var old = Member(B, UidB, MemberStatus.Down);
        var newcomer = Member(B, UidB2, MemberStatus.Joining);
        ObservedMember[] members = newcomerFirst
            ? [Member(A, UidA, MemberStatus.Up), newcomer, old]
            : [Member(A, UidA, MemberStatus.Up), old, newcomer];

        var change = _table.Reset(members, AddressA);

        Assert.Equal(new MemberView(B, AddressB, UidB2, NodeState.Joining), change.Snapshot.Find(B));
        Assert.Equal(NodeState.Active, change.Snapshot.Find(A)!.State);
        Assert.Equal(A, change.Snapshot.Leader);
    }

    [Fact]
    public void Reset_with_a_WeaklyUp_newcomer_picks_it_over_the_old_Up_incarnation()
    {
        var change = _table.Reset([Member(B, UidB, MemberStatus.Up), Member(B, UidB2, MemberStatus.WeaklyUp)], null);

        Assert.Equal(UidB2, change.Snapshot.Find(B)!.Uid);
    }

    [Fact]
    public void Reset_removes_members_no_longer_present_and_keeps_health_knowledge_of_the_others()
    {
        Observe(A, UidA, MemberStatus.Up);
        Bring(NodeState.Unknown);
        Observe(C, UidC, MemberStatus.Up);
        _table.Health(C, UidC, HealthSignal.Alive);

        var change = _table.Reset([Member(A, UidA, MemberStatus.Up), Member(B, UidB, MemberStatus.Up)], AddressB);

        Assert.Equal([A, B], change.Snapshot.Members.Select(m => m.NodeId));
        Assert.Equal(NodeState.Unknown, change.Snapshot.Find(B)!.State);
        Assert.Equal(B, change.Snapshot.Leader);
        var removed = Assert.Single(change.Applied);
        Assert.Equal((C, (NodeState?)NodeState.Active, (NodeState?)null), (removed.NodeId, removed.From, removed.To));
    }

    [Fact]
    public void Reset_keeps_a_heartbeat_heard_before_it()
    {
        Observe(B, UidB, MemberStatus.Joining);
        _table.Health(B, UidB, HealthSignal.Alive);

        _table.Reset([Member(B, UidB, MemberStatus.Up)], null);

        Assert.Equal(NodeState.Active, StateOf(B));
    }

    [Fact]
    public void Reset_with_an_unchanged_view_changes_nothing()
    {
        _table.Reset([Member(A, UidA, MemberStatus.Up), Member(B, UidB, MemberStatus.Joining)], AddressA);
        var before = _table.Snapshot;

        var change = _table.Reset([Member(A, UidA, MemberStatus.Up), Member(B, UidB, MemberStatus.Joining)], AddressA);

        Assert.Empty(change.Applied);
        Assert.Same(before, change.Snapshot);
    }

    [Fact]
    public void Applied_lists_every_transition_of_one_input_in_order()
    {
        Observe(A, UidA, MemberStatus.Up);
        Bring(NodeState.Active);

        var change = _table.Reset([Member(A, UidA, MemberStatus.Up), Member(B, UidB2, MemberStatus.Up), Member(C, UidC, MemberStatus.Joining)], null);

        Assert.Equal(
            [(B, NodeState.Active, NodeState.Joining), (C, null, NodeState.Joining)],
            change.Applied.Select(t => (t.NodeId, t.From, t.To)).ToArray<(NodeId, NodeState?, NodeState?)>());
        Assert.All(change.Applied, t => Assert.False(string.IsNullOrWhiteSpace(t.Why)));
    }

    [Fact]
    public void Applied_and_Rejected_are_reported_once_only()
    {
        Bring(NodeState.Active);
        var rejected = _table.Health(B, UidB, HealthSignal.Failed);
        Assert.Single(rejected.Rejected);

        var next = _table.SetLeader(null);

        Assert.Empty(next.Applied);
        Assert.Empty(next.Rejected);
        Assert.Single(rejected.Rejected);
    }

    [Fact]
    public void A_suspected_Joining_peer_that_is_heard_again_is_not_Active_before_Akka_reports_it_Up()
    {
        Observe(B, UidB, MemberStatus.Joining);
        _table.Health(B, UidB, HealthSignal.Suspect);
        Assert.Equal(NodeState.Unknown, StateOf(B));

        _table.Health(B, UidB, HealthSignal.Alive);

        Assert.Equal(NodeState.Joining, StateOf(B));
        _table.Observe(new ObservedMember(B, AddressB, UidB, MemberStatus.Up));
        Assert.Equal(NodeState.Active, StateOf(B));
    }

    [Fact]
    public void An_introduction_that_overtakes_the_join_event_is_applied_when_the_member_appears()
    {
        _table.Introduced(B, UidB, AddressB, "http://127.0.0.1:6756", 2);
        Assert.Null(_table.Snapshot.Find(B));

        var change = Observe(B, UidB, MemberStatus.Joining);

        Assert.Equal("http://127.0.0.1:6756", change.Snapshot.Find(B)!.HttpAddress);
        Assert.Equal(2, change.Snapshot.Find(B)!.Incarnation);
    }

    [Fact]
    public void An_early_introduction_from_another_incarnation_is_not_applied()
    {
        _table.Introduced(B, UidB2, AddressB, "http://127.0.0.1:6756", 2);

        var change = Observe(B, UidB, MemberStatus.Joining);

        Assert.Null(change.Snapshot.Find(B)!.HttpAddress);
    }
}
