using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Membership;

public sealed class NodeTransitionsTests
{
    /// <summary>The documented table, written out one move per line.</summary>
    private static readonly HashSet<(NodeState From, NodeState To, TransitionCause Cause)> Allowed =
    [
        (NodeState.Joining, NodeState.Active, TransitionCause.Admitted),
        (NodeState.Joining, NodeState.Unknown, TransitionCause.Suspected),
        (NodeState.Active, NodeState.Unknown, TransitionCause.Suspected),
        (NodeState.Unknown, NodeState.Active, TransitionCause.Refuted),
        (NodeState.Unknown, NodeState.Joining, TransitionCause.Refuted),
        (NodeState.Failed, NodeState.Active, TransitionCause.Refuted),
        (NodeState.Failed, NodeState.Joining, TransitionCause.Refuted),
        (NodeState.Unknown, NodeState.Failed, TransitionCause.ConfirmedFailed),
        (NodeState.Joining, NodeState.Leaving, TransitionCause.Left),
        (NodeState.Active, NodeState.Leaving, TransitionCause.Left),
        (NodeState.Unknown, NodeState.Leaving, TransitionCause.Left),
        (NodeState.Joining, NodeState.Failed, TransitionCause.Downed),
        (NodeState.Active, NodeState.Failed, TransitionCause.Downed),
        (NodeState.Unknown, NodeState.Failed, TransitionCause.Downed),
        (NodeState.Leaving, NodeState.Failed, TransitionCause.Downed),
    ];

    private static IEnumerable<(NodeState From, NodeState To, TransitionCause Cause)> AllTriples() =>
        from f in Enum.GetValues<NodeState>()
        from t in Enum.GetValues<NodeState>()
        from c in Enum.GetValues<TransitionCause>()
        select (f, t, c);

    [Fact]
    public void The_enumeration_covers_5_states_squared_times_6_causes()
    {
        Assert.Equal(5, Enum.GetValues<NodeState>().Length);
        Assert.Equal(6, Enum.GetValues<TransitionCause>().Length);
        Assert.Equal(150, AllTriples().Count());
    }

    [Fact]
    public void IsAllowed_accepts_exactly_the_documented_table_and_rejects_every_other_triple()
    {
        var allowedByCode = AllTriples().Where(t => NodeTransitions.IsAllowed(t.From, t.To, t.Cause)).ToHashSet();

        var unexpectedlyAllowed = allowedByCode.Except(Allowed).ToList();
        var unexpectedlyRejected = Allowed.Except(allowedByCode).ToList();
        Assert.True(unexpectedlyAllowed.Count == 0, "allowed but not in the table: " + string.Join(", ", unexpectedlyAllowed));
        Assert.True(unexpectedlyRejected.Count == 0, "in the table but rejected: " + string.Join(", ", unexpectedlyRejected));
        Assert.Equal(15, allowedByCode.Count);
    }

    [Fact]
    public void Failed_leads_only_back_to_Active_or_Joining_when_refuted()
    {
        foreach (var to in Enum.GetValues<NodeState>())
        {
            foreach (var cause in Enum.GetValues<TransitionCause>())
            {
                var expected = to is NodeState.Active or NodeState.Joining && cause == TransitionCause.Refuted;
                Assert.Equal(expected, NodeTransitions.IsAllowed(NodeState.Failed, to, cause));
            }
        }
    }

    [Fact]
    public void No_state_moves_to_itself()
    {
        foreach (var state in Enum.GetValues<NodeState>())
        {
            foreach (var cause in Enum.GetValues<TransitionCause>())
            {
                Assert.False(NodeTransitions.IsAllowed(state, state, cause), $"{state} -> {state} by {cause}");
            }
        }
    }

    [Fact]
    public void Only_a_refuted_suspicion_or_failure_of_a_member_never_admitted_moves_back_to_Joining()
    {
        foreach (var from in Enum.GetValues<NodeState>())
        {
            foreach (var cause in Enum.GetValues<TransitionCause>())
            {
                var expected = from is NodeState.Unknown or NodeState.Failed && cause == TransitionCause.Refuted;
                Assert.Equal(expected, NodeTransitions.IsAllowed(from, NodeState.Joining, cause));
            }
        }
    }

    [Theory]
    [InlineData(NodeState.Active)]
    [InlineData(NodeState.Joining)]
    [InlineData(NodeState.Leaving)]
    public void The_detector_confirms_failure_only_from_Unknown(NodeState from)
    {
        Assert.False(NodeTransitions.IsAllowed(from, NodeState.Failed, TransitionCause.ConfirmedFailed));
        Assert.True(NodeTransitions.IsAllowed(NodeState.Unknown, NodeState.Failed, TransitionCause.ConfirmedFailed));
    }

    [Fact]
    public void A_leaving_member_is_never_suspected_refuted_or_admitted()
    {
        foreach (var to in Enum.GetValues<NodeState>())
        {
            Assert.False(NodeTransitions.IsAllowed(NodeState.Leaving, to, TransitionCause.Suspected));
            Assert.False(NodeTransitions.IsAllowed(NodeState.Leaving, to, TransitionCause.Refuted));
            Assert.False(NodeTransitions.IsAllowed(NodeState.Leaving, to, TransitionCause.Admitted));
            Assert.False(NodeTransitions.IsAllowed(NodeState.Leaving, to, TransitionCause.ConfirmedFailed));
        }
    }
}
