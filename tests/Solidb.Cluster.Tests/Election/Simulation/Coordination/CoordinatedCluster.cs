using Akka.Actor;
using Akka.Cluster;
using Solidb.Cluster.Election;
using Solidb.Cluster.Health;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Stats;

namespace Solidb.Cluster.Tests.Election.Simulation.Coordination;

/// <summary>
/// Runs a <see cref="NodeCoordinator"/> on every simulated node, fed as <see cref="ClusterManagerActor"/>
/// feeds it: the health policy's verdicts every heartbeat interval (as FailureDetectorActor sends
/// <c>HealthSignals</c>), the election's <see cref="LeaderInfo"/> on every change, <c>Tick</c> with this
/// incarnation's standing every heartbeat interval, member events from the modelled Akka.Cluster
/// (<see cref="AkkaMembershipModel"/>) and <c>QuarantinedByPeer</c> when a quarantined incarnation
/// tries to reach a peer that quarantined it. Its decisions are carried out: a published snapshot
/// sets what the health policy monitors (members but self, Leaving and Downed ones), DownMember and
/// QuarantineMember act on the model, RestartSelf (and being Down or removed) ends the incarnation,
/// and the host asks <see cref="Restarts.Decide"/> what follows and starts it after
/// <see cref="RestartDelayMin"/>-<see cref="RestartDelayMax"/>.
/// Simplifications: the election keeps every configured node as a voter (the election simulation's
/// fixed membership), the detector monitors every member itself (no ring, no indirect probes, no
/// adopted reports), and introductions are not modelled (they carry HTTP addresses only).
/// </summary>
internal sealed class CoordinatedCluster : ISimulationLayer
{
    public static readonly TimeSpan GossipInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan RestartDelayMin = TimeSpan.FromMilliseconds(200);
    public static readonly TimeSpan RestartDelayMax = TimeSpan.FromMilliseconds(1500);

    /// <summary>The bootstrap rule's patience (seed-node-timeout) before forming with a bare majority.</summary>
    public static readonly TimeSpan FormationPatience = TimeSpan.FromSeconds(5);

    private readonly ElectionSimulation _sim;
    private readonly int _n;
    private readonly Func<int, IReadOnlyList<(NodeId, long, HealthSignal)>, IReadOnlyList<(NodeId, long, HealthSignal)>> _signals;
    private readonly NodeCoordinator?[] _coordinators;
    private readonly LeaderInfo?[] _fed;
    private readonly (NextIncarnation Next, string Why)?[] _pending;
    private readonly bool[] _rejoinOnly;
    private readonly TimeSpan[] _startedAt;
    private readonly (int Uid, TimeSpan At)[,] _lastHeard;
    private readonly (int Uid, TimeSpan Longest)[,] _longestSilence;

    /// <param name="signals">Test seam: what reaches the coordinator of a node from its health policy (default: the signals as they are).</param>
    public CoordinatedCluster(ElectionSimulation sim,
        Func<int, IReadOnlyList<(NodeId, long, HealthSignal)>, IReadOnlyList<(NodeId, long, HealthSignal)>>? signals = null)
    {
        _sim = sim;
        _n = sim.History.NodeCount;
        _signals = signals ?? ((_, s) => s);
        Model = new AkkaMembershipModel(_n);
        History = new CoordinationHistory(sim.History, sim.HealthSettings);
        Voters = new VoterTimeline(_n);
        sim.History.VotersFormed = (at, set) => Voters.AdmitEachOther(at, set, Uid);
        _coordinators = new NodeCoordinator?[_n];
        _fed = new LeaderInfo?[_n];
        _pending = new (NextIncarnation, string)?[_n];
        _rejoinOnly = new bool[_n];
        _startedAt = new TimeSpan[_n];
        _lastHeard = new (int, TimeSpan)[_n, _n];
        _longestSilence = new (int, TimeSpan)[_n, _n];
    }

    public AkkaMembershipModel Model { get; }

    public CoordinationHistory History { get; }

    public VoterTimeline Voters { get; }

    public static string Address(int node) => $"node{node + 1}:6745";

    public NodeCoordinator? Coordinator(int node) => _coordinators[node];

    public void Started(SimNode node)
    {
        var i = node.Index;
        _rejoinOnly[i] = _pending[i] is { Next: NextIncarnation.RejoinOnly };
        _pending[i] = null;
        _startedAt[i] = _sim.Now;
        _fed[i] = null;
        for (var p = 0; p < _n; p++)
        {
            _lastHeard[i, p] = default;
            _longestSilence[i, p] = default;
        }

        Model.Reset(i);
        Voters.Started(_sim.Now, i, node.Incarnation);
        var coordinator = new NodeCoordinator(node.Id, _sim.Time, _sim.ElectionSettings, _rejoinOnly[i], new NodeCounters(_sim.Time));
        _coordinators[i] = coordinator;
        Carry(node, coordinator.MembersReset([]));
        var incarnation = node.Incarnation;
        _sim.At(_sim.Now + TimeSpan.FromTicks(1 + _sim.Random.NextInt64(GossipInterval.Ticks)), () => GossipTick(node, incarnation));
    }

    public void Stopped(SimNode node, bool killed)
    {
        Model.Reset(node.Index);
        _coordinators[node.Index] = null;
        if (killed)
        {
            _pending[node.Index] = null; // the fault's own restart (a plain start) replaces the host's
        }
    }

    public void ElectionChanged(SimNode node)
    {
        if (_coordinators[node.Index] is not { } coordinator || node.Election is not { } e)
        {
            return;
        }

        var info = new LeaderInfo(e.Leader, e.Term, e.ElectedAt, e.HasQuorum, e.Voters.Count, e.FailureTolerance) { QuorumSize = e.QuorumSize };
        if (info != _fed[node.Index])
        {
            _fed[node.Index] = info;
            Carry(node, coordinator.LeaderChanged(info));
        }
    }

    public void HeartbeatInterval(SimNode node, HealthTick tick)
    {
        if (_coordinators[node.Index] is not { } coordinator)
        {
            return;
        }

        if (tick.Changes.Count > 0)
        {
            Carry(node, coordinator.Health(_signals(node.Index, tick.Changes.Select(c => (c.Peer, c.Uid, c.Signal)).ToList())));
        }

        if (_coordinators[node.Index] == coordinator)
        {
            Carry(node, coordinator.Tick(Standing(node)));
        }
    }

    /// <summary>Akka uids are unique across nodes (the coordinator's table keys retired incarnations by uid alone).</summary>
    public long Uid(int node, int incarnation) => ((long)incarnation * 1000) + node;

    private static int IncarnationOf(long uid) => (int)(uid / 1000);

    public void Heard(SimNode node, int peer, int incarnation)
    {
        var uid = incarnation;
        var silence = Silence(node.Index, peer, uid);
        if (_longestSilence[node.Index, peer].Uid != uid || silence > _longestSilence[node.Index, peer].Longest)
        {
            _longestSilence[node.Index, peer] = (uid, _longestSilence[node.Index, peer].Uid == uid
                ? Max(silence, _longestSilence[node.Index, peer].Longest) : silence);
        }

        _lastHeard[node.Index, peer] = (incarnation, _sim.Now);
    }

    /// <summary>
    /// Production's Inbound check on election messages (the sender must be the member at its
    /// address in the receiver's published snapshot; heartbeats and acks: in the incarnation they
    /// claim), applied where the receiver's standing is known: once it is in a cluster, a sender its
    /// snapshot does not list, or lists in a newer incarnation, is refused. A sender it cannot judge
    /// (the receiver is in no cluster yet, or the sender is a newer incarnation than the one it
    /// lists) is let through, a superset of what production admits: the simulation's election keeps
    /// every configured node a voter and does not wait for membership, so its liveness bounds stay
    /// those of the election simulation.
    /// </summary>
    public bool Accepts(int to, int from, int fromIncarnation, bool uidChecked)
    {
        if (_coordinators[to] is not { } coordinator)
        {
            return true; // the incarnation is ending
        }

        if (coordinator.Snapshot.Find(_sim.IdOf(from)) is { } member)
        {
            return !uidChecked || member.Uid <= Uid(from, fromIncarnation);
        }

        return !Model.Welcomed(to);
    }

    /// <summary>
    /// The longest stretch in which <paramref name="node"/>'s current incarnation heard nothing
    /// from incarnation <paramref name="uid"/> of <paramref name="peer"/>, up to now (a Failed
    /// verdict stays until the member is downed, so any such stretch can justify a later down).
    /// </summary>
    public TimeSpan LongestSilence(int node, int peer, int uid)
    {
        var now = Silence(node, peer, uid);
        var longest = _longestSilence[node, peer];
        return longest.Uid == uid ? Max(now, longest.Longest) : now;
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    public bool LinkOpen(int from, int fromIncarnation, int to, int toIncarnation) =>
        !Model.Quarantined(to, toIncarnation, from, fromIncarnation) && !Model.Quarantined(from, fromIncarnation, to, toIncarnation);

    /// <summary>How long incarnation <paramref name="uid"/> of <paramref name="peer"/> has not been heard by <paramref name="node"/>'s current incarnation.</summary>
    public TimeSpan Silence(int node, int peer, int uid)
    {
        var (heardUid, at) = _lastHeard[node, peer];
        return _sim.Now - (heardUid == uid ? at : _startedAt[node]);
    }

    private SelfStanding Standing(SimNode node)
    {
        var view = Model.View(node.Index);
        var self = view?.Members[node.Index] ?? default;
        var listed = self.Present && self.Uid == node.Incarnation;
        return new SelfStanding(listed, listed && self.Status is SimStatus.Up or SimStatus.Leaving);
    }

    private bool Running(int node, int uid) => _sim.Nodes[node].Up && _sim.Nodes[node].Incarnation == uid;

    private void GossipTick(SimNode node, int incarnation)
    {
        if (!Running(node.Index, incarnation))
        {
            return;
        }

        var i = node.Index;
        NoticeQuarantines(node);
        if (!Running(i, incarnation))
        {
            return;
        }

        if (Model.View(i) is not { } view)
        {
            JoinOrForm(node);
        }
        else
        {
            var copy = view.Copy();
            if (Model.LeaderActions(copy, i, (a, uid) => Running(a, uid) && _sim.Network.Connected(i, a)
                    && !copy.Terminated.Contains((a, uid)) && LinkOpen(i, incarnation, a, uid)
                    && (a == i || Model.View(a) is { } seen && seen.Lists(i, incarnation))))
            {
                Change(node, copy);
            }

            if (Model.View(i) is { } now)
            {
                Gossip(node, now);
            }
        }

        _sim.At(_sim.Now + GossipInterval, () => GossipTick(node, incarnation));
    }

    /// <summary>A quarantined incarnation's transport is refused by every peer that quarantined it (and that it can reach).</summary>
    private void NoticeQuarantines(SimNode node)
    {
        for (var q = 0; q < _n && _coordinators[node.Index] is { } coordinator; q++)
        {
            var peer = _sim.Nodes[q];
            if (q != node.Index && peer.Up && _sim.Network.Connected(node.Index, q)
                && Model.Quarantined(q, peer.Incarnation, node.Index, node.Incarnation))
            {
                Carry(node, coordinator.QuarantinedByPeer(Address(q)));
            }
        }
    }

    private void JoinOrForm(SimNode node)
    {
        var i = node.Index;
        var uid = node.Incarnation;
        for (var p = 0; p < _n; p++)
        {
            if (p != i && _sim.Nodes[p].Up)
            {
                var peer = _sim.Nodes[p];
                var peerUid = peer.Incarnation;
                _sim.Post(i, uid, p, peerUid, () => ReceiveJoin(peer, i, uid));
            }
        }

        if (i != 0 || _rejoinOnly[i])
        {
            return;
        }

        // The bootstrap rule (FormationRule), with the answers read from the ground truth: the
        // lowest address forms when a strict majority of the nodes, itself included, is reachable
        // and in no cluster and no reachable node is in one; at once when all are, else after the patience.
        var reachable = Enumerable.Range(0, _n).Where(p => _sim.Nodes[p].Up && _sim.Network.Connected(i, p)).ToList();
        var unjoined = reachable.Count(p => !Model.Welcomed(p));
        var inCluster = reachable.Any(Model.Welcomed);
        if (!inCluster && unjoined * 2 > _n && (unjoined == _n || _sim.Now - _startedAt[i] >= FormationPatience))
        {
            if (Enumerable.Range(0, _n).Any(p => p != i && _sim.Nodes[p].Up && Model.Welcomed(p)))
            {
                History.SecondClusterFormed(_sim.Now, i, uid);
            }

            Change(node, Model.Form(i, uid));
        }
    }

    private void ReceiveJoin(SimNode receiver, int joiner, int joinerUid)
    {
        if (Model.View(receiver.Index) is not { } view)
        {
            return;
        }

        var copy = view.Copy();
        var welcome = AkkaMembershipModel.Join(copy, receiver.Index, joiner, joinerUid);
        Change(receiver, copy);
        if (welcome && Model.View(receiver.Index) is { } now)
        {
            var sent = now.Copy();
            var target = _sim.Nodes[joiner];
            _sim.Post(receiver.Index, receiver.Incarnation, joiner, joinerUid, () =>
            {
                if (!Model.Welcomed(joiner) && sent.Lists(joiner, joinerUid))
                {
                    Change(target, sent.Copy());
                }
            });
        }
    }

    private void Gossip(SimNode node, GossipView view)
    {
        for (var p = 0; p < _n; p++)
        {
            if (p != node.Index && view.Members[p].Present)
            {
                var sent = view.Copy();
                var target = _sim.Nodes[p];
                var from = node.Index;
                var fromUid = node.Incarnation;
                var to = view.Members[p].Uid;
                _sim.Post(from, fromUid, p, to, () => ReceiveGossip(target, from, fromUid, sent));
            }
        }
    }

    private void ReceiveGossip(SimNode node, int from, int fromUid, GossipView gossip)
    {
        if (Model.View(node.Index) is not { } view || !gossip.Lists(node.Index, node.Incarnation) || !view.Lists(from, fromUid))
        {
            return;
        }

        var merged = view.Copy();
        AkkaMembershipModel.Merge(merged, gossip);
        Change(node, merged);
    }

    /// <summary>Installs a node's new view and tells its coordinator every member that changed, as Akka's member events do.</summary>
    private void Change(SimNode node, GossipView next)
    {
        var i = node.Index;
        var before = Model.View(i);
        Model.Set(i, next);
        for (var a = 0; a < _n && _coordinators[i] is { } coordinator; a++)
        {
            var old = before?.Members[a] ?? default;
            var now = next.Members[a];
            if (old == now)
            {
                continue;
            }

            if (old is { Present: true, Status: SimStatus.Down } && old.Uid != now.Uid && a != i)
            {
                // Akka's ClusterRemoteWatcher quarantines a member removed while Down, on every node that sees the removal.
                Model.Quarantine(i, node.Incarnation, a, old.Uid);
            }

            if (old.Present && old.Uid != now.Uid)
            {
                Carry(node, coordinator.MemberChanged(Observed(a, old.Uid, MemberStatus.Removed)));
            }

            if (now.Present && _coordinators[i] == coordinator)
            {
                Carry(node, coordinator.MemberChanged(Observed(a, now.Uid, ToAkka(now.Status))));
            }
        }

        if (_coordinators[i] is null)
        {
            return;
        }

        var self = next.Members[i];
        if ((self.Present && self.Uid == node.Incarnation && self.Status == SimStatus.Down) || next.RemovedUpTo[i] >= node.Incarnation)
        {
            End(node, Restarts.Decide(CoordinatedShutdown.ClusterDowningReason.Instance), "saw itself Down or removed in the gossip");
        }
    }

    private ObservedMember Observed(int address, int uid, MemberStatus status) => new(_sim.IdOf(address), Address(address), Uid(address, uid), status);

    private static MemberStatus ToAkka(SimStatus status) => status switch
    {
        SimStatus.Joining => MemberStatus.Joining,
        SimStatus.Up => MemberStatus.Up,
        SimStatus.Leaving => MemberStatus.Leaving,
        _ => MemberStatus.Down,
    };

    /// <summary>Carries out a coordinator's decisions, as ClusterManagerActor.Carry does.</summary>
    private void Carry(SimNode node, IReadOnlyList<Decision> decisions)
    {
        foreach (var decision in decisions)
        {
            switch (decision)
            {
                case PublishMembership p:
                    Voters.Published(_sim.Now, node.Index, node.Incarnation, p.Snapshot, _sim.IndexOf);
                    node.Health?.Monitor(p.Snapshot.Members
                        .Where(m => m.NodeId != node.Id && m.State != NodeState.Leaving && !m.Downed)
                        .Select(m => (m.NodeId, m.Uid)));
                    RepublishLeader(node);
                    break;
                case DownMember d:
                    DownMember(node, d);
                    break;
                case QuarantineMember q:
                    Model.Quarantine(node.Index, node.Incarnation, _sim.IndexOf(q.NodeId), IncarnationOf(q.Uid));
                    break;
                case RestartSelf r:
                    if (r.DownSelf && Model.View(node.Index) is { } view)
                    {
                        var copy = view.Copy();
                        copy.Members[node.Index] = new Slot(node.Incarnation, SimStatus.Down);
                        Model.Set(node.Index, copy);
                        Gossip(node, copy);
                    }

                    End(node, Restarts.Decide(new SelfRestartReason(r.Cause)), $"decided RestartSelf({r.Cause})");
                    break;
            }
        }
    }

    /// <summary>
    /// The election actor answers every MembershipChanged with its LeaderInfo (ElectionActor.OnMembership:
    /// voter counts may change), so the coordinator hears the leader again after each published
    /// snapshot. (The coordinator no longer needs it to name a leader that joined after the election
    /// named it: with this call left out, the same 10,000 seeds fail the same way.)
    /// </summary>
    private void RepublishLeader(SimNode node)
    {
        var incarnation = node.Incarnation;
        _sim.At(_sim.Now, () =>
        {
            if (Running(node.Index, incarnation) && _coordinators[node.Index] is { } coordinator && _fed[node.Index] is { } info)
            {
                Carry(node, coordinator.LeaderChanged(info));
            }
        });
    }

    private void DownMember(SimNode node, DownMember d)
    {
        var target = _sim.IndexOf(d.NodeId);
        var uid = IncarnationOf(d.Uid);
        // Akka downs only a member its gossip lists Up/Joining in that incarnation (AkkaSide.Down); a
        // repeated decision, or one about a member someone else downed already, changes nothing.
        if (Model.View(node.Index) is { } view && view.Lists(target, uid) && view.Members[target].Status != SimStatus.Down)
        {
            History.Downed(_sim.Now, node, target, uid, Running(target, uid), LongestSilence(node.Index, target, uid));
            var copy = view.Copy();
            copy.Members[target] = new Slot(uid, SimStatus.Down);
            Change(node, copy);
        }
    }

    /// <summary>True when two running nodes are in clusters whose gossip does not list the other's current incarnation.</summary>
    public bool TwoClusters()
    {
        var welcomed = Enumerable.Range(0, _n).Where(p => _sim.Nodes[p].Up && Model.Welcomed(p)).ToList();
        return welcomed.Any(i => welcomed.Any(j => j != i && !Model.View(i)!.Lists(j, _sim.Nodes[j].Incarnation)
            && !Model.View(j)!.Lists(i, _sim.Nodes[i].Incarnation)));
    }

    /// <summary>
    /// True when the gossip of no majority of the nodes (running ones, itself included) lists this
    /// incarnation as a live member: it is Down, removed or replaced there, or it sits in a minority
    /// cluster (e.g. an old one, after the bootstrap rule formed a new one behind a partition).
    /// </summary>
    private bool Expelled(int node, int incarnation) =>
        Enumerable.Range(0, _n).Count(p => _sim.Nodes[p].Up && Model.View(p) is { } v
            && v.Lists(node, incarnation) && v.Members[node].Status != SimStatus.Down) * 2 <= _n;

    /// <summary>Ends the node's incarnation once the current event is done; the host starts the next one after a short delay.</summary>
    private void End(SimNode node, IncarnationEnd end, string why)
    {
        var i = node.Index;
        var incarnation = node.Incarnation;
        _coordinators[i] = null; // it decides nothing more
        _sim.At(_sim.Now, () =>
        {
            if (!Running(i, incarnation))
            {
                return;
            }

            History.Ended(_sim.Now, i, incarnation, end, why, Expelled(i, incarnation));
            _sim.Crash(i, $"#{incarnation} {why}: {end.Cause} -> {end.Next}");
            if (end.Next == NextIncarnation.Exit)
            {
                return;
            }

            _pending[i] = (end.Next, why);
            var delay = RestartDelayMin + TimeSpan.FromTicks(_sim.Random.NextInt64((RestartDelayMax - RestartDelayMin).Ticks));
            _sim.At(_sim.Now + delay, () =>
            {
                if (_pending[i] is { } p && !_sim.Nodes[i].Up)
                {
                    _sim.Restart(i, $"started by the host ({p.Next})");
                }
            });
        });
    }
}
