using Akka.Actor;
using Akka.Configuration;
using Akka.Remote;
using Akka.Remote.Transport;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Hosting;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Security;

namespace Solidb.Cluster.Specs.Harness;

/// <summary>
/// N actor systems in one process, each with the node's real configuration (NodeAkkaConfig over
/// the reference HOCON) on free loopback ports, plus the throttler transport adapter so that any
/// node can be partitioned or healed (shared AKKA-NOTES §2.1).
/// </summary>
public sealed class InProcessCluster : IAsyncDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "solidb-specs-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly List<ClusterNode> _nodes = [];
    private readonly List<int> _ports;
    private readonly string _extraHocon;
    private readonly Func<int, TimeProvider> _timeOf;
    private readonly Func<int, ClusterSettings, ClusterSettings> _tune;
    private readonly Func<int, TlsFiles?> _tls;
    private readonly Func<int, bool> _slowLink;

    private InProcessCluster(int size, string extraHocon, Func<int, TimeProvider>? timeOf, Func<int, ClusterSettings, ClusterSettings>? tune,
        Func<int, TlsFiles?>? tls, bool lowestLast, Func<int, bool>? slowLink)
    {
        _slowLink = slowLink ?? (_ => false);
        _tls = tls ?? (_ => null);
        _timeOf = timeOf ?? (_ => TimeProvider.System);
        _tune = tune ?? ((_, s) => s);
        // Ascending, so node1 has the lowest address (the first to stand in the formation vote);
        // descending with lowestLast, so that the last node launched has it.
        var ports = Enumerable.Range(0, size).Select(_ => FreePorts.Next()).Order();
        _ports = (lowestLast ? ports.Reverse() : ports).ToList();
        _extraHocon = extraHocon;
    }

    private bool _disposing;
    private readonly HashSet<ActorSystem> _killed = [];

    /// <summary>Each node's restart budget, as its host process keeps one (a spec's Restart is a new process: a new budget).</summary>
    private readonly Dictionary<int, RestartBudget> _budgets = [];

    /// <summary>The current node at each index (a restarted node replaces its old incarnation).</summary>
    public IReadOnlyList<ClusterNode> Nodes
    {
        get
        {
            lock (_nodes)
            {
                return _nodes.ToList();
            }
        }
    }

    public ClusterNode this[int index]
    {
        get
        {
            lock (_nodes)
            {
                return _nodes[index];
            }
        }
    }

    /// <summary>Starts <paramref name="size"/> nodes that list each other as peers, all at once.</summary>
    /// <param name="extraHocon">Layered over the reference configuration: <see cref="SpecTiming.Production"/>, or <see cref="SpecTiming.Scaled"/> for the specs that wait on elections and detections.</param>
    /// <param name="timeOf">Each node's time source (default: the system clock), e.g. to skew one node's wall clock.</param>
    /// <param name="tune">Adjusts a node's parsed settings (test seams such as a simulated send delay).</param>
    /// <param name="started">Starts only the first this many (lowest addresses first); <see cref="Launch"/> starts the next.</param>
    /// <param name="tls">Each node's TLS files (null: no TLS), as --tls-cert/--tls-key/--tls-ca would give them.</param>
    /// <param name="lowestLast">Addresses descend with the index: the last node (the last one launched) has the lowest address.</param>
    /// <param name="slowLink">The nodes whose sends a spec may delay (<see cref="SlowLinkTransportProvider.SetDelay"/>); none by default.</param>
    public static InProcessCluster Start(int size, string extraHocon = SpecTiming.Production, Func<int, TimeProvider>? timeOf = null,
        Func<int, ClusterSettings, ClusterSettings>? tune = null, int? started = null, Func<int, TlsFiles?>? tls = null, bool lowestLast = false,
        Func<int, bool>? slowLink = null)
    {
        var cluster = new InProcessCluster(size, extraHocon, timeOf, tune, tls, lowestLast, slowLink);
        for (var i = 0; i < (started ?? size); i++)
        {
            cluster._nodes.Add(cluster.StartNode(i));
        }

        return cluster;
    }

    /// <summary>Starts the next configured node that has not run yet (see Start's started).</summary>
    public ClusterNode Launch()
    {
        lock (_nodes)
        {
            var node = StartNode(_nodes.Count);
            _nodes.Add(node);
            return node;
        }
    }

    /// <summary>Starts a fresh incarnation of node i (same id and data dir) after it stopped.</summary>
    /// <param name="rejoinOnly">As the host does after the cluster removed the node: join only, never form a cluster.</param>
    public ClusterNode Restart(int index, bool rejoinOnly = false)
    {
        lock (_nodes)
        {
            _budgets.Remove(index);
            return Reincarnate(index, rejoinOnly);
        }
    }

    private ClusterNode Reincarnate(int index, bool rejoinOnly)
    {
        lock (_nodes)
        {
            if (!_nodes[index].IsTerminated)
            {
                throw new InvalidOperationException($"node {index} still runs");
            }

            _nodes[index].DataDir.Dispose();
            _nodes[index] = StartNode(index, rejoinOnly, waitForClockBound: true);
            return _nodes[index];
        }
    }

    public static string NodeIdOf(int index) => $"node{index + 1}";


    /// <summary>Kills node i abruptly: cut off, then its actor system stops without leaving (like kill -9).</summary>
    public async Task KillAsync(int index)
    {
        var node = this[index];
        lock (_nodes)
        {
            _killed.Add(node.System); // a killed node stays dead until the spec restarts it
        }

        await PartitionAsync(index);
        await node.System.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>Cuts node i off from every other node, both directions.</summary>
    public Task PartitionAsync(int index) => SetAllAsync(index, Akka.Remote.Transport.Blackhole.Instance);

    public Task HealAsync(int index) => SetAllAsync(index, Unthrottled.Instance);

    /// <summary>Cuts the link between nodes a and b (both directions); their links to others stay.</summary>
    public Task CutLinkAsync(int a, int b) => SetLinkAsync(a, b, Akka.Remote.Transport.Blackhole.Instance);

    public Task RestoreLinkAsync(int a, int b) => SetLinkAsync(a, b, Unthrottled.Instance);

    private async Task SetLinkAsync(int a, int b, ThrottleMode mode)
    {
        var (nodeA, nodeB) = (this[a], this[b]);
        await Throttle(nodeA, nodeB, mode);
        await Throttle(nodeB, nodeA, mode);
    }

    /// <summary>True when every running node answers and sees exactly the running nodes, all Active, and the same leader.</summary>
    public async Task<bool> IsConvergedAsync()
    {
        var running = Nodes.Where(n => !n.IsTerminated).ToList();
        var ids = running.Select(n => n.NodeId).Order().ToList();
        NodeId? leader = null;
        foreach (var node in running)
        {
            var status = await node.TryStatusAsync();
            if (status is null || status.Leader is null || (leader is not null && status.Leader != leader)
                || !status.Members.Select(m => m.NodeId.Value).Order().SequenceEqual(ids)
                || status.Members.Any(m => m.State != NodeState.Active))
            {
                return false;
            }

            leader = status.Leader;
        }

        return true;
    }

    /// <summary>
    /// The leader and term every node of <paramref name="group"/> agrees on, each with a quorum; null while
    /// they disagree, one has no quorum, or one does not answer (a node between incarnations).
    /// </summary>
    public static async Task<(NodeId Leader, long Term)?> AgreedLeaderAsync(IEnumerable<ClusterNode> group)
    {
        var answers = await Task.WhenAll(group.Select(n => n.TryStatusAsync()));
        if (answers.Any(a => a is null))
        {
            return null;
        }

        var statuses = answers.Select(a => a!).ToList();
        var leaders = statuses.Select(s => (s.Election.Leader, s.Election.Term)).Distinct().ToList();
        return leaders is [({ } leader, var term)] && statuses.All(s => s.Election.HasQuorum) ? (leader, term) : null;
    }

    public async ValueTask DisposeAsync()
    {
        _disposing = true;
        await Task.WhenAll(Nodes.Select(n => n.DisposeAsync().AsTask()));
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp dir is harmless.
        }
    }

    private ClusterNode StartNode(int index, bool rejoinOnly = false, bool waitForClockBound = false)
    {
        var peers = string.Join(",", _ports.Select(p => $"127.0.0.1:{p}"));
        var tls = _tls(index);
        KeyValuePair<string, string>[] tlsKeys = tls is null ? [] :
            [new("solidb.tls.cert-file", tls.Cert), new("solidb.tls.key-file", tls.Key), new("solidb.tls.ca-file", tls.Ca)];
        var slow = _slowLink(index);
        var nodeHocon = slow ? SlowLinkTransportProvider.Hocon + "\n" + _extraHocon : _extraHocon;
        var layered = SolidbConfig.WithOverrides(
            ConfigurationFactory.ParseString(nodeHocon).WithFallback(SolidbConfig.Reference),
            [
                .. tlsKeys,
                new("solidb.node.id", NodeIdOf(index)),
                new("solidb.node.port", _ports[index].ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("solidb.node.http-port", FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("solidb.node.cluster-peers", peers),
                new("solidb.node.data-dir", Path.Combine(_root, NodeIdOf(index))),
            ]);
        var settings = _tune(index, ClusterSettings.FromConfig(layered));
        var dataDir = DataDirectory.Open(settings.DataDir, settings.NodeId);
        if (waitForClockBound)
        {
            // As the host does before each incarnation (Program.Main).
            Task.Delay(NodeContext.ClockStartDelay(settings, dataDir, _timeOf(index)), _timeOf(index)).GetAwaiter().GetResult();
        }

        RestartBudget budget;
        lock (_nodes)
        {
            if (!_budgets.TryGetValue(index, out budget!))
            {
                _budgets[index] = budget = new RestartBudget(settings.Restart, _timeOf(index));
            }
        }

        var context = NodeContext.Create(settings, dataDir, _timeOf(index), rejoinOnly, budget.History);
        // The throttler adapter works over TLS too ("akka.trttl.ssl.tcp"; TlsSpecs partitions a TLS node).
        var material = TlsMaterial.Load(settings.Tls, _timeOf(index));
        var setup = NodeAkkaConfig.SystemSetup(context, layered, material, ["trttl"]);
        if (slow)
        {
            // The slow link adds no scheme, so it must not be one of the adapters that prefix the protocol.
            setup = SlowLinkTransportProvider.Apply(setup);
        }

        var system = ActorSystem.Create(NodeAkkaConfig.SystemName, setup);
        var manager = SolidbNode.Start(system, context);
        var node = new ClusterNode(system, manager, context, dataDir);
        system.WhenTerminated.ContinueWith(_ => RestartIfDowned(index, node), TaskScheduler.Default).Unwrap();
        return node;
    }

    /// <summary>
    /// What the solidb host does (Program.Main, with the same decision, <see cref="Restarts.Decide"/>,
    /// and the same <see cref="RestartBudget"/>): an incarnation that ended for a restart is
    /// followed in-process by a new one under the same node id, join-only or under the normal
    /// bootstrap rule as the decision says, after the budget's back-off if it imposes one.
    /// </summary>
    private async Task RestartIfDowned(int index, ClusterNode node)
    {
        var end = Restarts.Decide(TerminationWatch.Get(node.System).Reason);
        if (_disposing || !end.IsRestart)
        {
            return;
        }

        RestartDelay delay;
        lock (_nodes)
        {
            if (!IsCurrent(index, node))
            {
                return;
            }

            delay = _budgets[index].Record(end.Cause!.Value);
        }

        if (delay.BacksOff)
        {
            await Task.Delay(delay.Wait, _timeOf(index));
        }

        lock (_nodes)
        {
            if (IsCurrent(index, node))
            {
                Reincarnate(index, rejoinOnly: end.Next == NextIncarnation.RejoinOnly);
            }
        }
    }

    /// <summary>The node is still index's incarnation, the spec did not kill it, and the cluster is not being disposed (under the lock).</summary>
    private bool IsCurrent(int index, ClusterNode node) => !_disposing && _nodes[index] == node && !_killed.Contains(node.System);

    private async Task SetAllAsync(int index, ThrottleMode mode)
    {
        var nodes = Nodes;
        var target = nodes[index];
        foreach (var other in nodes.Where(n => n != target && !n.IsTerminated))
        {
            await Throttle(other, target, mode);
            await Throttle(target, other, mode);
        }
    }

    /// <summary>
    /// Sets the throttle of from's link to <paramref name="to"/>, or throws naming the link: a
    /// partition or heal that was never applied would make the spec test something else. A
    /// stopped system has no links to throttle (not an error). The transport's management
    /// command can time out while that system is busy starting or stopping; it is retried (a
    /// throttle setting is idempotent) before it fails the spec.
    /// </summary>
    private static async Task Throttle(ClusterNode from, ClusterNode to, ThrottleMode mode)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (from.IsTerminated)
            {
                return;
            }

            bool applied;
            try
            {
                applied = await ((RemoteActorRefProvider)((ExtendedActorSystem)from.System).Provider).Transport
                    .ManagementCommand(new SetThrottle(to.Address, ThrottleTransportAdapter.Direction.Both, mode));
            }
            catch (Exception) when (from.IsTerminated)
            {
                return; // it stopped while the command ran
            }
            catch (Exception e) when (attempt < 3 && e.GetBaseException() is AskTimeoutException)
            {
                continue;
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"{mode.GetType().Name} on the link {Link(from, to)} was not applied: {e.GetBaseException().Message}", e);
            }

            if (applied || from.IsTerminated)
            {
                return;
            }

            throw new InvalidOperationException($"{mode.GetType().Name} on the link {Link(from, to)} was not applied (the transport answered no)");
        }
    }

    private static string Link(ClusterNode from, ClusterNode to) => $"{from.NodeId} ({from.Address}) -> {to.NodeId} ({to.Address})";
}
