using Akka.Actor;
using Akka.Event;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Protocol;

namespace Solidb.Cluster.Bootstrap;

/// <summary>
/// <c>/user/solidb-cluster/bootstrap</c>. Every node answers whether it is in a cluster. The
/// lowest configured address, while in no cluster (and not a join-only incarnation), also asks
/// every peer and forms a new cluster when <see cref="FormationRule"/> allows it. Joining an
/// existing cluster is Akka's seed process, to which every node with peers lists only its peers.
/// </summary>
public sealed class BootstrapActor : ReceiveActor, IWithTimers
{
    public const string Name = "bootstrap";

    /// <summary>How often the lowest address asks its peers; answers count for 4 rounds.</summary>
    public static readonly TimeSpan QueryInterval = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan WaitLogInterval = TimeSpan.FromSeconds(10);

    private readonly NodeContext _node;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly FormationRule _rule;
    private readonly IReadOnlyList<ActorSelection> _peers;
    private long? _waitLogged;
    private string? _memberLogged;

    public BootstrapActor(NodeContext node)
    {
        _node = node;
        var order = node.Settings.SeedOrder();
        _rule = new FormationRule(node.Time, node.Settings.Self.ToString(), order.Count, 4 * QueryInterval, node.Settings.Bootstrap.SeedNodeTimeout);
        _peers = [.. order.Where(p => p != node.Settings.Self)
            .Select(p => Context.ActorSelection(ModulePaths.Child(AkkaMembers.ToAddress(p.ToString(), _cluster.SelfAddress), Name)))];
        Receive<FormationQuery>(OnQuery);
        Receive<FormationReply>(OnReply);
        Receive<Tick>(_ => OnTick());
        Receive<CrashForTest>(CrashForTest.Throw);
        ReceiveAny(m => _node.Dropped(m, _log, Name));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(NodeContext node) => Akka.Actor.Props.Create(() => new BootstrapActor(node));

    protected override void PreStart()
    {
        if (FormationRule.MayForm(_node.Settings, _node.RejoinOnly))
        {
            _log.Info("Lowest configured address: forms a new cluster only once a majority ({0} of {1}) of the configured nodes " +
                      "answer that they are in no cluster, and joins any cluster a peer is in", _rule.Needed, _peers.Count + 1);
            Timers.StartPeriodicTimer(nameof(Tick), Tick.Instance, QueryInterval);
            Self.Tell(Tick.Instance);
        }
    }

    private void OnQuery(FormationQuery m)
    {
        if (_node.AcceptFromPeer(m, m.From, Sender, _log, out _))
        {
            Sender.Tell(new FormationReply(_node.NodeId.Value, _cluster.IsMember(), _node.Gate.Stamp()));
        }
    }

    private void OnReply(FormationReply m)
    {
        // Counted by the configured peer's address, not by the id it claims: only configured peers
        // count, each once, whatever ids a forger invents.
        if (_node.AcceptFromPeer(m, m.NodeId, Sender, _log, out var peer))
        {
            _rule.Answer(peer, m.Member);
        }
    }

    private void OnTick()
    {
        if (_cluster.IsMember())
        {
            Timers.Cancel(nameof(Tick)); // in a cluster (formed or joined): nothing left to decide
            return;
        }

        var verdict = _rule.Decide();
        switch (verdict.Decision)
        {
            case FormationDecision.Form:
                _log.Info("Forming a new cluster: {0} of the {1} configured nodes (a majority is {2}) answered that they are in no cluster",
                    verdict.Unjoined, verdict.Configured, verdict.Needed);
                Timers.Cancel(nameof(Tick));
                _cluster.Join(_cluster.SelfAddress);
                return;
            case FormationDecision.JoinExisting when verdict.Member != _memberLogged:
                _memberLogged = verdict.Member;
                _log.Info("{0} is in a cluster: joining it instead of forming one", verdict.Member);
                break;
            case FormationDecision.Wait when _waitLogged is null || _node.Time.GetElapsedTime(_waitLogged.Value) >= WaitLogInterval:
                _waitLogged = _node.Time.GetTimestamp();
                _log.Info("Not forming a cluster yet: {0} of the {1} configured nodes answered that they are in no cluster; a majority is {2}",
                    verdict.Unjoined, verdict.Configured, verdict.Needed);
                break;
        }

        var query = new FormationQuery(_node.NodeId.Value, _node.Gate.Stamp());
        foreach (var peer in _peers)
        {
            peer.Tell(query);
        }
    }

    private sealed record Tick
    {
        public static Tick Instance { get; } = new();
    }
}
