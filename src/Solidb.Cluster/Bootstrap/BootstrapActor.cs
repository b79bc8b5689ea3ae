using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Protocol;

namespace Solidb.Cluster.Bootstrap;

/// <summary>
/// <c>/user/solidb-cluster/bootstrap</c>. Every node answers formation queries and votes
/// (<see cref="FormationVote"/> holds the rules). A node in no cluster that is not a rejoin-only
/// incarnation also asks its configured peers every query interval, stands as candidate when the
/// rule says so, and forms a cluster with a majority of promises. Joining an existing cluster is
/// Akka's seed process, to which every node with peers lists only its peers. A new cluster that no
/// majority is Up in within half a lease is abandoned through the supervisor.
/// </summary>
public sealed class BootstrapActor : ReceiveActor, IWithTimers
{
    public const string Name = "bootstrap";

    /// <summary>How often a node in no cluster asks its peers; answers count for 4 rounds.</summary>
    public static readonly TimeSpan QueryInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Candidates stand in address order, this far apart.</summary>
    public static readonly TimeSpan RankDelay = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan WaitLogInterval = TimeSpan.FromSeconds(10);

    private readonly NodeContext _node;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly FormationVote _vote;
    private readonly HashSet<string> _configured;
    private readonly IReadOnlyList<ActorSelection> _peers;
    private readonly Dictionary<long, (long WallMs, long At)> _sent = [];
    private long _seq;
    private long? _waitLogged;
    private string? _memberLogged;

    public BootstrapActor(NodeContext node)
    {
        _node = node;
        var order = node.Settings.SeedOrder().Select(p => p.ToString()).ToList();
        _configured = order.ToHashSet(StringComparer.Ordinal);
        var timing = new FormationTiming(QueryInterval, node.Settings.Bootstrap.SeedNodeTimeout, node.Settings.Bootstrap.FormationLease, RankDelay);
        _vote = new FormationVote(node.Time, node.NewRandom(), node.FormationStore, node.Address, node.NodeId, order, timing, node.RejoinOnly);
        _peers = [.. order.Where(p => p != node.Address)
            .Select(p => Context.ActorSelection(ModulePaths.Child(AkkaMembers.ToAddress(p, _cluster.SelfAddress), Name)))];
        Receive<FormationQuery>(OnQuery);
        Receive<FormationReply>(OnReply);
        Receive<FormationVoteRequest>(OnVoteRequest);
        Receive<FormationVoteReply>(OnVoteReply);
        Receive<Tick>(_ => OnTick());
        Receive<Check>(_ => OnCheck());
        ReceiveAny(m => _node.Dropped(m, _log, Name));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(NodeContext node) => Akka.Actor.Props.Create(() => new BootstrapActor(node));

    protected override void PreStart()
    {
        if (!_node.RejoinOnly && _peers.Count > 0)
        {
            _log.Info("In no cluster: asking the {0} configured peers every {1} ms; forms a new cluster only with promises from a majority " +
                      "({2} of {3}) of the configured nodes, and joins any cluster a peer is in{4}", _peers.Count, QueryInterval.TotalMilliseconds,
                _vote.Needed, _vote.Configured, _vote.Promise.Round > 0 ? $" (holds the promise of round {_vote.Promise.Round} to {_vote.Promise.CandidateAddress} for one lease)" : "");
            Timers.StartPeriodicTimer(nameof(Tick), Tick.Instance, QueryInterval);
            Self.Tell(Tick.Instance);
        }
    }

    private void OnQuery(FormationQuery m)
    {
        if (_node.AcceptFromPeer(m, m.From, Sender, _log, out var peer))
        {
            Sender.Tell(new FormationReply(_node.NodeId.Value, _cluster.IsMember(), _vote.MaxRound, _vote.PromisedElsewhere(peer), m.Seq,
                _node.WallMs(), _node.Gate.Stamp()));
        }
    }

    private void OnReply(FormationReply m)
    {
        // Counted by the configured peer's address, not by the id it claims: only configured peers
        // count, each once, whatever ids a forger invents.
        if (_node.AcceptFromPeer(m, m.NodeId, Sender, _log, out var peer))
        {
            if (m.WallMs > 0 && _sent.TryGetValue(m.Seq, out var sent))
            {
                _node.WallOffsets.Record(peer, sent.WallMs, m.WallMs, _node.Time.GetElapsedTime(sent.At));
            }

            _vote.Answer(peer, m.Member, m.Round, m.PromisedElsewhere);
        }
    }

    private void OnVoteRequest(FormationVoteRequest m)
    {
        if (!_node.AcceptFromPeer(m, m.Candidate, Sender, _log, out var peer))
        {
            return;
        }

        var clock = _node.ClockStatus;
        var grant = _vote.Vote(peer, NodeId.Parse(m.Candidate), m.Round, _cluster.IsMember(), clock.InSync,
            clock.IsPeerInSync(peer) && clock.Agrees(_node.WallOffsets.Of(peer))); // a founder's clock is not given the benefit of the doubt
        _log.Info("{0} formation promise of round {1} to {2} at {3}: {4}", grant.Granted ? "Granted the" : "Refused the",
            m.Round, m.Candidate, peer, grant.Why);
        Sender.Tell(new FormationVoteReply(_node.NodeId.Value, m.Round, grant.Granted, _node.WallMs(), _node.Gate.Stamp()));
    }

    private void OnVoteReply(FormationVoteReply m)
    {
        if (_node.AcceptFromPeer(m, m.From, Sender, _log, out var peer) && _vote.Granted(peer, m.Round, m.Granted))
        {
            _log.Info("Forming a new cluster: a majority ({0} of {1}) of the configured nodes promised round {2}; it must have a majority Up within {3}s",
                _vote.Needed, _vote.Configured, m.Round, _vote.CheckDue.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture));
            Timers.Cancel(nameof(Tick));
            _cluster.Join(_cluster.SelfAddress);
            Timers.StartSingleTimer(nameof(Check), Check.Instance, _vote.CheckDue);
        }
    }

    private void OnTick()
    {
        if (_cluster.IsMember())
        {
            Timers.Cancel(nameof(Tick)); // in a cluster (formed or joined): only the check is left
            if (!Timers.IsTimerActive(nameof(Check)))
            {
                Timers.StartSingleTimer(nameof(Check), Check.Instance, _vote.Joined());
            }

            return;
        }

        var outcome = _vote.Tick(_node.ClockStatus.InSync);
        switch (outcome.Step)
        {
            case FormationStep.Stand:
                _log.Info("Standing for round {0} of the formation vote: {1}", outcome.Round, outcome.Why);
                Broadcast(new FormationVoteRequest(_node.NodeId.Value, outcome.Round, _node.WallMs(), _node.Gate.Stamp()));
                break;
            case FormationStep.GiveUp:
                _log.Info("Gave up round {0} of the formation vote: {1}; it may stand again once its promise expired", outcome.Round, outcome.Why);
                break;
            case FormationStep.JoinExisting when outcome.Member != _memberLogged:
                _memberLogged = outcome.Member;
                _log.Info("{0} is in a cluster: joining it instead of forming one", outcome.Member);
                break;
            case FormationStep.Wait when _waitLogged is null || _node.Time.GetElapsedTime(_waitLogged.Value) >= WaitLogInterval:
                _waitLogged = _node.Time.GetTimestamp();
                _log.Info("Not forming a cluster yet: {0}", outcome.Why);
                break;
        }

        Query();
    }

    private void Query()
    {
        var seq = ++_seq;
        var wall = _node.WallMs();
        _sent[seq] = (wall, _node.Time.GetTimestamp());
        _sent.Remove(seq - 8); // a reply later than 8 intervals gives no useful round trip
        Broadcast(new FormationQuery(_node.NodeId.Value, seq, wall, _node.Gate.Stamp()));
    }

    private void Broadcast(IProtocolMessage message)
    {
        foreach (var peer in _peers)
        {
            peer.Tell(message);
        }
    }

    private void OnCheck()
    {
        var up = _cluster.State.Members.Count(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp
            && _configured.Contains(AkkaMembers.HostPort(m.Address)));
        if (!_vote.ShouldAbandon(up))
        {
            _log.Info("The cluster is established: {0} of the {1} configured nodes are Up in it", up, _vote.Configured);
            return;
        }

        _log.Warning("Abandoning this new cluster: only {0} of the {1} configured nodes are Up in it half a formation lease after it formed " +
                     "(a majority is {2}); ending this incarnation before the formation promises expire, so that it is in no cluster when " +
                     "others may form one", up, _vote.Configured, _vote.Needed);
        Context.Parent.Tell(new AbandonFormation(up, _vote.Configured));
    }

    private sealed record Tick { public static Tick Instance { get; } = new(); }

    private sealed record Check { public static Check Instance { get; } = new(); }
}
