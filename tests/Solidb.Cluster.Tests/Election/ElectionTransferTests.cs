using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Election;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Election;

/// <summary>
/// Leadership transfer (TimeoutNow) on virtual time. Messages are routed by a small network that
/// delivers at once, in order, except across a cut link or to a node marked dead; it records every
/// node that ever led in each term.
/// </summary>
public sealed class ElectionTransferTests
{
    private static readonly NodeId A = NodeId.Parse("node-a");
    private static readonly NodeId B = NodeId.Parse("node-b");
    private static readonly NodeId C = NodeId.Parse("node-c");
    private static readonly NodeId D = NodeId.Parse("node-d");
    private static readonly NodeId E = NodeId.Parse("node-e");
    private static readonly TimeSpan Beat = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LiveWithin = 2 * Beat;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ElectionSettings _settings = new();
    private uint _logical;

    [Fact]
    public void A_transfer_to_a_live_voter_makes_it_leader_in_the_next_term_at_once()
    {
        var net = Cluster(A, B, C);
        var a = net[A];

        var outputs = a.TransferLeadership(B, LiveWithin, out var result);

        Assert.True(result.Accepted, result.Reason);
        Assert.Equal(B, result.Target);
        Assert.Equal(new SendTimeoutNow(B, 1), Assert.Single(outputs));
        net.Route(A, outputs); // no virtual time passes from here on

        Assert.Equal(ElectionRole.Leader, net[B].Role);
        Assert.Equal(2, net[B].Term);
        Assert.Equal(ElectionRole.Follower, a.Role);
        Assert.Equal(2, a.Term);
        Assert.Null(a.TransferTarget);
        Assert.Contains(net.Sent, s => s.From == B && s.Output is BroadcastVoteRequest { PreVote: false, Transfer: true, Term: 2 });
        Assert.DoesNotContain(net.Sent, s => s.From == B && s.Output is BroadcastVoteRequest { PreVote: true });

        net.Heartbeats();
        Assert.All(net.Nodes, n => Assert.Equal(B, n.Leader));
        net.AssertOneLeaderPerTerm();
    }

    [Fact]
    public void Without_a_target_the_most_recently_heard_live_voter_is_chosen_and_a_silent_one_never()
    {
        var net = Cluster(A, B, C, D, E);
        var a = net[A];
        _time.Advance(LiveWithin + Beat);
        a.OnHeartbeatAck(B, 1);
        _time.Advance(TimeSpan.FromMilliseconds(200));
        a.OnHeartbeatAck(D, 1);
        a.OnHeartbeatAck(C, 1); // C and D heard last, at the same time: ties go to the lowest id
        a.Tick();

        a.TransferLeadership(null, LiveWithin, out var result);
        Assert.Equal(C, result.Target);

        // E was not heard from for longer than the live window: never chosen, and refused by name.
        var other = Cluster(A, B, C, D, E);
        _time.Advance(LiveWithin + Beat);
        other[A].OnHeartbeatAck(B, 1);
        other[A].Tick();
        Assert.Empty(other[A].TransferLeadership(E, LiveWithin, out var refused));
        Assert.False(refused.Accepted);
        Assert.Contains("node-e was not heard from", refused.Reason);
        other[A].TransferLeadership(null, LiveWithin, out var chosen);
        Assert.Equal(B, chosen.Target);
    }

    [Fact]
    public void A_transfer_is_refused_by_a_follower_to_a_non_voter_while_one_runs_and_accepted_to_the_leader_itself()
    {
        var net = Cluster(A, B, C);

        net[B].TransferLeadership(C, LiveWithin, out var follower);
        Assert.False(follower.Accepted);
        Assert.Equal("this node is not the leader", follower.Reason);

        net[A].TransferLeadership(NodeId.Parse("node-x"), LiveWithin, out var stranger);
        Assert.False(stranger.Accepted);
        Assert.Contains("not a voter", stranger.Reason);

        net[A].TransferLeadership(A, LiveWithin, out var self);
        Assert.True(self.Accepted);
        Assert.Equal(A, self.Target);
        Assert.Null(net[A].TransferTarget);

        net[A].TransferLeadership(B, LiveWithin, out _);
        net[A].TransferLeadership(C, LiveWithin, out var second);
        Assert.False(second.Accepted);
        Assert.Equal("a transfer to node-b is already running", second.Reason);
    }

    [Fact]
    public void A_transfer_to_a_dead_target_is_abandoned_after_the_minimum_election_timeout_and_the_leader_leads_on()
    {
        var net = Cluster(A, B, C);
        var a = net[A];
        var outputs = a.TransferLeadership(B, LiveWithin, out var result);
        Assert.True(result.Accepted);
        net.Dead.Add(B); // B died right after its last ack: the TimeoutNow is lost
        net.Route(A, outputs);

        var notices = new List<ElectionNotice>();
        for (var waited = TimeSpan.Zero; waited < _settings.TimeoutMin; waited += Beat / 2)
        {
            Assert.Equal(B, a.TransferTarget);
            _time.Advance(Beat / 2);
            net.Heartbeats();
            notices.AddRange(net.TickAll(A).OfType<ElectionNotice>());
        }

        Assert.Null(a.TransferTarget);
        Assert.Contains("Leadership transfer to node-b abandoned", Assert.Single(notices).Message);
        Assert.Equal(ElectionRole.Leader, a.Role);
        Assert.Equal(1, a.Term);
        Assert.Equal(A, net[C].Leader);

        // A new transfer may start: C still answers.
        a.TransferLeadership(null, LiveWithin, out var again);
        Assert.Equal(C, again.Target);
    }

    [Fact]
    public void The_transfer_flag_gets_past_a_live_leader_only_in_a_term_above_the_voters()
    {
        var net = Cluster(A, B, C);
        var c = net[C];

        // Same term as C's: refused although flagged (B could only have been told in term 1).
        Assert.False(Single<SendVoteReply>(c.OnVoteRequest(B, 1, preVote: false, transfer: true)).Granted);
        // A higher term without the flag: C still hears A, so leader stickiness refuses it.
        Assert.False(Single<SendVoteReply>(c.OnVoteRequest(B, 2, preVote: false)).Granted);
        Assert.Equal(1, c.Term);
        Assert.Equal(A, c.Leader);

        // Flagged and higher: granted, and C follows nobody in term 2 until a leader is heard.
        var granted = Single<SendVoteReply>(c.OnVoteRequest(B, 2, preVote: false, transfer: true));
        Assert.Equal(new SendVoteReply(B, 2, true, false), granted);
        Assert.Equal(B, c.VotedFor);

        // The normal vote rules still apply: one vote per term.
        Assert.False(Single<SendVoteReply>(c.OnVoteRequest(A, 2, preVote: false, transfer: true)).Granted);
    }

    [Fact]
    public void A_timeout_now_is_ignored_unless_it_comes_from_the_followed_leader_in_the_current_term()
    {
        var net = Cluster(A, B, C);
        var b = net[B];

        Assert.Contains("not this node's term", Single<ElectionNotice>(b.OnTimeoutNow(A, 0)).Message);
        Assert.Contains("is not the leader this node follows", Single<ElectionNotice>(b.OnTimeoutNow(C, 1)).Message);
        Assert.Contains("not this node's term", Single<ElectionNotice>(net[A].OnTimeoutNow(A, 2)).Message);
        Assert.Contains("is not the leader this node follows", Single<ElectionNotice>(net[A].OnTimeoutNow(A, 1)).Message);
        Assert.Equal(ElectionRole.Follower, b.Role);
        Assert.Equal(1, b.Term);
        net.AssertOneLeaderPerTerm();
    }

    /// <summary>
    /// Transfers race partitions and message loss in every order the seeds produce: the target may
    /// win, lose to a normal election on the other side, or time out; the leaders' terms differ.
    /// </summary>
    [Fact]
    public void A_transfer_racing_a_partition_never_yields_two_leaders_in_one_term()
    {
        var outcomes = new HashSet<string>();
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var net = Cluster(A, B, C, D, E);
            net.Drop = random;
            var ids = net.Ids.ToArray();
            for (var step = 0; step < 60; step++)
            {
                switch (random.Next(6))
                {
                    case 0:
                        net.Partition(ids.Where(_ => random.Next(2) == 0).ToHashSet());
                        break;
                    case 1:
                        if (net.Nodes.FirstOrDefault(n => n.Role == ElectionRole.Leader) is { } leader)
                        {
                            var to = random.Next(3) == 0 ? (NodeId?)null : ids[random.Next(ids.Length)];
                            net.Route(net.IdOf(leader), leader.TransferLeadership(to, LiveWithin, out _));
                        }

                        break;
                    default:
                        _time.Advance(TimeSpan.FromMilliseconds(100 + random.Next(900)));
                        net.Heartbeats();
                        net.TickAll();
                        break;
                }

                net.AssertOneLeaderPerTerm();
            }

            outcomes.UnionWith(net.LeadersByTerm.Values.SelectMany(l => l).Select(l => l.ToString()));
        }

        Assert.True(outcomes.Count >= 3, "the runs should have seen several nodes lead: " + string.Join(", ", outcomes));
    }

    private static T Single<T>(IReadOnlyList<ElectionOutput> outputs)
        where T : ElectionOutput => Assert.Single(outputs.OfType<T>());

    private HlcTimestamp Stamp() => new((ulong)_time.GetUtcNow().ToUnixTimeMilliseconds(), ++_logical);

    /// <summary>The first node elected leader of all of them in term 1, everyone following it and heard by it.</summary>
    private Net Cluster(params NodeId[] ids)
    {
        var net = new Net(ids.Select((id, i) => (id, new ElectionState(id, _settings, _time, new InMemoryVoteStore(), new Random(i + 1), Stamp))));
        net.SetVoters(ids);
        _time.Advance(_settings.TimeoutMax);
        var first = net[ids[0]];
        net.Route(ids[0], first.Tick());
        Assert.Equal(ElectionRole.Leader, first.Role);
        net.Heartbeats();
        Assert.All(net.Nodes, n => Assert.Equal(ids[0], n.Leader));
        return net;
    }

    private sealed class Net
    {
        private readonly Dictionary<NodeId, ElectionState> _nodes = [];
        private HashSet<NodeId> _side = [];

        public Net(IEnumerable<(NodeId Id, ElectionState Node)> nodes)
        {
            foreach (var (id, node) in nodes)
            {
                _nodes[id] = node;
            }
        }

        public ElectionState this[NodeId id] => _nodes[id];

        public IEnumerable<ElectionState> Nodes => _nodes.Values;

        public IEnumerable<NodeId> Ids => _nodes.Keys;

        public HashSet<NodeId> Dead { get; } = [];

        /// <summary>When set, one message in five is lost.</summary>
        public Random? Drop { get; set; }

        public List<(NodeId From, ElectionOutput Output)> Sent { get; } = [];

        public Dictionary<long, HashSet<NodeId>> LeadersByTerm { get; } = [];

        public NodeId IdOf(ElectionState node) => _nodes.First(n => n.Value == node).Key;

        /// <summary>Cuts every link between <paramref name="side"/> and the rest.</summary>
        public void Partition(HashSet<NodeId> side) => _side = side;

        public void SetVoters(IEnumerable<NodeId> voters)
        {
            var list = voters.ToList();
            foreach (var (id, node) in _nodes)
            {
                Route(id, node.SetVoters(list));
            }
        }

        public List<ElectionOutput> TickAll(params NodeId[] only)
        {
            var all = new List<ElectionOutput>();
            foreach (var (id, node) in _nodes.Where(n => !Dead.Contains(n.Key) && (only.Length == 0 || only.Contains(n.Key))))
            {
                var outputs = node.Tick();
                all.AddRange(outputs);
                Route(id, outputs);
            }

            return all;
        }

        public void Heartbeats()
        {
            foreach (var (from, sender) in _nodes.Where(n => !Dead.Contains(n.Key)))
            {
                foreach (var (to, receiver) in _nodes.Where(n => n.Key != from && sender.Voters.Contains(n.Key)))
                {
                    if (Delivers(from, to))
                    {
                        Route(to, receiver.OnHeartbeat(from, sender.Term, sender.Role == ElectionRole.Leader, sender.ElectedAt ?? HlcTimestamp.Zero));
                        if (Delivers(to, from))
                        {
                            Route(from, sender.OnHeartbeatAck(to, receiver.Term));
                        }
                    }
                }
            }
        }

        public void Route(NodeId from, IReadOnlyList<ElectionOutput> outputs)
        {
            Record();
            foreach (var output in outputs)
            {
                Sent.Add((from, output));
                switch (output)
                {
                    case BroadcastVoteRequest request:
                        foreach (var (to, node) in _nodes.Where(n => n.Key != from && _nodes[from].Voters.Contains(n.Key)))
                        {
                            if (Delivers(from, to))
                            {
                                Route(to, node.OnVoteRequest(from, request.Term, request.PreVote, request.Transfer));
                            }
                        }

                        break;
                    case SendVoteReply reply when Delivers(from, reply.To):
                        Route(reply.To, _nodes[reply.To].OnVoteReply(from, reply.Term, reply.Granted, reply.PreVote));
                        break;
                    case SendTimeoutNow now when Delivers(from, now.To):
                        Route(now.To, _nodes[now.To].OnTimeoutNow(from, now.Term));
                        break;
                }
            }

            Record();
        }

        public void AssertOneLeaderPerTerm()
        {
            Record();
            foreach (var (term, leaders) in LeadersByTerm)
            {
                Assert.True(leaders.Count == 1, $"term {term} had leaders {string.Join(", ", leaders)}");
            }
        }

        private void Record()
        {
            foreach (var (id, node) in _nodes.Where(n => n.Value.Role == ElectionRole.Leader))
            {
                if (!LeadersByTerm.TryGetValue(node.Term, out var leaders))
                {
                    LeadersByTerm[node.Term] = leaders = [];
                }

                leaders.Add(id);
            }
        }

        private bool Delivers(NodeId from, NodeId to) =>
            !Dead.Contains(from) && !Dead.Contains(to) && _side.Contains(from) == _side.Contains(to) && (Drop is null || Drop.Next(5) != 0);
    }
}
