using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Election;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Election;

/// <summary>The plausibility bound on terms from the wire, on virtual time (docs/election.md).</summary>
public sealed class TermBoundTests
{
    private static readonly NodeId A = NodeId.Parse("node-a");
    private static readonly NodeId B = NodeId.Parse("node-b");
    private static readonly NodeId C = NodeId.Parse("node-c");
    private static readonly NodeId D = NodeId.Parse("node-d");
    private static readonly NodeId E = NodeId.Parse("node-e");
    private static readonly HashSet<NodeId> Three = [A, B, C];
    private static readonly HashSet<NodeId> Five = [A, B, C, D, E];
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(3);
    private const long Huge = Terms.Max - 1;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    private TermBound Create(long startTerm = 0) => new(Step, _time, startTerm);

    /// <summary>Judges a message whose term is its sender's own, as node C in <paramref name="voters"/> at <paramref name="own"/>.</summary>
    private static TermVerdict Judge(TermBound bound, NodeId from, long term, long own, IReadOnlySet<NodeId>? voters = null) =>
        bound.Judge(from, term, term, own, C, voters ?? Three, (voters ?? Three).Count);

    [Fact]
    public void A_term_one_above_what_another_voter_showed_is_plausible_and_two_above_is_not()
    {
        var bound = Create(5);
        Judge(bound, B, 5, own: 5);

        Assert.Equal(new TermVerdict(TermJudgement.Plausible, 6), Judge(bound, A, 6, own: 5));
        Assert.Equal(new TermVerdict(TermJudgement.Implausible, 6), Judge(bound, A, 7, own: 5));
    }

    [Fact]
    public void The_reported_attack_a_vote_reply_at_two_to_the_62_minus_one_is_implausible()
    {
        var bound = Create(3);
        Judge(bound, B, 3, own: 3);

        Assert.Equal(TermJudgement.Implausible, Judge(bound, A, Huge, own: 3).Judgement);
    }

    [Fact]
    public void A_term_not_above_the_own_term_is_always_plausible()
    {
        var bound = Create(1000);

        Assert.True(Judge(bound, A, 1000, own: 1000).IsPlausible);
        Assert.True(Judge(bound, A, 3, own: 1000).IsPlausible);
    }

    [Fact]
    public void The_senders_own_claims_never_vouch_for_it()
    {
        var bound = Create(5);
        Judge(bound, B, 5, own: 5);
        for (var i = 0; i < 100; i++)
        {
            Judge(bound, A, Huge, own: 5);
            _time.Advance(Step); // its own rise would have settled long ago
        }

        Assert.Equal(TermJudgement.Implausible, Judge(bound, A, 5 + 100 + 2, own: 5).Judgement);
        Assert.True(Judge(bound, A, 5 + 100 + 1, own: 5).IsPlausible); // B's 5, grown by one per election timeout
    }

    [Fact]
    public void Each_election_timeout_since_a_term_was_shown_allows_one_more_term()
    {
        var bound = Create(5);
        Judge(bound, B, 5, own: 5);
        _time.Advance(Step * 10 - TimeSpan.FromTicks(1));

        Assert.Equal(5 + 9 + 1, Judge(bound, A, Huge, own: 5).Ceiling);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(5 + 10 + 1, Judge(bound, A, Huge, own: 5).Ceiling);
    }

    [Fact]
    public void A_rise_of_the_own_term_counts_as_evidence_only_once_it_lasted_an_election_timeout()
    {
        // Three voters, B not heard since it showed 5: only this node's own term can vouch for the next one.
        var bound = Create(5);
        Judge(bound, B, 5, own: 5);
        Assert.Equal(6, Judge(bound, A, 6, own: 5).Ceiling);

        // A's 6 was taken. Another 7 right away: this node's 6 does not vouch for it yet.
        Assert.Equal(new TermVerdict(TermJudgement.Implausible, 6), Judge(bound, A, 7, own: 6));
        _time.Advance(Step - TimeSpan.FromTicks(1));
        Assert.Equal(6, Judge(bound, A, 7, own: 6).Ceiling);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(new TermVerdict(TermJudgement.Plausible, 7), Judge(bound, A, 7, own: 6)); // also B's 5 grown by one
    }

    [Fact]
    public void A_sender_alone_moves_a_node_one_term_per_election_timeout()
    {
        var bound = Create(10);
        Judge(bound, B, 10, own: 10);
        var own = 10L;
        var start = _time.GetTimestamp();
        for (var i = 0; i < 1000; i++)
        {
            own = Math.Max(own, Judge(bound, A, Huge, own).Ceiling); // the node takes the highest plausible term
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var timeouts = _time.GetElapsedTime(start) / Step;
        Assert.InRange((double)(own - 10), timeouts - 2, timeouts + 2);
    }

    [Fact]
    public void A_new_node_at_term_0_meets_a_cluster_at_term_1000_once_one_other_voter_is_heard()
    {
        var bound = Create(0);

        // The leader's heartbeat comes first: nobody has vouched for 1000 yet. Refused, not counted.
        Assert.Equal(TermJudgement.Unproven, Judge(bound, A, 1000, own: 0).Judgement);

        // Another voter's first claim counts at once, the leader's vouches for it in turn.
        Assert.True(Judge(bound, B, 1000, own: 0).IsPlausible);
        Assert.True(Judge(bound, A, 1000, own: 0).IsPlausible);
        Assert.True(Judge(bound, A, 1001, own: 1000).IsPlausible); // and the next election
    }

    [Fact]
    public void A_new_node_whose_only_other_voter_is_the_sender_meets_its_term_at_once()
    {
        var bound = Create(0);
        HashSet<NodeId> two = [A, C];

        Assert.True(Judge(bound, A, 1000, own: 0, two).IsPlausible);
        Assert.Equal(new TermVerdict(TermJudgement.Implausible, TermBound.LoneSlack), Judge(bound, A, Huge, own: 0, two));
    }

    [Fact]
    public void A_restarted_node_meets_the_terms_its_cluster_reached_meanwhile()
    {
        // Restarted at its persisted 40; the others went on to 52 while it was down.
        var bound = Create(40);
        Assert.True(Judge(bound, A, 52, own: 40).IsPlausible); // within the unheard slack

        var far = Create(40);
        Assert.Equal(TermJudgement.Unproven, Judge(far, A, 90, own: 40).Judgement);
        Judge(far, B, 90, own: 40);
        Assert.True(Judge(far, A, 90, own: 40).IsPlausible);
    }

    [Fact]
    public void A_node_back_from_a_partition_meets_the_terms_elected_while_it_was_away()
    {
        var bound = Create(7);
        Judge(bound, A, 7, own: 7);
        Judge(bound, B, 7, own: 7);

        // Cut off for ten minutes, while the others elected (at most one term per election timeout).
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.True(Judge(bound, A, 7 + 200, own: 7).IsPlausible); // B's last 7 grew by 200
        Assert.True(Judge(bound, B, 7 + 200, own: 7).IsPlausible);
    }

    [Fact]
    public void A_term_a_majority_knows_is_plausible_to_a_voter_that_lags()
    {
        // Five voters; A (the candidate), B and D know term 30, E and this node C are still at 20.
        var bound = Create(20);
        Judge(bound, E, 20, own: 20, Five);
        Judge(bound, B, 30, own: 20, Five);
        Judge(bound, D, 30, own: 20, Five);

        Assert.True(Judge(bound, A, 31, own: 20, Five).IsPlausible);
        Assert.Equal(TermJudgement.Implausible, Judge(bound, A, 32, own: 20, Five).Judgement);
    }

    [Fact]
    public void In_five_voters_one_other_voter_alone_does_not_vouch_for_a_sender()
    {
        var bound = Create(20);
        Judge(bound, B, 20, own: 20, Five);
        Judge(bound, E, 20, own: 20, Five);
        Judge(bound, D, Huge, own: 20, Five); // a second liar

        Assert.Equal(new TermVerdict(TermJudgement.Implausible, 21), Judge(bound, A, Huge, own: 20, Five));
        _time.Advance(Step * 10); // B's and E's 20: ten elections could have happened since
        Assert.True(Judge(bound, A, 31, own: 20, Five).IsPlausible);
    }


    [Fact]
    public void A_stream_from_one_sender_relayed_by_the_others_gains_one_term_per_relay()
    {
        // Worst case: B took every term A made this node take, and shows it a heartbeat later.
        var bound = Create(10);
        Judge(bound, B, 10, own: 10);
        var own = 10L;
        for (var relay = 1; relay <= 100; relay++)
        {
            for (var i = 0; i < 10; i++)
            {
                own = Math.Max(own, Judge(bound, A, Huge, own).Ceiling);
                _time.Advance(TimeSpan.FromMilliseconds(100));
            }

            Judge(bound, B, own, own);
        }

        Assert.InRange(own - 10, 100, 101); // 100 relay rounds of a second: a term each (and no more)
    }

    [Fact]
    public void Voters_that_left_no_longer_vouch()
    {
        var bound = Create(5);
        HashSet<NodeId> withD = [A, C, D];
        Judge(bound, D, 500, own: 5, withD);

        Assert.True(Judge(bound, A, 500, own: 5, withD).IsPlausible);
        Assert.Equal(TermJudgement.Unproven, Judge(bound, A, 500, own: 5, Three).Judgement); // D left, B joined and is not heard yet
    }
}
