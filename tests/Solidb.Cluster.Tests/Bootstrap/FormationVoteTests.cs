using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Bootstrap;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Bootstrap;

/// <summary>The formation vote's rules (voter, candidate, founder), on virtual time.</summary>
public sealed class FormationVoteTests
{
    private static readonly FormationTiming Timing = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5),
        TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1));

    private readonly FakeTimeProvider _time = new();

    private static string A(int n) => $"10.0.0.{n}:6745";

    private static NodeId Id(int n) => NodeId.Parse($"node{n}");

    private static List<string> Configured(int count) => [.. Enumerable.Range(1, count).Select(A)];

    private FormationVote Node(int n, int configured = 3, MemoryPromiseStore? store = null, bool rejoinOnly = false) =>
        new(_time, new Random(n), store ?? new MemoryPromiseStore(), A(n), Id(n), Configured(configured), Timing, rejoinOnly);

    private static void AllAnswer(FormationVote vote, int self, int configured, bool member = false, long round = 0)
    {
        foreach (var peer in Enumerable.Range(1, configured).Where(p => p != self))
        {
            vote.Answer(A(peer), member, round, promisedElsewhere: false);
        }
    }

    [Fact]
    public void The_lowest_address_stands_at_once_when_every_configured_node_answered_and_forms_with_one_more_promise()
    {
        var store = new MemoryPromiseStore();
        var node1 = Node(1, store: store);
        AllAnswer(node1, 1, 3);

        var outcome = node1.Tick(selfInSync: true);

        Assert.Equal((FormationStep.Stand, 1L), (outcome.Step, outcome.Round));
        Assert.Equal(new FormationPromise(1, Id(1), A(1)), store.Saved); // promised itself before asking
        Assert.True(node1.Granted(A(2), 1, granted: true));
    }

    [Fact]
    public void A_node_with_a_higher_address_waits_its_rank_before_standing()
    {
        var node3 = Node(3);
        AllAnswer(node3, 3, 3);
        Assert.Equal(FormationStep.Wait, node3.Tick(true).Step);

        _time.Advance(TimeSpan.FromSeconds(2.5)); // rank 2: 2 s plus jitter below 250 ms
        AllAnswer(node3, 3, 3);
        Assert.Equal(FormationStep.Stand, node3.Tick(true).Step);
    }

    [Fact]
    public void A_bare_majority_stands_only_after_the_patience()
    {
        var node2 = Node(2, configured: 3);
        node2.Answer(A(3), false, 0, false);
        _time.Advance(TimeSpan.FromSeconds(2));
        node2.Answer(A(3), false, 0, false);
        Assert.Equal(FormationStep.Wait, node2.Tick(true).Step);

        _time.Advance(TimeSpan.FromSeconds(3));
        node2.Answer(A(3), false, 0, false);
        Assert.Equal(FormationStep.Wait, node2.Tick(true).Step); // eligible now: it waits its rank (1 s plus jitter)

        _time.Advance(TimeSpan.FromSeconds(1.5));
        node2.Answer(A(3), false, 0, false);
        Assert.Equal(FormationStep.Stand, node2.Tick(true).Step);
    }

    [Fact]
    public void A_minority_never_stands_and_a_peer_in_a_cluster_means_join()
    {
        var node1 = Node(1, configured: 5);
        node1.Answer(A(2), false, 0, false);
        _time.Advance(TimeSpan.FromMinutes(1));
        node1.Answer(A(2), false, 0, false);
        Assert.Equal(FormationStep.Wait, node1.Tick(true).Step);

        AllAnswer(node1, 1, 5);
        node1.Answer(A(4), member: true, 0, false);
        var outcome = node1.Tick(true);
        Assert.Equal((FormationStep.JoinExisting, A(4)), (outcome.Step, outcome.Member));
    }

    [Fact]
    public void A_voter_grants_one_candidate_per_round_and_persists_the_promise_before_granting()
    {
        var store = new MemoryPromiseStore();
        var voter = Node(3, store: store);

        Assert.True(voter.Vote(A(1), Id(1), 1, inCluster: false, true, true).Granted);
        Assert.Equal(new FormationPromise(1, Id(1), A(1)), store.Saved);
        Assert.False(voter.Vote(A(2), Id(2), 1, false, true, true).Granted);
        Assert.False(voter.Vote(A(2), Id(2), 2, false, true, true).Granted); // a higher round does not break a live promise
        Assert.True(voter.Vote(A(1), Id(1), 1, false, true, true).Granted); // a lost reply: the same candidate is granted again
        Assert.Equal(new FormationPromise(1, Id(1), A(1)), store.Saved);
    }

    [Fact]
    public void A_voter_whose_store_fails_grants_nothing_and_does_not_stand()
    {
        var store = new MemoryPromiseStore { Fails = true };
        var voter = Node(1, store: store);

        var grant = voter.Vote(A(2), Id(2), 1, false, true, true);
        AllAnswer(voter, 1, 3);

        Assert.False(grant.Granted);
        Assert.Contains("no space left on device", grant.Why);
        Assert.Equal(FormationStep.Wait, voter.Tick(true).Step);
        Assert.Equal(FormationPromise.None, store.Saved);
        Assert.NotNull(voter.Problem);

        store.Fails = false;
        Assert.True(voter.Vote(A(2), Id(2), 1, false, true, true).Granted);
        Assert.Null(voter.Problem);
    }

    [Fact]
    public void A_member_never_grants_and_an_older_round_is_refused()
    {
        var voter = Node(3);
        Assert.False(voter.Vote(A(1), Id(1), 1, inCluster: true, true, true).Granted);

        Assert.True(voter.Vote(A(1), Id(1), 5, false, true, true).Granted);
        _time.Advance(Timing.Lease);
        Assert.False(voter.Vote(A(2), Id(2), 4, false, true, true).Granted);
        Assert.True(voter.Vote(A(2), Id(2), 6, false, true, true).Granted);
    }

    [Fact]
    public void A_skewed_voter_or_candidate_gets_no_promise_and_a_skewed_node_does_not_stand()
    {
        var voter = Node(3);
        Assert.False(voter.Vote(A(1), Id(1), 1, false, selfInSync: false, candidateInSync: true).Granted);
        Assert.False(voter.Vote(A(1), Id(1), 1, false, selfInSync: true, candidateInSync: false).Granted);

        var node1 = Node(1);
        AllAnswer(node1, 1, 3);
        Assert.Equal(FormationStep.Wait, node1.Tick(selfInSync: false).Step);
        Assert.Equal(FormationStep.Stand, node1.Tick(selfInSync: true).Step);
    }

    [Fact]
    public void A_rejoin_only_incarnation_never_stands_but_still_votes()
    {
        var node1 = Node(1, rejoinOnly: true);
        for (var i = 0; i < 40; i++)
        {
            AllAnswer(node1, 1, 3);
            Assert.Equal(FormationStep.Wait, node1.Tick(true).Step);
            _time.Advance(Timing.QueryInterval);
        }

        Assert.True(node1.Vote(A(2), Id(2), 1, false, true, true).Granted);
    }

    [Fact]
    public void Of_two_competing_candidates_only_the_one_with_a_majority_forms()
    {
        var (node1, node2, node3) = (Node(1), Node(2), Node(3));
        AllAnswer(node1, 1, 3);
        AllAnswer(node2, 2, 3);
        Assert.Equal(FormationStep.Stand, node1.Tick(true).Step);
        Assert.Equal(FormationStep.Wait, node2.Tick(true).Step); // its turn comes 1 s later...
        _time.Advance(TimeSpan.FromSeconds(1.5));
        AllAnswer(node2, 2, 3);
        Assert.Equal(FormationStep.Stand, node2.Tick(true).Step); // ...and node1's request never reached it

        // node3 hears node2 first; node1 and node2 each refuse the other (each promised itself).
        var toNode2 = node3.Vote(A(2), Id(2), 1, false, true, true);
        var toNode1 = node3.Vote(A(1), Id(1), 1, false, true, true);
        Assert.False(node1.Vote(A(2), Id(2), 1, false, true, true).Granted);
        Assert.False(node2.Vote(A(1), Id(1), 1, false, true, true).Granted);

        Assert.True(node2.Granted(A(3), 1, toNode2.Granted));
        Assert.False(node1.Granted(A(3), 1, toNode1.Granted));
        _time.Advance(Timing.Window);
        Assert.Equal(FormationStep.GiveUp, node1.Tick(true).Step);
    }

    [Fact]
    public void Lost_replies_are_made_up_by_a_retried_request_within_the_deadline()
    {
        var node1 = Node(1, configured: 5);
        AllAnswer(node1, 1, 5);
        Assert.Equal(FormationStep.Stand, node1.Tick(true).Step);

        Assert.False(node1.Granted(A(2), 1, true));
        Assert.False(node1.Granted(A(2), 1, true)); // the same voter twice counts once
        Assert.False(node1.Granted(A(3), 0, true)); // a grant of another round does not count
        Assert.True(node1.Granted(A(4), 1, true));
    }

    [Fact]
    public void Promises_that_arrive_after_the_deadline_do_not_count()
    {
        var node1 = Node(1);
        AllAnswer(node1, 1, 3);
        node1.Tick(true);

        _time.Advance(Timing.Window);

        Assert.False(node1.Granted(A(2), 1, true));
        Assert.Equal(FormationStep.GiveUp, node1.Tick(true).Step);
    }

    [Fact]
    public void After_a_dead_candidates_lease_the_others_form_in_a_higher_round()
    {
        var (node2, node3) = (Node(2), Node(3));
        Assert.True(node2.Vote(A(1), Id(1), 1, false, true, true).Granted);
        Assert.True(node3.Vote(A(1), Id(1), 1, false, true, true).Granted); // node1 then died

        _time.Advance(TimeSpan.FromSeconds(6));
        AllAnswerBut(node2, 2, 1);
        Assert.Equal(FormationStep.Wait, node2.Tick(true).Step); // its promise to node1 still binds
        Assert.False(node3.Vote(A(2), Id(2), 2, false, true, true).Granted);

        _time.Advance(TimeSpan.FromSeconds(4));
        AllAnswerBut(node2, 2, 1);
        Assert.Equal(FormationStep.Wait, node2.Tick(true).Step); // free, but it waits its turn (rank 1: 1 s plus jitter)

        _time.Advance(TimeSpan.FromSeconds(1.5));
        AllAnswerBut(node2, 2, 1);
        var outcome = node2.Tick(true);
        Assert.Equal((FormationStep.Stand, 2L), (outcome.Step, outcome.Round));
        Assert.True(node2.Granted(A(3), 2, node3.Vote(A(2), Id(2), 2, false, true, true).Granted));
    }

    private static void AllAnswerBut(FormationVote vote, int self, int missing)
    {
        foreach (var peer in Enumerable.Range(1, 3).Where(p => p != self && p != missing))
        {
            vote.Answer(A(peer), false, 1, false);
        }
    }

    [Fact]
    public void A_restarted_voter_keeps_its_persisted_promise_for_a_whole_lease_from_its_start()
    {
        var store = new MemoryPromiseStore();
        Assert.True(Node(3, store: store).Vote(A(1), Id(1), 4, false, true, true).Granted);
        _time.Advance(TimeSpan.FromSeconds(9));

        var restarted = Node(3, store: store);

        Assert.Equal(4, restarted.MaxRound);
        Assert.False(restarted.Vote(A(2), Id(2), 5, false, true, true).Granted);
        _time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.False(restarted.Vote(A(2), Id(2), 5, false, true, true).Granted);
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(restarted.Vote(A(2), Id(2), 5, false, true, true).Granted);
    }

    [Fact]
    public void A_node_that_hears_a_live_promise_elsewhere_does_not_stand()
    {
        var node1 = Node(1);
        node1.Answer(A(2), false, 1, promisedElsewhere: true);
        node1.Answer(A(3), false, 1, promisedElsewhere: false);
        Assert.Equal(FormationStep.Wait, node1.Tick(true).Step);

        node1.Answer(A(2), false, 1, promisedElsewhere: false);
        var outcome = node1.Tick(true);
        Assert.Equal((FormationStep.Stand, 2L), (outcome.Step, outcome.Round)); // above every round it heard
    }

    [Fact]
    public void A_candidate_that_gave_up_stands_again_only_after_its_own_promise_expired_in_a_higher_round()
    {
        var node1 = Node(1);
        AllAnswer(node1, 1, 3);
        node1.Tick(true);
        _time.Advance(Timing.Window);
        Assert.Equal(FormationStep.GiveUp, node1.Tick(true).Step);

        _time.Advance(Timing.Lease / 2 - TimeSpan.FromMilliseconds(1));
        AllAnswer(node1, 1, 3);
        Assert.Equal(FormationStep.Wait, node1.Tick(true).Step);

        _time.Advance(Timing.RankDelay + TimeSpan.FromMilliseconds(1));
        AllAnswer(node1, 1, 3);
        var outcome = node1.Tick(true);
        Assert.Equal((FormationStep.Stand, 2L), (outcome.Step, outcome.Round));
    }

    [Fact]
    public void A_founder_checks_half_a_lease_after_asking_and_abandons_without_a_majority_up()
    {
        var node1 = Node(1, configured: 5);
        AllAnswer(node1, 1, 5);
        node1.Tick(true);
        _time.Advance(TimeSpan.FromSeconds(1));
        node1.Granted(A(2), 1, true);
        Assert.True(node1.Granted(A(3), 1, true));

        Assert.Equal(Timing.Window - TimeSpan.FromSeconds(1), node1.CheckDue);
        Assert.True(node1.ShouldAbandon(upConfigured: 2));
        Assert.False(node1.ShouldAbandon(upConfigured: 3));
    }

    [Fact]
    public void A_joiner_checks_half_a_lease_after_it_joined()
    {
        var node2 = Node(2);
        Assert.Equal(Timing.Window, node2.Joined());
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(Timing.Window - TimeSpan.FromSeconds(2), node2.Joined()); // the first join counts
    }
}
