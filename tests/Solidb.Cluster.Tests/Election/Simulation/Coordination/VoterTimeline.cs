using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Tests.Election.Simulation.Coordination;

/// <summary>
/// Who each incarnation's coordinator admitted as a member over time (every published snapshot),
/// to tell whether a set of nodes could elect a leader at a given moment: in production the
/// election's voters are the admitted members of the node's snapshot and Inbound refuses election
/// messages from senders the snapshot does not list, so a majority whose members do not admit each
/// other cannot elect, however healthy the network (e.g. fresh incarnations that no cluster has
/// let in yet, while Akka's join and the members' introductions catch up). The election's liveness
/// check counts such misses apart (tolerated) instead of failing.
/// </summary>
internal sealed class VoterTimeline(int nodes)
{
    private readonly List<(TimeSpan At, int Incarnation, long[] Admitted)>[] _published =
        Enumerable.Range(0, nodes).Select(_ => new List<(TimeSpan, int, long[])>()).ToArray();

    private readonly List<(TimeSpan At, int Incarnation)>[] _started =
        Enumerable.Range(0, nodes).Select(_ => new List<(TimeSpan, int)>()).ToArray();

    public void Started(TimeSpan at, int node, int incarnation) => _started[node].Add((at, incarnation));

    /// <param name="uidOf">The uid of node index → the member's uid in <paramref name="snapshot"/>, 0 when it is not admitted.</param>
    public void Published(TimeSpan at, int node, int incarnation, MembershipSnapshot snapshot, Func<NodeId, int> indexOf)
    {
        var admitted = new long[nodes];
        foreach (var m in snapshot.Members.Where(m => m.Admitted))
        {
            admitted[indexOf(m.NodeId)] = m.Uid;
        }

        _published[node].Add((at, incarnation, admitted));
    }

    /// <summary>True when, at <paramref name="at"/>, every node of <paramref name="set"/> admits every other one in its current incarnation.</summary>
    public bool AdmitEachOther(TimeSpan at, int set, Func<int, int, long> uid)
    {
        var members = Enumerable.Range(0, nodes).Where(n => (set & (1 << n)) != 0).ToList();
        foreach (var a in members)
        {
            var incarnation = Latest(_started[a], at)?.Incarnation;
            var published = _published[a].LastOrDefault(p => p.At <= at);
            if (incarnation is null || published.Admitted is null || published.Incarnation != incarnation)
            {
                return false;
            }

            foreach (var b in members.Where(b => b != a))
            {
                if (Latest(_started[b], at) is not { } other || published.Admitted[b] != uid(b, other.Incarnation))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static (TimeSpan At, int Incarnation)? Latest(List<(TimeSpan At, int Incarnation)> starts, TimeSpan at) =>
        starts.Where(s => s.At <= at).Select(s => ((TimeSpan, int)?)s).LastOrDefault();
}
