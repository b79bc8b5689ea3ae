using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Election;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Election;

/// <summary>
/// Issue 20, item 4: no single message freezes elections. Every input that carries a term from the
/// wire passes the plausibility bound (<see cref="TermBound"/>) before it can move the node.
/// </summary>
public sealed class ElectionImplausibleTermTests
{
    private static readonly NodeId A = NodeId.Parse("node-a");
    private static readonly NodeId B = NodeId.Parse("node-b");
    private static readonly NodeId C = NodeId.Parse("node-c");
    private static readonly NodeId[] Three = [A, B, C];
    private const long Huge = Terms.Max - 1; // 4611686018427387903, the term of the report

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ElectionSettings _settings = new();

    private ElectionState Create(NodeId self, IVoteStore? store = null) =>
        new(self, _settings, _time, store ?? new InMemoryVoteStore(), new Random(1), () => new HlcTimestamp((ulong)_time.GetUtcNow().ToUnixTimeMilliseconds(), 0));

    /// <summary>A elected in term 1 by B and answered by C, as in the report: the leader of three.</summary>
    private ElectionState LeaderOfThree()
    {
        var a = Create(A);
        a.SetVoters(Three);
        _time.Advance(_settings.TimeoutMax);
        a.Tick();
        a.OnVoteReply(B, 1, granted: true, preVote: true);
        a.OnVoteReply(B, 1, granted: true, preVote: false);
        a.OnHeartbeatAck(C, 1);
        Assert.Equal(ElectionRole.Leader, a.Role);
        return a;
    }

    [Fact]
    public void The_reported_forged_vote_reply_at_two_to_the_62_minus_one_leaves_the_leader_in_its_term()
    {
        var a = LeaderOfThree();

        var outputs = a.OnVoteReply(B, Huge, granted: false, preVote: false);

        var refused = Assert.Single(outputs.OfType<TermRefused>());
        Assert.Equal((B, Huge, true), (refused.From, refused.Term, refused.Counted));
        Assert.Equal(ElectionRole.Leader, a.Role);
        Assert.Equal(1, a.Term);
        Assert.Empty(outputs.OfType<LeadershipChanged>());
    }

    public static TheoryData<string> Inputs => ["heartbeat", "leader heartbeat", "heartbeat ack", "pre-vote request", "vote request",
        "transfer vote request", "vote reply", "pre-vote refusal", "pre-vote grant", "timeout now"];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Every_input_that_carries_a_term_refuses_one_no_election_could_have_produced(string input)
    {
        var c = Create(C);
        c.SetVoters(Three);
        c.OnHeartbeat(A, 1, fromLeader: true, default); // C follows A in term 1; B showed nothing yet
        c.OnHeartbeatAck(B, 1);

        var outputs = Send(c, input, B, Huge);

        Assert.True(Assert.Single(outputs.OfType<TermRefused>()).Counted);
        Assert.Equal(1, c.Term);
        Assert.Equal(A, c.Leader);
        Assert.Empty(outputs.OfType<SendVoteReply>());
    }

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Every_input_still_takes_a_term_one_above_the_cluster(string input)
    {
        var c = Create(C);
        c.SetVoters(Three);
        c.OnHeartbeatAck(A, 1);
        c.OnHeartbeatAck(B, 1);
        Assert.Equal(1, c.Term);

        var outputs = Send(c, input, B, 2);

        Assert.Empty(outputs.OfType<TermRefused>());
    }

    [Fact]
    public void After_the_forged_message_the_others_still_elect_a_leader_in_the_next_term()
    {
        var a = LeaderOfThree();
        var c = Create(C);
        c.SetVoters(Three);
        c.OnHeartbeat(A, 1, fromLeader: true, default);
        c.OnHeartbeatAck(B, 1);

        // The forged message reaches both; then the leader dies.
        a.OnVoteReply(B, Huge, granted: false, preVote: false);
        c.OnVoteReply(B, Huge, granted: false, preVote: false);
        _time.Advance(_settings.TimeoutMax);
        var preVote = Assert.Single(c.Tick().OfType<BroadcastVoteRequest>());
        Assert.Equal(new BroadcastVoteRequest(2, PreVote: true), preVote);

        var b = Create(B);
        b.SetVoters(Three);
        b.OnHeartbeatAck(A, 1);
        var grant = Assert.Single(b.OnVoteRequest(C, 2, preVote: true).OfType<SendVoteReply>());
        var vote = Assert.Single(c.OnVoteReply(B, grant.Term, grant.Granted, preVote: true).OfType<BroadcastVoteRequest>());
        var reply = Assert.Single(b.OnVoteRequest(C, vote.Term, preVote: false).OfType<SendVoteReply>());
        c.OnVoteReply(B, reply.Term, reply.Granted, preVote: false);

        Assert.Equal((ElectionRole.Leader, 2L), (c.Role, c.Term));
    }

    private static IReadOnlyList<ElectionOutput> Send(ElectionState node, string input, NodeId from, long term) => input switch
    {
        "heartbeat" => node.OnHeartbeat(from, term, fromLeader: false, default),
        "leader heartbeat" => node.OnHeartbeat(from, term, fromLeader: true, default),
        "heartbeat ack" => node.OnHeartbeatAck(from, term),
        "pre-vote request" => node.OnVoteRequest(from, term, preVote: true),
        "vote request" => node.OnVoteRequest(from, term, preVote: false),
        "transfer vote request" => node.OnVoteRequest(from, term, preVote: false, transfer: true),
        "vote reply" => node.OnVoteReply(from, term, granted: true, preVote: false),
        "pre-vote refusal" => node.OnVoteReply(from, term, granted: false, preVote: true),
        "pre-vote grant" => node.OnVoteReply(from, term, granted: true, preVote: true),
        "timeout now" => node.OnTimeoutNow(from, term),
        _ => throw new ArgumentOutOfRangeException(nameof(input)),
    };
}
