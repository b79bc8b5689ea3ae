using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Election;
using Solidb.Cluster.Health;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Tests.Election.Simulation;

/// <summary>
/// N nodes, each an <see cref="ElectionState"/> and a <see cref="HealthPolicy"/>, on one virtual
/// clock (a shared <see cref="FakeTimeProvider"/>), wired through a simulated network by a
/// discrete-event loop: a priority queue of (time, sequence number, event). As in production,
/// each node ticks its election state every 100 ms, and every heartbeat interval (1 s) evaluates
/// its health policy and sends each peer a heartbeat carrying its term, whether it leads and when
/// it was elected; the receiver feeds the heartbeat to both, answers with an ack carrying its own
/// term, and the sender feeds the ack to both. Vote requests go to every other voter and replies
/// back. Messages take 1-50 ms, or 50 ms-1.5 s with the long-delay probability, may be dropped,
/// never cross a partition (also while in flight), and never reach a node that is down; one that
/// was sent to an earlier incarnation of a node reaches the restarted one half of the time (the
/// transport reconnected), a superset of what a real transport does. A crash stops a node
/// (messages it already sent still arrive); a restart builds a new election state on the same
/// vote store and a fresh health policy. A fault plan (<see cref="Schedule(FaultPlan)"/>) may
/// also crash a node right after it grants a vote. Membership is fixed: every node is a voter. Only the seeded <see cref="Random"/> decides
/// anything, so a seed replays the same run.
/// </summary>
internal sealed class ElectionSimulation
{
    public static readonly DateTimeOffset Epoch = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Far above any term a run's elections reach (one election per 3 s at most, for minutes), far below forged ones.</summary>
    public const long HighestHonestTerm = 100_000;

    /// <summary>The kinds of message <see cref="Forge"/> can send, by index.</summary>
    public static readonly IReadOnlyList<string> ForgedKinds =
        ["heartbeat", "leader heartbeat", "heartbeat ack", "pre-vote request", "vote request", "vote reply", "pre-vote reply", "timeout now"];

    private static readonly long ShortDelayMin = TimeSpan.FromMilliseconds(1).Ticks;
    private static readonly long ShortDelayMax = TimeSpan.FromMilliseconds(50).Ticks;
    private static readonly long LongDelayMax = TimeSpan.FromMilliseconds(1500).Ticks;

    private readonly PriorityQueue<SimEvent, (long At, long Seq)> _queue = new();
    private readonly Random _random;
    private readonly FakeTimeProvider _time = new(Epoch);
    private readonly ElectionSettings _election;
    private readonly HealthSettings _health;
    private readonly SimNode[] _nodes;
    private readonly NodeId[] _ids;
    private readonly Dictionary<NodeId, int> _index = [];
    private readonly Func<SimNode, IVoteStore> _openStore;
    private long _now;
    private long _seq;
    private NetworkConditions _network;
    private double _crashAfterVote;
    private TimeSpan _faultsUntil;
    private readonly ISimulationLayer? _layer;

    /// <param name="openStore">How a starting incarnation opens its vote store; by default the node's store as it is
    /// (a test seam to break durability on purpose).</param>
    /// <param name="layer">What runs beside each node's election (the node coordinator and a model of Akka.Cluster);
    /// null for the election alone.</param>
    public ElectionSimulation(int nodeCount, Random random, ElectionSettings? election = null, HealthSettings? health = null,
        Func<SimNode, IVoteStore>? openStore = null, Func<ElectionSimulation, ISimulationLayer>? layer = null)
    {
        _random = random;
        _openStore = openStore ?? (node => node.Store);
        _election = election ?? new ElectionSettings();
        _health = health ?? new HealthSettings();
        _network = NetworkConditions.Healthy(nodeCount);
        _ids = Enumerable.Range(0, nodeCount).Select(n => NodeId.Parse(ElectionHistory.Name(n))).ToArray();
        _nodes = new SimNode[nodeCount];
        for (var n = 0; n < nodeCount; n++)
        {
            _index[_ids[n]] = n;
            _nodes[n] = new SimNode(n, _ids[n], nodeCount);
        }

        History = new ElectionHistory(nodeCount);
        _layer = layer?.Invoke(this);
        foreach (var node in _nodes)
        {
            Start(node);
        }
    }

    public ElectionHistory History { get; }

    public TimeSpan Now => TimeSpan.FromTicks(_now);

    public IReadOnlyList<SimNode> Nodes => _nodes;

    public NetworkConditions Network => _network;

    /// <summary>
    /// Terms refused as implausible (counted): forged ones (above <see cref="HighestHonestTerm"/>) and honest ones, which
    /// the bound refuses while the terms it knows lag; and terms refused while no other voter was heard yet (not counted).
    /// </summary>
    public long ForgedTermsRefused { get; private set; }

    public long HonestTermsRefused { get; private set; }

    public long TermsUnproven { get; private set; }

    /// <summary>Messages handed to the network, and those it lost (dropped, cut by a partition, or to a dead incarnation).</summary>
    public long MessagesSent { get; private set; }

    public long MessagesLost { get; private set; }

    public TimeSpan HeartbeatInterval => _health.HeartbeatInterval;

    public ElectionSettings ElectionSettings => _election;

    public HealthSettings HealthSettings => _health;

    public TimeProvider Time => _time;

    /// <summary>The simulation's seeded random source, for the layer (keeps a seed's run reproducible).</summary>
    public Random Random => _random;

    /// <summary>The id of node <paramref name="index"/>.</summary>
    public NodeId IdOf(int index) => _ids[index];

    /// <summary>Sends <paramref name="action"/> over the simulated network from one incarnation to another: it runs at the
    /// receiver after the usual delay unless dropped, cut by a partition, or the receiver is no longer that incarnation.</summary>
    public void Post(int from, int fromIncarnation, int to, int toIncarnation, Action action)
    {
        var m = new SimMessage(MessageKind.LayerMessage, from, fromIncarnation, to, toIncarnation, 0, false, false, default);
        Send(m, action);
    }

    /// <summary>Up nodes that consider themselves leader.</summary>
    public IEnumerable<SimNode> Leaders => _nodes.Where(n => n.Up && n.Running.Role == ElectionRole.Leader);

    /// <summary>The one up node that leads with quorum, if there is exactly one.</summary>
    public SimNode? LeaderWithQuorum
    {
        get
        {
            var leaders = Leaders.Where(n => n.Running.HasQuorum).ToList();
            return leaders.Count == 1 ? leaders[0] : null;
        }
    }

    public int IndexOf(NodeId id) => _index[id];

    /// <summary>Schedules <paramref name="action"/> at virtual time <paramref name="at"/> (after events already queued for that time).</summary>
    public void At(TimeSpan at, Action action) => Schedule(Math.Max(at.Ticks, _now), new SimEvent(EventKind.Action, -1, 0, default, action));

    /// <summary>Schedules a whole fault plan.</summary>
    public void Schedule(FaultPlan plan)
    {
        foreach (var change in plan.Network)
        {
            At(change.At, () => SetNetwork(change.Conditions));
        }

        foreach (var crash in plan.Crashes)
        {
            At(crash.Down, () => Crash(crash.Node));
            At(crash.Up, () => Restart(crash.Node));
        }

        foreach (var crash in plan.LeaderCrashes)
        {
            At(crash.At, () =>
            {
                var leader = Leaders.OrderByDescending(n => n.Running.Term).FirstOrDefault();
                if (leader is not null)
                {
                    Crash(leader.Index);
                    var up = crash.At + crash.DownFor;
                    At(up < plan.QuietFrom ? up : plan.QuietFrom, () => Restart(leader.Index));
                }
            });
        }

        foreach (var forged in plan.Forgeries ?? [])
        {
            At(forged.At, () => Forge(forged.From, forged.To, forged.Term, forged.Kind));
        }

        foreach (var transfer in plan.Transfers ?? [])
        {
            At(transfer.At, () => Transfer(transfer.To is { } to ? _ids[to] : null));
        }

        _crashAfterVote = plan.CrashAfterVote;
        _faultsUntil = plan.QuietFrom;
        At(plan.QuietFrom, () =>
        {
            foreach (var node in _nodes.Where(n => !n.Up))
            {
                Restart(node.Index);
            }
        });
    }

    /// <summary>Asks whichever node leads (highest term) to transfer leadership, as the supervisor would; live: heard within two heartbeats.</summary>
    public LeadershipTransferResult? Transfer(NodeId? to)
    {
        if (Leaders.OrderByDescending(n => n.Running.Term).FirstOrDefault() is not { } leader)
        {
            return null;
        }

        var election = leader.Running;
        var before = Snapshot(election);
        var outputs = election.TransferLeadership(to, 2 * _health.HeartbeatInterval, out var result);
        if (outputs.OfType<SendTimeoutNow>().FirstOrDefault() is { } now)
        {
            History.Transferred(Now, leader.Index, _index[now.To]);
        }

        Input(leader, outputs, before, -1, 0);
        return result;
    }

    /// <summary>
    /// Sends, through the network, a message of kind <see cref="ForgedKinds"/>[<paramref name="kind"/>] from node
    /// <paramref name="from"/> (its current incarnation) to node <paramref name="to"/> carrying <paramref name="term"/>,
    /// whatever the sender's election state says: what a buggy or compromised member can send.
    /// </summary>
    public void Forge(int from, int to, long term, int kind)
    {
        var (messageKind, flag, granted) = kind switch
        {
            0 => (MessageKind.Heartbeat, false, false),
            1 => (MessageKind.Heartbeat, true, false),
            2 => (MessageKind.HeartbeatAck, false, false),
            3 => (MessageKind.VoteRequest, true, false),
            4 => (MessageKind.VoteRequest, false, false),
            5 => (MessageKind.VoteReply, false, _random.Next(2) == 0),
            6 => (MessageKind.VoteReply, true, _random.Next(2) == 0),
            _ => (MessageKind.TimeoutNow, false, false),
        };
        Send(new SimMessage(messageKind, from, _nodes[from].Incarnation, to, _nodes[to].Incarnation, term, flag, granted, default));
    }

    /// <summary>Processes every event up to and including <paramref name="until"/>, then sets the clock there.</summary>
    public void RunUntil(TimeSpan until)
    {
        var limit = until.Ticks;
        while (_queue.TryPeek(out var e, out var when) && when.At <= limit)
        {
            _queue.Dequeue();
            AdvanceTo(when.At);
            Handle(e);
        }

        AdvanceTo(limit);
    }

    public void RunFor(TimeSpan duration) => RunUntil(Now + duration);

    public void SetNetwork(NetworkConditions conditions)
    {
        _network = conditions;
        History.Network(Now, conditions.GroupOf, conditions.Lossy, conditions.ToString());
    }

    public void Crash(int index) => Crash(index, "crashed");

    /// <summary>Stops the node's running incarnation; <paramref name="why"/> goes to the history ("crashed" for a fault).</summary>
    public void Crash(int index, string why)
    {
        var node = _nodes[index];
        if (!node.Up)
        {
            return;
        }

        node.Up = false;
        node.Election = null;
        node.Health = null;
        History.Crashed(Now, index, why);
        _layer?.Stopped(node, why == "crashed");
    }

    public void Restart(int index) => Restart(index, "restarted");

    public void Restart(int index, string why)
    {
        var node = _nodes[index];
        if (node.Up)
        {
            return;
        }

        History.Restarted(Now, index, why);
        Start(node);
    }

    /// <summary>Crashes the node as soon as the current event is done, and restarts it 1-100 ms later.</summary>
    private void CrashRightAfter(int index)
    {
        var restart = Now + TimeSpan.FromTicks(TimeSpan.TicksPerMillisecond + _random.NextInt64(TimeSpan.FromMilliseconds(99).Ticks));
        At(Now, () => Crash(index));
        At(restart < _faultsUntil ? restart : _faultsUntil, () => Restart(index));
    }

    private void Start(SimNode node)
    {
        node.Incarnation++;
        node.Up = true;
        var election = new ElectionState(node.Id, _election, _time, _openStore(node), new Random(_random.Next()), () => Stamp(node));
        node.Election = election;
        node.Health = new HealthPolicy(_health, _time);
        for (var peer = 0; peer < _nodes.Length; peer++)
        {
            node.KnownIncarnation[peer] = _nodes[peer].Incarnation;
        }

        if (_layer is null)
        {
            Monitor(node);
        }

        node.LastRecorded = null; // a new incarnation is always recorded
        _layer?.Started(node);
        var before = Snapshot(election);
        Input(node, election.SetVoters(_ids), before, replyTo: -1, replyIncarnation: 0);

        // Timers start with the process, at a random phase.
        Schedule(_now + 1 + _random.NextInt64(TickInterval.Ticks), new SimEvent(EventKind.Tick, node.Index, node.Incarnation, default, null));
        Schedule(_now + 1 + _random.NextInt64(_health.HeartbeatInterval.Ticks), new SimEvent(EventKind.Heartbeat, node.Index, node.Incarnation, default, null));
    }

    /// <summary>The node's hybrid logical clock alone on the virtual clock: physical ms, logical counter within a ms.</summary>
    private HlcTimestamp Stamp(SimNode node)
    {
        var ms = (ulong)_time.GetUtcNow().ToUnixTimeMilliseconds();
        var last = node.LastStamp;
        node.LastStamp = ms > last.Physical ? new HlcTimestamp(ms, 0) : new HlcTimestamp(last.Physical, last.Logical + 1);
        return node.LastStamp;
    }

    private void AdvanceTo(long at)
    {
        if (at > _now)
        {
            _time.Advance(TimeSpan.FromTicks(at - _now));
            _now = at;
        }
    }

    private void Schedule(long at, SimEvent e) => _queue.Enqueue(e, (at, _seq++));

    private void Handle(SimEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.Action:
                e.Action!();
                return;
            case EventKind.Deliver:
                Deliver(e.Message, e.Action);
                return;
        }

        var node = _nodes[e.Node];
        if (!node.Up || node.Incarnation != e.Incarnation)
        {
            return; // the timers died with that incarnation
        }

        var election = node.Running;
        if (e.Kind == EventKind.Tick)
        {
            var before = Snapshot(election);
            Input(node, election.Tick(), before, -1, 0);
            Schedule(_now + TickInterval.Ticks, e);
            return;
        }

        var health = node.Health!.Evaluate();
        _layer?.HeartbeatInterval(node, health);
        if (!node.Up || node.Incarnation != e.Incarnation)
        {
            return;
        }

        var isLeader = election.Role == ElectionRole.Leader;
        var electedAt = election.ElectedAt ?? HlcTimestamp.Zero;
        for (var peer = 0; peer < _nodes.Length; peer++)
        {
            if (peer != node.Index)
            {
                Send(new SimMessage(MessageKind.Heartbeat, node.Index, node.Incarnation, peer, _nodes[peer].Incarnation,
                    election.Term, isLeader, false, electedAt));
            }
        }

        Schedule(_now + _health.HeartbeatInterval.Ticks, e);
    }

    private void Send(SimMessage m, Action? action = null)
    {
        MessagesSent++;
        if (!_network.Connected(m.From, m.To) || (_layer is not null && !_layer.LinkOpen(m.From, m.FromIncarnation, m.To, m.ToIncarnation))
            || (_network.DropProbability > 0 && _random.NextDouble() < _network.DropProbability))
        {
            MessagesLost++;
            return;
        }

        var delay = _network.LongDelayProbability > 0 && _random.NextDouble() < _network.LongDelayProbability
            ? ShortDelayMax + _random.NextInt64(LongDelayMax - ShortDelayMax)
            : ShortDelayMin + _random.NextInt64(ShortDelayMax - ShortDelayMin);
        Schedule(_now + delay, new SimEvent(EventKind.Deliver, m.To, m.ToIncarnation, m, action));
    }

    private void Deliver(SimMessage m, Action? action)
    {
        var node = _nodes[m.To];
        if (m.Kind == MessageKind.LayerMessage)
        {
            // Layer messages carry Akka's uids: never to another incarnation than the one addressed.
            if (!node.Up || node.Incarnation != m.ToIncarnation || !_network.Connected(m.From, m.To)
                || !_layer!.LinkOpen(m.From, m.FromIncarnation, m.To, m.ToIncarnation))
            {
                MessagesLost++;
                return;
            }

            action!();
            return;
        }

        if (!node.Up || !_network.Connected(m.From, m.To)
            || (node.Incarnation != m.ToIncarnation && _random.Next(2) == 0)
            || (_layer is not null && (!_layer.LinkOpen(m.From, m.FromIncarnation, m.To, node.Incarnation)
                || !_layer.Accepts(m.To, m.From, m.FromIncarnation, m.Kind is MessageKind.Heartbeat or MessageKind.HeartbeatAck)
                || !_layer.Accepts(m.From, m.To, node.Incarnation, m.Kind is MessageKind.Heartbeat or MessageKind.HeartbeatAck))))
        {
            MessagesLost++;
            return;
        }

        var election = node.Running;
        var before = Snapshot(election);
        var from = _ids[m.From];
        switch (m.Kind)
        {
            case MessageKind.Heartbeat:
                HeardFrom(node, m.From, m.FromIncarnation);
                Input(node, election.OnHeartbeat(from, m.Term, m.Flag, m.ElectedAt), before, -1, 0);
                Send(new SimMessage(MessageKind.HeartbeatAck, node.Index, node.Incarnation, m.From, m.FromIncarnation, election.Term, false, false, default));
                break;
            case MessageKind.HeartbeatAck:
                HeardFrom(node, m.From, m.FromIncarnation);
                Input(node, election.OnHeartbeatAck(from, m.Term), before, -1, 0);
                break;
            case MessageKind.VoteRequest:
                Input(node, election.OnVoteRequest(from, m.Term, m.Flag, m.Transfer), before, m.From, m.FromIncarnation);
                break;
            case MessageKind.VoteReply:
                Input(node, election.OnVoteReply(from, m.Term, m.Granted, m.Flag), before, -1, 0);
                break;
            case MessageKind.TimeoutNow:
                Input(node, election.OnTimeoutNow(from, m.Term), before, -1, 0);
                break;
        }
    }

    private void HeardFrom(SimNode node, int peer, int incarnation)
    {
        if (incarnation > node.KnownIncarnation[peer])
        {
            node.KnownIncarnation[peer] = incarnation;
            if (_layer is null)
            {
                Monitor(node);
            }
        }

        _layer?.Heard(node, peer, incarnation);

        node.Health!.HeardDirectly(_ids[peer], _layer?.Uid(peer, incarnation) ?? incarnation);
    }

    private void Monitor(SimNode node) =>
        node.Health!.Monitor(Enumerable.Range(0, _nodes.Length).Where(p => p != node.Index).Select(p => (_ids[p], (long)node.KnownIncarnation[p])));

    private static (NodeId? Leader, long Term, bool HasQuorum) Snapshot(ElectionState e) => (e.Leader, e.Term, e.HasQuorum);

    /// <summary>Sends what an input produced, checks its announcement, and records the node's state if it changed.</summary>
    private void Input(SimNode node, IReadOnlyList<ElectionOutput> outputs, (NodeId? Leader, long Term, bool HasQuorum) before,
        int replyTo, int replyIncarnation)
    {
        var election = node.Running;
        var announced = 0;
        LeadershipChanged? change = null;
        foreach (var output in outputs)
        {
            switch (output)
            {
                case BroadcastVoteRequest request:
                    foreach (var voter in election.Voters)
                    {
                        var to = _index[voter];
                        if (to != node.Index)
                        {
                            Send(new SimMessage(MessageKind.VoteRequest, node.Index, node.Incarnation, to, _nodes[to].Incarnation,
                                request.Term, request.PreVote, false, default) { Transfer = request.Transfer });
                        }
                    }

                    break;
                case SendVoteReply reply:
                    var target = _index[reply.To];
                    Send(new SimMessage(MessageKind.VoteReply, node.Index, node.Incarnation, target,
                        target == replyTo ? replyIncarnation : _nodes[target].Incarnation, reply.Term, reply.PreVote, reply.Granted, default));
                    if (reply is { Granted: true, PreVote: false } && _crashAfterVote > 0 && Now < _faultsUntil
                        && _random.NextDouble() < _crashAfterVote)
                    {
                        CrashRightAfter(node.Index);
                    }

                    break;
                case SendTimeoutNow now:
                    var recipient = _index[now.To];
                    Send(new SimMessage(MessageKind.TimeoutNow, node.Index, node.Incarnation, recipient, _nodes[recipient].Incarnation, now.Term, false, false, default));
                    break;
                case TermRefused { Counted: true } refused when refused.Term > HighestHonestTerm:
                    ForgedTermsRefused++;
                    break;
                case TermRefused { Counted: true }:
                    HonestTermsRefused++;
                    break;
                case TermRefused:
                    TermsUnproven++;
                    break;
                case LeadershipChanged changed:
                    announced++;
                    change = changed;
                    break;
            }
        }

        var after = Snapshot(election);
        if (before == after ? announced != 0 : announced != 1 || change != new LeadershipChanged(after.Leader, after.Term, after.HasQuorum))
        {
            History.Violation(Now, $"{node.Id} announced {announced} LeadershipChanged ({change}) for {before} -> {after}");
        }

        var state = (election.Term, election.Role, election.Leader, election.HasQuorum);
        if (node.LastRecorded != state)
        {
            node.LastRecorded = state;
            History.Observe(new Observation(Now, node.Index, node.Incarnation, state.Term, state.Role,
                state.Leader is { } leader ? _index[leader] : null, state.HasQuorum));
        }

        _layer?.ElectionChanged(node);
    }

    private enum EventKind : byte
    {
        Tick,
        Heartbeat,
        Deliver,
        Action,
    }

    private enum MessageKind : byte
    {
        Heartbeat,
        HeartbeatAck,
        VoteRequest,
        VoteReply,
        TimeoutNow,
        LayerMessage,
    }

    /// <summary>A message; <see cref="Flag"/> is "from the leader" on heartbeats and "pre-vote" on votes.</summary>
    private readonly record struct SimMessage(MessageKind Kind, int From, int FromIncarnation, int To, int ToIncarnation,
        long Term, bool Flag, bool Granted, HlcTimestamp ElectedAt)
    {
        /// <summary>On a vote request: a campaign the leader asked for (TimeoutNow).</summary>
        public bool Transfer { get; init; }
    }

    private readonly record struct SimEvent(EventKind Kind, int Node, int Incarnation, SimMessage Message, Action? Action);
}
