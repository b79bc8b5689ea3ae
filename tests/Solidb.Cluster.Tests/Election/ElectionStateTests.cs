using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Election;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Election;

/// <summary>
/// The election rules on virtual time, one input at a time. Messages between nodes are routed by
/// hand (see <see cref="Wire"/>), instantly and in order.
/// </summary>
public sealed class ElectionStateTests
{
    private static readonly NodeId A = NodeId.Parse("node-a");
    private static readonly NodeId B = NodeId.Parse("node-b");
    private static readonly NodeId C = NodeId.Parse("node-c");
    private static readonly NodeId D = NodeId.Parse("node-d");
    private static readonly NodeId E = NodeId.Parse("node-e");
    private static readonly NodeId X = NodeId.Parse("node-x");
    private static readonly NodeId[] Three = [A, B, C];
    private static readonly NodeId[] Five = [A, B, C, D, E];

    private static readonly TimeSpan Beat = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan TickEvery = TimeSpan.FromMilliseconds(100);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ElectionSettings _settings = new();
    private uint _logical;

    private TimeSpan Min => _settings.TimeoutMin;
    private TimeSpan Max => _settings.TimeoutMax;

    private HlcTimestamp Stamp() => new((ulong)_time.GetUtcNow().ToUnixTimeMilliseconds(), ++_logical);

    private ElectionState Create(NodeId self, IVoteStore? store = null, int seed = 1) =>
        new(self, _settings, _time, store ?? new InMemoryVoteStore(), new Random(seed), Stamp);

    private static T Single<T>(IReadOnlyList<ElectionOutput> outputs)
        where T : ElectionOutput => Assert.Single(outputs.OfType<T>());

    private static bool Campaigns(IReadOnlyList<ElectionOutput> outputs) => outputs.OfType<BroadcastVoteRequest>().Any();

    /// <summary>Node A, elected leader of A, B, C in term 1 with B's (pre-)votes.</summary>
    private ElectionState LeaderOfThree(InMemoryVoteStore? store = null)
    {
        var a = Create(A, store);
        a.SetVoters(Three);
        _time.Advance(Max);
        Assert.Equal(new BroadcastVoteRequest(1, PreVote: true), Single<BroadcastVoteRequest>(a.Tick()));
        Assert.Equal(new BroadcastVoteRequest(1, PreVote: false), Single<BroadcastVoteRequest>(a.OnVoteReply(B, 1, granted: true, preVote: true)));
        a.OnVoteReply(B, 1, granted: true, preVote: false);
        Assert.Equal(ElectionRole.Leader, a.Role);
        Assert.Equal(1, a.Term);
        return a;
    }

    private ElectionState FollowerOf(NodeId self, NodeId leader, long term, IEnumerable<NodeId> voters, IVoteStore? store = null)
    {
        var node = Create(self, store);
        node.SetVoters(voters);
        node.OnHeartbeat(leader, term, fromLeader: true, Stamp());
        Assert.Equal(leader, node.Leader);
        return node;
    }

    [Fact]
    public void A_node_whose_clock_is_out_of_sync_never_stands_and_stands_again_once_back()
    {
        var b = Create(B);
        b.SetVoters(Three);
        b.ClockInSync = false;

        for (var i = 0; i < 5; i++)
        {
            _time.Advance(Max);
            Assert.False(Campaigns(b.Tick()));
        }

        Assert.Equal(0, b.Term);
        b.ClockInSync = true;
        _time.Advance(Max);
        Assert.Equal(new BroadcastVoteRequest(1, PreVote: true), Single<BroadcastVoteRequest>(b.Tick()));
    }

    [Fact]
    public void A_leader_whose_clock_goes_out_of_sync_steps_down_at_its_next_tick_without_a_new_term()
    {
        var a = LeaderOfThree();

        a.ClockInSync = false;
        a.Tick();

        Assert.Equal(ElectionRole.Follower, a.Role);
        Assert.NotEqual(A, a.Leader);
        Assert.Equal(1, a.Term);
    }

    [Fact]
    public void A_single_voter_leads_at_term_1_as_soon_as_it_is_the_only_voter()
    {
        var store = new InMemoryVoteStore();
        var a = Create(A, store);

        var outputs = a.SetVoters([A]);

        Assert.Equal(ElectionRole.Leader, a.Role);
        Assert.Equal(1, a.Term);
        Assert.Equal(A, a.Leader);
        Assert.True(a.HasQuorum);
        Assert.Equal(new PersistedVote(1, A, 1), store.Vote);
        Assert.False(Campaigns(outputs));
        Assert.Equal(new LeadershipChanged(A, 1, true), Assert.Single(outputs));
        Assert.Equal(new FencingToken(1, A, a.ElectedAt!.Value), a.Token);

        // And it stays leader: nobody else's acks are needed.
        for (var i = 0; i < 100; i++)
        {
            _time.Advance(TickEvery);
            Assert.Empty(a.Tick());
        }

        Assert.Equal(ElectionRole.Leader, a.Role);
        Assert.Equal(1, a.Term);
    }

    [Fact]
    public void A_voter_grants_one_vote_per_term_and_refuses_a_second_candidate_in_that_term()
    {
        var c = Create(C);
        c.SetVoters(Three);

        Assert.Equal(new SendVoteReply(A, 1, true, false), Single<SendVoteReply>(c.OnVoteRequest(A, 1, preVote: false)));
        Assert.Equal(new SendVoteReply(B, 1, false, false), Single<SendVoteReply>(c.OnVoteRequest(B, 1, preVote: false)));

        Assert.Equal(A, c.VotedFor);
        Assert.Equal(1, c.Term);

        // A new term is a new vote.
        Assert.Equal(new SendVoteReply(B, 2, true, false), Single<SendVoteReply>(c.OnVoteRequest(B, 2, preVote: false)));
        Assert.Equal(B, c.VotedFor);
    }

    [Fact]
    public void The_same_candidate_asking_twice_in_a_term_is_granted_again()
    {
        var store = new InMemoryVoteStore();
        var c = Create(C, store);
        c.SetVoters(Three);

        Assert.True(Single<SendVoteReply>(c.OnVoteRequest(A, 1, preVote: false)).Granted);
        Assert.Equal(new PersistedVote(1, A), store.Vote); // saved by the time the reply is returned
        var saves = store.Saves;

        Assert.True(Single<SendVoteReply>(c.OnVoteRequest(A, 1, preVote: false)).Granted);

        Assert.Equal(new PersistedVote(1, A), store.Vote);
        Assert.Equal(saves, store.Saves); // already durable
    }

    [Fact]
    public void A_request_from_an_older_term_is_refused_with_the_newer_term()
    {
        var c = Create(C);
        c.SetVoters(Three);
        c.OnVoteRequest(A, 5, preVote: false);

        Assert.Equal(new SendVoteReply(B, 5, false, false), Single<SendVoteReply>(c.OnVoteRequest(B, 4, preVote: false)));
        Assert.Equal(5, c.Term);
        Assert.Equal(A, c.VotedFor);
    }

    [Fact]
    public void The_vote_is_saved_before_the_granting_reply_is_returned()
    {
        var store = new RecordingVoteStore();
        var c = Create(C, store);
        c.SetVoters(Three);

        var reply = Single<SendVoteReply>(c.OnVoteRequest(A, 1, preVote: false));

        Assert.True(reply.Granted);
        Assert.Equal(new PersistedVote(1, A), store.Saved[^1]);
    }

    [Fact]
    public void A_vote_that_cannot_be_saved_is_not_granted()
    {
        var store = new RecordingVoteStore { Fails = vote => vote.VotedFor is not null };
        var c = Create(C, store);
        c.SetVoters(Three);

        // A failed save refuses the vote (the election actor keeps running; see ElectionPersistFailureTests).
        Assert.Equal(new SendVoteReply(A, 1, Granted: false, PreVote: false), Single<SendVoteReply>(c.OnVoteRequest(A, 1, preVote: false)));
        Assert.DoesNotContain(store.Saved, v => v.VotedFor is not null);
    }

    [Fact]
    public void A_vote_whose_save_failed_is_not_granted_to_a_retry_without_being_saved()
    {
        var store = new RecordingVoteStore { Fails = vote => vote.VotedFor is not null }; // the term is saved, the vote is not
        var c = Create(C, store);
        c.SetVoters(Three);
        Assert.False(Single<SendVoteReply>(c.OnVoteRequest(A, 1, preVote: false)).Granted);
        Assert.Equal([new PersistedVote(1, null)], store.Saved);

        store.Fails = _ => false;
        var retry = Single<SendVoteReply>(c.OnVoteRequest(A, 1, preVote: false));

        // Either refused, or granted only once the vote is durable.
        Assert.True(!retry.Granted || store.Saved.Contains(new PersistedVote(1, A)),
            "the retry was granted although (1, node-a) was never saved");
    }

    [Fact]
    public void A_voter_restarted_from_its_store_refuses_another_candidate_in_the_term_it_voted_in()
    {
        var store = new InMemoryVoteStore();
        var before = Create(C, store);
        before.SetVoters(Three);
        Assert.True(Single<SendVoteReply>(before.OnVoteRequest(A, 3, preVote: false)).Granted);

        var after = Create(C, store, seed: 2); // the restart: a new instance on the same store
        after.SetVoters(Three);

        Assert.Equal(3, after.Term);
        Assert.Equal(A, after.VotedFor);
        Assert.Equal(new SendVoteReply(B, 3, false, false), Single<SendVoteReply>(after.OnVoteRequest(B, 3, preVote: false)));
        Assert.True(Single<SendVoteReply>(after.OnVoteRequest(A, 3, preVote: false)).Granted);
    }

    [Fact]
    public void A_candidate_restarted_from_its_store_keeps_its_term_and_its_vote_for_itself()
    {
        var store = new InMemoryVoteStore();
        var b = Create(B, store);
        b.SetVoters(Three);
        _time.Advance(Max);
        b.Tick();
        b.OnVoteReply(C, 1, granted: true, preVote: true);
        Assert.Equal(ElectionRole.Candidate, b.Role);
        Assert.Equal(new PersistedVote(1, B), store.Vote);

        var again = Create(B, store, seed: 2);
        again.SetVoters(Three);

        Assert.Equal(ElectionRole.Follower, again.Role);
        Assert.Equal(1, again.Term);
        Assert.False(Single<SendVoteReply>(again.OnVoteRequest(A, 1, preVote: false)).Granted);
    }

    [Theory]
    [InlineData("vote reply")]
    [InlineData("heartbeat")]
    [InlineData("leader heartbeat")]
    [InlineData("heartbeat ack")]
    public void A_leader_steps_down_on_a_higher_term(string from)
    {
        var store = new InMemoryVoteStore();
        var a = LeaderOfThree(store);

        var outputs = from switch
        {
            "vote reply" => a.OnVoteReply(B, 2, granted: false, preVote: false),
            "heartbeat" => a.OnHeartbeat(B, 2, fromLeader: false, HlcTimestamp.Zero),
            "leader heartbeat" => a.OnHeartbeat(B, 2, fromLeader: true, Stamp()),
            "heartbeat ack" => a.OnHeartbeatAck(B, 2),
            _ => throw new ArgumentOutOfRangeException(nameof(from)),
        };

        Assert.Equal(ElectionRole.Follower, a.Role);
        Assert.Equal(2, a.Term);
        Assert.Null(a.VotedFor);
        Assert.Equal(new PersistedVote(2, null, 3), store.Vote);
        var expectedLeader = from == "leader heartbeat" ? B : (NodeId?)null;
        Assert.Equal(expectedLeader, a.Leader);
        Assert.Equal(new LeadershipChanged(expectedLeader, 2, expectedLeader is not null), Single<LeadershipChanged>(outputs));
    }

    [Fact]
    public void A_candidate_steps_down_on_a_refusal_from_a_higher_term_and_on_a_leader_of_its_own_term()
    {
        var b = Create(B);
        b.SetVoters(Five);
        _time.Advance(Max);
        b.Tick();
        b.OnVoteReply(C, 1, true, preVote: true);
        b.OnVoteReply(D, 1, true, preVote: true);
        Assert.Equal(ElectionRole.Candidate, b.Role);

        b.OnVoteReply(C, 4, granted: false, preVote: false);
        Assert.Equal(ElectionRole.Follower, b.Role);
        Assert.Equal(4, b.Term);

        var c = Create(C);
        c.SetVoters(Five);
        _time.Advance(Max);
        c.Tick();
        c.OnVoteReply(D, 1, true, preVote: true);
        c.OnVoteReply(E, 1, true, preVote: true);
        Assert.Equal(ElectionRole.Candidate, c.Role);

        c.OnHeartbeat(A, 1, fromLeader: true, Stamp());
        Assert.Equal(ElectionRole.Follower, c.Role);
        Assert.Equal(A, c.Leader);
        Assert.Equal(1, c.Term);
    }

    [Fact]
    public void Refusals_and_replies_of_an_older_term_do_not_count_as_votes()
    {
        var a = Create(A);
        a.SetVoters(Five);
        _time.Advance(Max);
        a.Tick();
        a.OnVoteReply(B, 1, true, preVote: true);
        a.OnVoteReply(C, 1, true, preVote: true);
        Assert.Equal(ElectionRole.Candidate, a.Role);

        a.OnVoteReply(B, 1, granted: false, preVote: false);
        a.OnVoteReply(C, 0, granted: true, preVote: false);
        a.OnVoteReply(X, 1, granted: true, preVote: false); // not a voter
        Assert.Equal(ElectionRole.Candidate, a.Role);

        a.OnVoteReply(D, 1, granted: true, preVote: false);
        Assert.Equal(ElectionRole.Candidate, a.Role);
        a.OnVoteReply(D, 1, granted: true, preVote: false); // the same voter twice is one vote
        Assert.Equal(ElectionRole.Candidate, a.Role);
        a.OnVoteReply(E, 1, granted: true, preVote: false);
        Assert.Equal(ElectionRole.Leader, a.Role);
    }

    [Fact]
    public void Votes_of_voters_removed_during_a_candidacy_do_not_count()
    {
        NodeId f = NodeId.Parse("node-f");
        NodeId[] after = [A, C, D, E, f];
        var a = Create(A);
        a.SetVoters(Five);
        _time.Advance(Max);
        a.Tick();
        a.OnVoteReply(B, 1, true, preVote: true);
        a.OnVoteReply(C, 1, true, preVote: true);
        a.OnVoteReply(B, 1, true, preVote: false);
        Assert.Equal(ElectionRole.Candidate, a.Role);

        a.SetVoters(after); // B leaves, F joins
        a.OnVoteReply(C, 1, true, preVote: false);

        var d = Create(D);
        d.SetVoters(after);
        _time.Advance(Max);
        d.Tick();
        d.OnVoteReply(E, 1, true, preVote: true);
        d.OnVoteReply(f, 1, true, preVote: true);
        d.OnVoteReply(E, 1, true, preVote: false);
        d.OnVoteReply(f, 1, true, preVote: false);
        Assert.Equal(ElectionRole.Leader, d.Role);
        Assert.Equal(1, d.Term);

        Assert.NotEqual(ElectionRole.Leader, a.Role); // A, C: 2 of 5
    }

    [Fact]
    public void A_pre_vote_is_refused_while_the_leader_was_heard_within_the_minimum_timeout_and_granted_after()
    {
        var c = FollowerOf(C, A, 1, Three);

        _time.Advance(Min - TimeSpan.FromMilliseconds(1));
        Assert.Equal(new SendVoteReply(B, 1, false, true), Single<SendVoteReply>(c.OnVoteRequest(B, 2, preVote: true)));

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(new SendVoteReply(B, 2, true, true), Single<SendVoteReply>(c.OnVoteRequest(B, 2, preVote: true)));
    }

    [Fact]
    public void A_leader_refuses_pre_votes_and_votes_even_for_a_higher_term_and_keeps_its_term()
    {
        var a = LeaderOfThree();

        Assert.Equal(new SendVoteReply(B, 1, false, true), Single<SendVoteReply>(a.OnVoteRequest(B, 2, preVote: true)));
        Assert.Equal(new SendVoteReply(B, 1, false, false), Single<SendVoteReply>(a.OnVoteRequest(B, 2, preVote: false)));
        Assert.Equal(ElectionRole.Leader, a.Role);
        Assert.Equal(1, a.Term);
    }

    [Fact]
    public void A_follower_that_hears_its_leader_refuses_a_vote_for_a_higher_term_and_keeps_its_term()
    {
        var store = new InMemoryVoteStore();
        var c = FollowerOf(C, A, 1, Three, store);
        var saves = store.Saves;

        Assert.Equal(new SendVoteReply(B, 1, false, false), Single<SendVoteReply>(c.OnVoteRequest(B, 2, preVote: false)));
        Assert.Equal(1, c.Term);
        Assert.Equal(A, c.Leader);
        Assert.Equal(saves, store.Saves);
    }

    [Fact]
    public void Granting_a_pre_vote_changes_neither_the_voters_term_nor_its_vote()
    {
        var store = new InMemoryVoteStore();
        var c = Create(C, store);
        c.SetVoters(Three);

        var outputs = c.OnVoteRequest(B, 1, preVote: true);

        Assert.Equal(new SendVoteReply(B, 1, true, true), Assert.Single(outputs));
        Assert.Equal(0, c.Term);
        Assert.Null(c.VotedFor);
        Assert.Equal(0, store.Saves);

        // It can still vote for someone else in that term.
        Assert.True(Single<SendVoteReply>(c.OnVoteRequest(A, 1, preVote: false)).Granted);
    }

    [Fact]
    public void A_pre_candidate_does_not_raise_its_term_until_a_majority_grants_the_pre_vote()
    {
        var store = new InMemoryVoteStore();
        var b = Create(B, store);
        b.SetVoters(Five);

        for (var round = 0; round < 5; round++)
        {
            _time.Advance(Max);
            Assert.Equal(new BroadcastVoteRequest(1, PreVote: true), Single<BroadcastVoteRequest>(b.Tick()));
            Assert.Equal(ElectionRole.PreCandidate, b.Role);
            Assert.Empty(b.OnVoteReply(C, 1, granted: true, preVote: true)); // 2 of 5
            Assert.Empty(b.OnVoteReply(D, 0, granted: false, preVote: true));
            Assert.Empty(b.OnVoteReply(E, 1, granted: false, preVote: true)); // a refusal of a higher term does not count either
            Assert.Equal(0, b.Term);
            Assert.Equal(0, store.Saves);
        }

        Assert.Equal(new BroadcastVoteRequest(1, PreVote: false), Single<BroadcastVoteRequest>(b.OnVoteReply(D, 1, granted: true, preVote: true)));
        Assert.Equal(ElectionRole.Candidate, b.Role);
        Assert.Equal(1, b.Term);
        Assert.Equal(new PersistedVote(1, B), store.Vote);
    }

    [Fact]
    public void A_follower_that_hears_the_leader_never_starts_an_election()
    {
        var c = FollowerOf(C, A, 1, Five);
        var electedAt = c.ElectedAt!.Value;
        var sinceBeat = TimeSpan.Zero;

        for (var step = 0; step < 600; step++) // 60 s
        {
            _time.Advance(TickEvery);
            sinceBeat += TickEvery;
            if (sinceBeat >= Beat)
            {
                sinceBeat = TimeSpan.Zero;
                Assert.Empty(c.OnHeartbeat(A, 1, fromLeader: true, electedAt));
            }

            Assert.Empty(c.Tick());
            Assert.Equal(ElectionRole.Follower, c.Role);
            Assert.Equal(A, c.Leader);
            Assert.Equal(1, c.Term);
        }
    }

    [Fact]
    public void A_follower_whose_leader_falls_silent_starts_a_pre_vote_between_the_minimum_and_maximum_timeout()
    {
        var c = FollowerOf(C, A, 1, Three);
        var start = _time.GetUtcNow();

        IReadOnlyList<ElectionOutput> outputs;
        do
        {
            _time.Advance(TimeSpan.FromMilliseconds(1));
            outputs = c.Tick();
        }
        while (!Campaigns(outputs));

        var waited = _time.GetUtcNow() - start;
        Assert.InRange(waited, Min, Max);
        Assert.Equal(new BroadcastVoteRequest(2, PreVote: true), Single<BroadcastVoteRequest>(outputs));
        Assert.Equal(new LeadershipChanged(null, 1, false), Single<LeadershipChanged>(outputs));
        Assert.Null(c.Leader);
        Assert.Equal(1, c.Term);
    }

    [Fact]
    public void Election_timeouts_are_spread_over_the_minimum_to_maximum_range_and_follow_the_seed()
    {
        var first = new List<TimeSpan>();
        var second = new List<TimeSpan>();
        for (var seed = 0; seed < 200; seed++)
        {
            var (one, two) = TwoTimeouts(seed);
            Assert.InRange(one, Min, Max);
            Assert.InRange(two, Min, Max);
            Assert.Equal((one, two), TwoTimeouts(seed)); // same seed, same timeouts
            first.Add(one);
            second.Add(two);
        }

        var third = (Max - Min) / 3;
        foreach (var timeouts in new[] { first, second })
        {
            Assert.Contains(timeouts, t => t < Min + third);
            Assert.Contains(timeouts, t => t > Max - third);
            Assert.True(timeouts.Distinct().Count() > 150, $"only {timeouts.Distinct().Count()} distinct timeouts in 200 seeds");
        }
    }

    /// <summary>How long a fresh node waits before its first pre-vote, and then before its second (1 ms resolution).</summary>
    private (TimeSpan First, TimeSpan Second) TwoTimeouts(int seed)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
        var node = new ElectionState(B, _settings, time, new InMemoryVoteStore(), new Random(seed), () => HlcTimestamp.Zero);
        node.SetVoters(Three);
        var waits = new List<TimeSpan>();
        var since = time.GetUtcNow();
        while (waits.Count < 2)
        {
            time.Advance(TimeSpan.FromMilliseconds(1));
            if (Campaigns(node.Tick()))
            {
                waits.Add(time.GetUtcNow() - since);
                since = time.GetUtcNow();
            }
        }

        return (waits[0], waits[1]);
    }

    [Fact]
    public void Equal_minimum_and_maximum_timeouts_give_exactly_that_timeout()
    {
        var settings = new ElectionSettings { TimeoutMin = TimeSpan.FromMilliseconds(200), TimeoutMax = TimeSpan.FromMilliseconds(200) };
        var node = new ElectionState(B, settings, _time, new InMemoryVoteStore(), new Random(7), Stamp);
        node.SetVoters(Three);

        _time.Advance(TimeSpan.FromMilliseconds(199));
        Assert.False(Campaigns(node.Tick()));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(Campaigns(node.Tick()));
    }

    [Fact]
    public void A_leader_without_acks_from_a_majority_for_longer_than_the_maximum_timeout_steps_down()
    {
        var a = LeaderOfThree();

        _time.Advance(Max);
        Assert.Empty(a.Tick());
        Assert.Equal(ElectionRole.Leader, a.Role);
        Assert.True(a.HasQuorum);

        _time.Advance(TickEvery);
        var outputs = a.Tick();

        Assert.Equal(ElectionRole.Follower, a.Role);
        Assert.Null(a.Leader);
        Assert.False(a.HasQuorum);
        Assert.Null(a.Token);
        Assert.Equal(1, a.Term);
        Assert.Equal(new LeadershipChanged(null, 1, false), Assert.Single(outputs));
    }

    [Fact]
    public void A_leader_that_gets_acks_from_a_majority_stays_leader()
    {
        var a = LeaderOfThree();
        var token = a.Token;

        for (var second = 0; second < 60; second++)
        {
            for (var i = 0; i < 10; i++)
            {
                _time.Advance(TickEvery);
                Assert.Empty(a.Tick());
            }

            Assert.Empty(a.OnHeartbeatAck(B, 1)); // C stays silent: A and B are a majority of 3
        }

        Assert.Equal(ElectionRole.Leader, a.Role);
        Assert.True(a.HasQuorum);
        Assert.Equal(token, a.Token);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void A_leader_of_five_needs_acks_from_two_others(int silent, bool stepsDown)
    {
        var a = Create(A);
        var wire = new Wire(this, (A, a), (B, Create(B)), (C, Create(C)), (D, Create(D)), (E, Create(E)));
        wire.SetVoters(Five);
        wire.Elect(a);
        var ackers = Five.Skip(1).Take(4 - silent).ToList();

        for (var second = 0; second < 20; second++)
        {
            for (var i = 0; i < 10; i++)
            {
                _time.Advance(TickEvery);
                a.Tick();
            }

            foreach (var acker in ackers)
            {
                a.OnHeartbeatAck(acker, a.Term);
            }
        }

        Assert.Equal(stepsDown, a.Role != ElectionRole.Leader);
        Assert.Equal(!stepsDown, a.HasQuorum);
    }

    [Fact]
    public void Voters_that_join_later_do_not_trigger_an_election_and_the_leader_keeps_its_role()
    {
        var a = Create(A);
        a.SetVoters([A]);
        Assert.Equal(ElectionRole.Leader, a.Role);
        _time.Advance(TimeSpan.FromSeconds(10));

        var b = Create(B);
        var c = Create(C);
        var wire = new Wire(this, (A, a), (B, b), (C, c));
        Assert.Empty(a.SetVoters(Three));
        b.SetVoters(Three);
        c.SetVoters(Three);

        for (var step = 0; step < 300; step++) // 30 s, heartbeats every second
        {
            _time.Advance(TickEvery);
            wire.TickAll();
            if (step % 10 == 0)
            {
                wire.Heartbeats();
            }
        }

        Assert.Equal(ElectionRole.Leader, a.Role);
        Assert.True(a.HasQuorum);
        Assert.All(wire.Nodes, n => Assert.Equal(1, n.Term));
        Assert.All(wire.Nodes, n => Assert.Equal(A, n.Leader));
        Assert.DoesNotContain(wire.Sent, s => s.Output is BroadcastVoteRequest);
    }

    [Fact]
    public void A_joiner_whose_timeout_passed_before_it_heard_the_leader_gets_no_pre_vote_and_raises_no_term()
    {
        var a = Create(A);
        var b = Create(B);
        var c = Create(C);
        var wire = new Wire(this, (A, a), (B, b), (C, c));
        a.SetVoters([A, B]);
        b.SetVoters([A, B]);
        wire.Elect(a);
        wire.Heartbeats();

        _time.Advance(TimeSpan.FromSeconds(30)); // long after C's own timeout
        wire.Heartbeats();
        wire.Sent.Clear();
        a.SetVoters(Three);
        b.SetVoters(Three);
        c.SetVoters(Three);
        wire.TickAll(); // C campaigns at once; A leads and B hears A

        Assert.Contains(wire.Sent, s => s.From == C && s.Output is BroadcastVoteRequest { PreVote: true });
        Assert.DoesNotContain(wire.Sent, s => s.Output is BroadcastVoteRequest { PreVote: false });
        Assert.Equal(ElectionRole.Leader, a.Role);
        Assert.Equal(1, a.Term);
        Assert.Equal(1, b.Term);
        Assert.Equal(ElectionRole.PreCandidate, c.Role);
        Assert.Equal(0, c.Term);

        wire.Heartbeats();
        Assert.Equal(A, c.Leader);
        Assert.Equal(1, c.Term);
    }

    [Fact]
    public void A_new_voter_gets_a_full_maximum_timeout_before_it_counts_against_the_leader()
    {
        var a = Create(A);
        a.SetVoters([A]);
        _time.Advance(TimeSpan.FromSeconds(10));
        a.SetVoters(Three); // B and C never answer

        _time.Advance(Max);
        a.Tick();
        Assert.Equal(ElectionRole.Leader, a.Role);

        _time.Advance(TickEvery);
        a.Tick();
        Assert.Equal(ElectionRole.Follower, a.Role);
        Assert.False(a.HasQuorum);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(3, 1)]
    [InlineData(4, 1)]
    [InlineData(5, 2)]
    [InlineData(6, 2)]
    [InlineData(7, 3)]
    public void Failure_tolerance_is_the_floor_of_half_of_the_other_voters(int voters, int tolerance)
    {
        var node = Create(A);
        node.SetVoters(Enumerable.Range(0, voters).Select(i => i == 0 ? A : NodeId.Parse($"voter-{i}")));

        Assert.Equal(tolerance, node.FailureTolerance);
    }

    [Fact]
    public void Failure_tolerance_without_voters_is_zero()
    {
        Assert.Equal(0, Create(A).FailureTolerance);
    }

    [Fact]
    public void A_node_that_is_not_a_voter_never_campaigns()
    {
        var x = Create(X);
        var outputs = new List<ElectionOutput>();
        outputs.AddRange(x.SetVoters([A]));
        for (var step = 0; step < 300; step++)
        {
            _time.Advance(TickEvery);
            outputs.AddRange(x.Tick());
        }

        outputs.AddRange(x.SetVoters(Three));
        for (var step = 0; step < 300; step++)
        {
            _time.Advance(TickEvery);
            outputs.AddRange(x.Tick());
        }

        Assert.Empty(outputs);
        Assert.Equal(ElectionRole.Follower, x.Role);
        Assert.Equal(0, x.Term);
    }

    [Fact]
    public void A_non_voter_still_follows_the_leader_it_hears_and_forgets_it_after_the_timeout()
    {
        var x = FollowerOf(X, A, 2, Three);
        Assert.Equal(2, x.Term);
        Assert.True(x.HasQuorum);

        var start = _time.GetUtcNow();
        IReadOnlyList<ElectionOutput> outputs = [];
        while (x.Leader is not null)
        {
            _time.Advance(TickEvery);
            outputs = x.Tick();
        }

        Assert.InRange(_time.GetUtcNow() - start, Min, Max + TickEvery);
        Assert.Null(x.Leader);
        Assert.Equal(new LeadershipChanged(null, 2, false), Assert.Single(outputs));
    }

    [Fact]
    public void Only_a_voter_that_is_asked_by_a_voter_grants_votes()
    {
        var c = Create(C);
        c.SetVoters(Three);

        Assert.False(Single<SendVoteReply>(c.OnVoteRequest(X, 1, preVote: true)).Granted);
        Assert.False(Single<SendVoteReply>(c.OnVoteRequest(X, 1, preVote: false)).Granted);
        Assert.Null(c.VotedFor);
    }

    [Fact]
    public void LeadershipChanged_is_announced_for_the_first_heartbeat_of_a_leader_and_not_for_the_next()
    {
        var c = Create(C);
        c.SetVoters(Three);

        Assert.Equal(new LeadershipChanged(A, 1, true), Assert.Single(c.OnHeartbeat(A, 1, fromLeader: true, Stamp())));
        _time.Advance(Beat);
        Assert.Empty(c.OnHeartbeat(A, 1, fromLeader: true, Stamp()));
        Assert.Empty(c.OnHeartbeat(B, 1, fromLeader: false, HlcTimestamp.Zero));
        Assert.Equal(new LeadershipChanged(B, 2, true), Assert.Single(c.OnHeartbeat(B, 2, fromLeader: true, Stamp())));
        _time.Advance(Min); // A stands again after an election timeout
        Assert.Equal(new LeadershipChanged(null, 3, false), Assert.Single(c.OnHeartbeatAck(A, 3)));
    }

    /// <summary>
    /// Random inputs from seeded generators: after each, exactly one LeadershipChanged with the new
    /// (leader, term, quorum) when that triple changed, and none otherwise.
    /// </summary>
    [Fact]
    public void LeadershipChanged_is_announced_exactly_when_leader_term_or_quorum_change()
    {
        var announced = 0;
        for (var seed = 0; seed < 30; seed++)
        {
            var random = new Random(seed);
            var self = Three[seed % 3];
            var node = Create(self, seed: seed);
            node.SetVoters(Three);
            var peers = Three.Where(n => n != self).Append(X).ToArray();
            for (var step = 0; step < 1000; step++)
            {
                var before = (node.Leader, node.Term, node.HasQuorum);
                var from = peers[random.Next(peers.Length)];
                var term = Math.Max(0, node.Term + random.Next(-1, 3));
                var flag = random.Next(2) == 0;
                var (input, outputs) = random.Next(8) switch
                {
                    0 or 1 => ("tick", Advance(random, node)),
                    2 => ("heartbeat", node.OnHeartbeat(from, term, flag, Stamp())),
                    3 => ("ack", node.OnHeartbeatAck(from, term)),
                    4 => ("vote request", node.OnVoteRequest(from, term, flag)),
                    5 => ("vote reply", node.OnVoteReply(from, node.Role == ElectionRole.PreCandidate ? node.Term + 1 : term, random.Next(4) != 0, flag)),
                    6 => ("voters", node.SetVoters(random.Next(5) == 0 ? [self] : Three)),
                    _ => ("ack from majority", peers.SelectMany(p => node.OnHeartbeatAck(p, node.Term)).ToList()),
                };
                var after = (node.Leader, node.Term, node.HasQuorum);
                var changes = outputs.OfType<LeadershipChanged>().ToList();
                var where = $"seed {seed}, step {step} ({input}): {before} -> {after}";
                if (before == after)
                {
                    Assert.True(changes.Count == 0, $"{where}: unexpected {string.Join(", ", changes)}");
                }
                else
                {
                    Assert.True(changes.Count == 1, $"{where}: {changes.Count} LeadershipChanged");
                    Assert.Equal(new LeadershipChanged(after.Leader, after.Term, after.HasQuorum), changes[0]);
                    announced++;
                }
            }
        }

        Assert.True(announced > 500, $"only {announced} changes were exercised");
    }

    private IReadOnlyList<ElectionOutput> Advance(Random random, ElectionState node)
    {
        _time.Advance(TimeSpan.FromMilliseconds(random.Next(0, 2000)));
        return node.Tick();
    }

    /// <summary>A vote store that remembers every save and can be made to fail.</summary>
    private sealed class RecordingVoteStore : IVoteStore
    {
        public List<PersistedVote> Saved { get; } = [];

        public Func<PersistedVote, bool> Fails { get; set; } = _ => false;

        public PersistedVote Load() => Saved.Count == 0 ? PersistedVote.Initial : Saved[^1];

        public void Save(PersistedVote vote)
        {
            if (Fails(vote))
            {
                throw new IOException("disk full");
            }

            Saved.Add(vote);
        }
    }

    /// <summary>Routes outputs between nodes at once, depth first, and answers heartbeats with acks.</summary>
    private sealed class Wire
    {
        private readonly ElectionStateTests _test;
        private readonly Dictionary<NodeId, ElectionState> _nodes = [];
        private readonly Dictionary<ElectionState, NodeId> _ids = [];

        public Wire(ElectionStateTests test, params (NodeId Id, ElectionState Node)[] nodes)
        {
            _test = test;
            foreach (var (id, node) in nodes)
            {
                _nodes[id] = node;
                _ids[node] = id;
            }
        }

        public IEnumerable<ElectionState> Nodes => _nodes.Values;

        public List<(NodeId From, ElectionOutput Output)> Sent { get; } = [];

        public void SetVoters(IEnumerable<NodeId> voters)
        {
            var list = voters.ToList();
            foreach (var (id, node) in _nodes)
            {
                Route(id, node.SetVoters(list));
            }
        }

        /// <summary>Times <paramref name="candidate"/> out and routes the (pre-)votes until it leads.</summary>
        public void Elect(ElectionState candidate)
        {
            _test._time.Advance(_test.Max);
            Route(_ids[candidate], candidate.Tick());
            Assert.Equal(ElectionRole.Leader, candidate.Role);
            foreach (var node in _nodes.Values.Where(n => n != candidate && candidate.Voters.Contains(_ids[n])))
            {
                // The others timed out too; hearing the leader puts them back in line.
                node.OnHeartbeat(_ids[candidate], candidate.Term, fromLeader: true, candidate.ElectedAt!.Value);
            }
        }

        public void TickAll()
        {
            foreach (var (id, node) in _nodes)
            {
                Route(id, node.Tick());
            }
        }

        public void Heartbeats()
        {
            foreach (var (from, sender) in _nodes)
            {
                foreach (var (to, receiver) in _nodes.Where(n => n.Key != from && sender.Voters.Contains(n.Key)))
                {
                    Route(to, receiver.OnHeartbeat(from, sender.Term, sender.Role == ElectionRole.Leader, sender.ElectedAt ?? HlcTimestamp.Zero));
                    Route(from, sender.OnHeartbeatAck(to, receiver.Term));
                }
            }
        }

        private void Route(NodeId from, IReadOnlyList<ElectionOutput> outputs)
        {
            foreach (var output in outputs)
            {
                Sent.Add((from, output));
                switch (output)
                {
                    case BroadcastVoteRequest request:
                        foreach (var (to, node) in _nodes.Where(n => n.Key != from && _nodes[from].Voters.Contains(n.Key)))
                        {
                            Route(to, node.OnVoteRequest(from, request.Term, request.PreVote));
                        }

                        break;
                    case SendVoteReply reply when _nodes.TryGetValue(reply.To, out var candidate):
                        Route(reply.To, candidate.OnVoteReply(from, reply.Term, reply.Granted, reply.PreVote));
                        break;
                }
            }
        }
    }

    [Fact]
    public void A_node_that_knew_a_larger_cluster_never_elects_itself_when_restarted_alone()
    {
        var store = new InMemoryVoteStore();
        var leader = LeaderOfThree(store);
        Assert.Equal(ElectionRole.Leader, leader.Role);
        Assert.Equal(3, store.Vote.KnownVoters);

        // Restarted alone (it formed a cluster of one, cut off from the other two).
        var restarted = Create(A, store);
        restarted.SetVoters([A]);
        for (var i = 0; i < 200; i++)
        {
            _time.Advance(TickEvery);
            restarted.Tick();
        }

        Assert.NotEqual(ElectionRole.Leader, restarted.Role);
        Assert.Null(restarted.Leader);
        Assert.Equal(3, restarted.QuorumSize);
    }

    [Fact]
    public void A_leader_with_a_quorum_shrinks_the_known_cluster_when_members_are_removed()
    {
        var store = new InMemoryVoteStore();
        var leader = LeaderOfThree(store);

        leader.SetVoters([A, B]);
        leader.SetVoters([A]);

        Assert.Equal(ElectionRole.Leader, leader.Role);
        Assert.Equal(1, store.Vote.KnownVoters);
    }
}
