namespace Solidb.Cluster.Tests.Election.Simulation.Coordination;

/// <summary>A member's status in the modelled Akka.Cluster gossip (Removed leaves a tombstone).</summary>
internal enum SimStatus : byte
{
    Joining,
    Up,
    Leaving,
    Down,
}

/// <summary>One address's member: uid = the node's incarnation; uid 0 = no member.</summary>
internal readonly record struct Slot(int Uid, SimStatus Status)
{
    public bool Present => Uid != 0;
}

/// <summary>
/// One node's gossip: a member per address (node index), per address the highest uid removed, and
/// the incarnations this gossip marks unreachable because some node's transport quarantined them
/// (Akka's reachability table; our detector never marks anyone unreachable).
/// </summary>
internal sealed class GossipView(int nodes)
{
    public Slot[] Members { get; } = new Slot[nodes];

    public int[] RemovedUpTo { get; } = new int[nodes];

    public HashSet<(int Address, int Uid)> Terminated { get; } = [];

    public GossipView Copy()
    {
        var copy = new GossipView(Members.Length);
        Members.CopyTo(copy.Members, 0);
        RemovedUpTo.CopyTo(copy.RemovedUpTo, 0);
        copy.Terminated.UnionWith(Terminated);
        return copy;
    }

    public bool Lists(int address, int uid) => Members[address] is { Present: true } s && s.Uid == uid;
}

/// <summary>
/// A small, explicit model of Akka.Cluster membership for the simulation: each running
/// incarnation holds its own gossip view (address = node index, uid = incarnation, status
/// Joining/Up/Leaving/Down, Removed as a per-address tombstone "every uid up to this one is
/// gone"). Views change locally and spread by gossip (merge: tombstones win, then the higher uid,
/// then the later status), which the driver carries over the simulated network, so a change never
/// crosses a partition and the other side catches up once healed.
/// <para>Simplifications (stated so they can be judged): gossip is accepted only by a welcomed
/// incarnation that the gossip lists and that lists the sender; there are no vector clocks (the
/// merge above is monotone, which is all a status order needs); convergence, which Akka derives
/// from "seen" sets and its reachability table, is read from the ground truth: every Up/Leaving,
/// non-Down member of the leader's view is running, lists the leader in its own view (Akka ignores
/// gossip from a node it does not list, e.g. one it removed, so it never marks that version seen),
/// connected to the leader (every node pushes
/// full gossip to every member each interval, AkkaSide.ShareGossip, so "seen" news crosses a cut
/// link through a third node within an interval or two) and not marked unreachable in the
/// leader's view; a quarantine marks the uid unreachable in the quarantining node's view, and
/// the mark spreads with its gossip (merge: union), as Akka's reachability records do (a record
/// is kept while its target is a member; Akka drops the records of a removed observer, which
/// changes nothing here because only Down members are quarantined); no WeaklyUp, no graceful leave (no Leaving
/// is ever produced), no roles; the join handshake is one message to every peer and a welcome
/// (the full view) back.</para>
/// <para>Rules modelled as Akka has them: the leader of a view is the lowest address among
/// Up/Leaving members that the view does not mark unreachable, the node itself always counting as
/// reachable, or, when there is none, the lowest such Joining member (MembershipState.LeaderOf); only a converged leader moves Joining to Up, and removes a Down
/// member only once its view marks it unreachable; a join of a new incarnation while the old one is still
/// a member makes the receiver mark the old one Down and ignore the join (the newcomer retries);
/// a node that sees itself Down or removed ends its incarnation; every node that sees a Down
/// member removed quarantines it (Akka.NET's ClusterRemoteWatcher.MemberRemoved), so a removed
/// incarnation that missed the news gets a quarantine notice from any of them.</para>
/// </summary>
internal sealed class AkkaMembershipModel(int nodes)
{
    private readonly GossipView?[] _views = new GossipView?[nodes];
    private readonly HashSet<(int Address, int Uid)> _terminated = [];

    /// <summary>(quarantining node, its incarnation, quarantined address, uid).</summary>
    private readonly HashSet<(int By, int ByIncarnation, int Address, int Uid)> _quarantines = [];

    public int NodeCount => nodes;

    public GossipView? View(int node) => _views[node];

    public bool Welcomed(int node) => _views[node] is not null;

    /// <summary>Some node quarantined this incarnation (ground truth, for checks; the model's rules read the views).</summary>
    public bool Terminated(int address, int uid) => _terminated.Contains((address, uid));

    /// <summary>A new incarnation: in no cluster until welcomed or it forms one.</summary>
    public void Reset(int node) => _views[node] = null;

    public void Quarantine(int by, int byIncarnation, int address, int uid)
    {
        _quarantines.Add((by, byIncarnation, address, uid));
        _terminated.Add((address, uid));
        _views[by]?.Terminated.Add((address, uid));
    }

    /// <summary>True when incarnation <paramref name="byIncarnation"/> of <paramref name="by"/> quarantined <paramref name="address"/>#<paramref name="uid"/>.</summary>
    public bool Quarantined(int by, int byIncarnation, int address, int uid) => _quarantines.Contains((by, byIncarnation, address, uid));

    /// <summary>Forms a cluster of one (the bootstrap rule allowed it): Up at once, as Akka's self-join leads to.</summary>
    public GossipView Form(int node, int uid)
    {
        var view = new GossipView(nodes);
        view.Members[node] = new Slot(uid, SimStatus.Up);
        return view;
    }

    /// <summary>
    /// A join of <paramref name="joiner"/>#<paramref name="uid"/> reaches a node whose view is <paramref name="view"/>:
    /// the changed view, and whether to welcome the joiner.
    /// </summary>
    public static bool Join(GossipView view, int self, int joiner, int uid)
    {
        if (view.Members[self].Status is not (SimStatus.Up or SimStatus.Leaving) || uid <= view.RemovedUpTo[joiner])
        {
            return false;
        }

        var slot = view.Members[joiner];
        if (!slot.Present)
        {
            view.Members[joiner] = new Slot(uid, SimStatus.Joining);
            return true;
        }

        if (slot.Uid == uid)
        {
            return true;
        }

        if (slot.Uid < uid && slot.Status != SimStatus.Down)
        {
            view.Members[joiner] = slot with { Status = SimStatus.Down }; // a new incarnation: the old one must go first
        }

        return false;
    }

    /// <summary>Merges <paramref name="incoming"/> into <paramref name="view"/>.</summary>
    public static void Merge(GossipView view, GossipView incoming)
    {
        for (var a = 0; a < view.Members.Length; a++)
        {
            var removed = Math.Max(view.RemovedUpTo[a], incoming.RemovedUpTo[a]);
            view.RemovedUpTo[a] = removed;
            var mine = view.Members[a].Uid > removed ? view.Members[a] : default;
            var theirs = incoming.Members[a].Uid > removed ? incoming.Members[a] : default;
            view.Members[a] = mine.Uid != theirs.Uid
                ? (mine.Uid > theirs.Uid ? mine : theirs)
                : new Slot(mine.Uid, (SimStatus)Math.Max((byte)mine.Status, (byte)theirs.Status));
        }

        view.Terminated.UnionWith(incoming.Terminated);
        view.Terminated.RemoveWhere(t => view.RemovedUpTo[t.Address] >= t.Uid);
    }

    /// <summary>
    /// The Akka leader of <paramref name="self"/>'s view: the lowest address among Up/Leaving members
    /// it does not mark unreachable (itself always reachable); when there is none, the lowest address
    /// among its reachable Joining members. Akka.NET's MembershipState.LeaderOf takes the reachable
    /// non-Down members and picks the first Up/Leaving one, else the minimum by
    /// Member.LeaderStatusOrdering (Joining before Down; same status: address order), so a gossip
    /// whose Up members all went Down (the member that welcomed the others downed itself) still
    /// has a leader, a Joining one, which moves the Joining members Up on convergence.
    /// </summary>
    public static int? LeaderOf(GossipView view, int self)
    {
        foreach (var statuses in (SimStatus[][])[[SimStatus.Up, SimStatus.Leaving], [SimStatus.Joining]])
        {
            for (var a = 0; a < view.Members.Length; a++)
            {
                if (view.Members[a] is { Present: true } s && statuses.Contains(s.Status) && (a == self || !view.Terminated.Contains((a, s.Uid))))
                {
                    return a;
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The leader's actions on its own view when <paramref name="converged"/>: Joining to Up, and
    /// Down members that are terminated removed. True when something changed.
    /// </summary>
    public bool LeaderActions(GossipView view, int self, Func<int, int, bool> converged)
    {
        if (LeaderOf(view, self) != self)
        {
            return false;
        }

        for (var a = 0; a < view.Members.Length; a++)
        {
            if (view.Members[a] is { Present: true, Status: SimStatus.Up or SimStatus.Leaving } s && !converged(a, s.Uid))
            {
                return false;
            }
        }

        var changed = false;
        for (var a = 0; a < view.Members.Length; a++)
        {
            var s = view.Members[a];
            if (s is { Present: true, Status: SimStatus.Joining })
            {
                view.Members[a] = s with { Status = SimStatus.Up };
                changed = true;
            }
            else if (s is { Present: true, Status: SimStatus.Down } && view.Terminated.Contains((a, s.Uid)))
            {
                view.RemovedUpTo[a] = Math.Max(view.RemovedUpTo[a], s.Uid);
                view.Terminated.Remove((a, s.Uid));
                view.Members[a] = default;
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>Replaces a node's view (after a local change or a merge).</summary>
    public void Set(int node, GossipView? view) => _views[node] = view;
}
