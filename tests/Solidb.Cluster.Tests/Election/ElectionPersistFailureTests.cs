using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Election;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Election;

/// <summary>The election rules when the vote cannot be saved (a full or read-only disk), and at the end of the term range.</summary>
public sealed class ElectionPersistFailureTests
{
    private static readonly NodeId A = NodeId.Parse("node-a");
    private static readonly NodeId B = NodeId.Parse("node-b");
    private static readonly NodeId C = NodeId.Parse("node-c");
    private static readonly NodeId[] Three = [A, B, C];

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ElectionSettings _settings = new();
    private uint _logical;

    private HlcTimestamp Stamp() => new((ulong)_time.GetUtcNow().ToUnixTimeMilliseconds(), ++_logical);

    private ElectionState Create(NodeId self, IVoteStore store) => new(self, _settings, _time, store, new Random(1), Stamp);

    private static ElectionNotice Notice(IReadOnlyList<ElectionOutput> outputs) => Assert.Single(outputs.OfType<ElectionNotice>());

    [Fact]
    public void A_vote_that_cannot_be_saved_is_refused_and_the_durable_state_kept()
    {
        var store = new FaultyVoteStore(new PersistedVote(1, null, 3)) { Fails = _ => true };
        var b = Create(B, store);
        b.SetVoters(Three);

        var outputs = b.OnVoteRequest(C, 2, preVote: false);

        var reply = Assert.Single(outputs.OfType<SendVoteReply>());
        Assert.False(reply.Granted);
        Assert.Equal(1, reply.Term); // still the durable term: the candidate ignores the answer
        Assert.Equal(new PersistedVote(1, null, 3), store.Vote);
        Assert.Equal(1, b.Term);
        Assert.Null(b.VotedFor);
        var notice = Notice(outputs);
        Assert.True(notice.IsError);
        Assert.StartsWith(FaultyVoteStore.Reason, notice.Message);
        Assert.StartsWith(FaultyVoteStore.Reason, b.PersistProblem);
    }

    [Fact]
    public void A_vote_whose_own_save_fails_after_the_term_was_saved_is_refused_in_that_term()
    {
        var store = new FaultyVoteStore(new PersistedVote(1, null, 3)) { Fails = v => v.VotedFor == C };
        var b = Create(B, store);
        b.SetVoters(Three);

        var outputs = b.OnVoteRequest(C, 2, preVote: false);

        Assert.Equal(new SendVoteReply(C, 2, Granted: false, PreVote: false), Assert.Single(outputs.OfType<SendVoteReply>()));
        Assert.Equal(new PersistedVote(2, null, 3), store.Vote);
        Assert.Null(b.VotedFor);

        // Once saving works again, the same request is granted.
        store.Fails = _ => false;
        var again = b.OnVoteRequest(C, 2, preVote: false);
        Assert.Equal(new SendVoteReply(C, 2, Granted: true, PreVote: false), Assert.Single(again.OfType<SendVoteReply>()));
        Assert.Equal(new PersistedVote(2, C, 3), store.Vote);
        Assert.False(Notice(again).IsError);
        Assert.Null(b.PersistProblem);
    }

    [Fact]
    public void A_node_that_cannot_save_its_own_vote_does_not_become_candidate()
    {
        var store = new FaultyVoteStore(new PersistedVote(4, null, 3)) { Fails = v => v.VotedFor == A };
        var a = Create(A, store);
        a.SetVoters(Three);
        _time.Advance(_settings.TimeoutMax);
        Assert.Equal(new BroadcastVoteRequest(5, PreVote: true), Assert.Single(a.Tick().OfType<BroadcastVoteRequest>()));

        var outputs = a.OnVoteReply(B, 5, granted: true, preVote: true); // a pre-vote majority: time to stand

        Assert.Empty(outputs.OfType<BroadcastVoteRequest>());
        Assert.Equal(ElectionRole.Follower, a.Role);
        Assert.Equal(4, a.Term);
        Assert.Equal(new PersistedVote(4, null, 3), store.Vote);
        Assert.True(Notice(outputs).IsError);
    }

    [Fact]
    public void A_single_voter_that_cannot_save_its_vote_does_not_lead()
    {
        var store = new FaultyVoteStore { Fails = _ => true };
        var a = Create(A, store);

        a.SetVoters([A]);

        Assert.Equal(ElectionRole.Follower, a.Role);
        Assert.Null(a.Leader);
        Assert.Equal(0, a.Term);
    }

    [Fact]
    public void A_leader_that_sees_a_newer_term_steps_down_even_when_it_cannot_save_it()
    {
        var store = new FaultyVoteStore();
        var a = Create(A, store);
        a.SetVoters([A]);
        Assert.Equal(ElectionRole.Leader, a.Role);
        a.SetVoters(Three);
        store.Fails = _ => true;

        a.OnHeartbeat(B, 7, fromLeader: true, Stamp());

        Assert.Equal(ElectionRole.Follower, a.Role);
        Assert.Null(a.Leader); // not B's follower either: this node is not in term 7
        Assert.Equal(1, a.Term);
    }

    [Fact]
    public void The_problem_is_announced_once_and_the_recovery_when_a_retry_succeeds()
    {
        var store = new FaultyVoteStore(new PersistedVote(1, null, 3)) { Fails = _ => true };
        var b = Create(B, store);
        b.SetVoters(Three);
        Assert.True(Notice(b.OnVoteRequest(C, 2, preVote: false)).IsError);

        Assert.Empty(b.OnVoteRequest(C, 3, preVote: false).OfType<ElectionNotice>()); // same problem: no second line
        Assert.Empty(b.Tick().OfType<ElectionNotice>());

        store.Fails = _ => false;
        _time.Advance(_settings.TimeoutMin); // the tick retries the durable state at most once per minimum timeout
        var notice = Notice(b.Tick());

        Assert.Equal(new ElectionNotice(IsError: false, "Election state persisted again"), notice);
        Assert.Null(b.PersistProblem);
        Assert.Equal(new PersistedVote(1, null, 3), store.Vote);
        Assert.Equal(3, store.FailedSaves); // two step-downs, one retry on the first tick
    }

    [Fact]
    public void At_the_last_term_below_the_maximum_no_election_starts_and_the_reason_is_logged_once()
    {
        var store = new FaultyVoteStore(new PersistedVote(Terms.Max - 1, null, 1));
        var a = Create(A, store);

        var outputs = a.SetVoters([A]);

        Assert.Empty(outputs.OfType<BroadcastVoteRequest>());
        Assert.Equal(ElectionRole.Follower, a.Role);
        Assert.Equal(Terms.Max - 1, a.Term);
        var notice = Notice(outputs);
        Assert.True(notice.IsError);
        Assert.Contains($"term {Terms.Max - 1} is the last one below the largest term {Terms.Max}", notice.Message);

        _time.Advance(_settings.TimeoutMax);
        Assert.Empty(a.Tick());
        Assert.Equal(Terms.Max - 1, store.Vote.Term);
    }

    [Fact]
    public void Two_terms_below_the_maximum_the_last_election_still_happens()
    {
        var store = new FaultyVoteStore(new PersistedVote(Terms.Max - 2, null, 1));
        var a = Create(A, store);

        a.SetVoters([A]);

        Assert.Equal(ElectionRole.Leader, a.Role);
        Assert.Equal(Terms.Max - 1, a.Term);
    }
}
