using Solidb.Cluster.Configuration;
using Solidb.Cluster.Election;
using Solidb.Cluster.Manager;

namespace Solidb.Cluster.Tests.Election.Simulation.Coordination;

/// <summary>
/// Checks what the node coordinators did in one run; violations go to the run's
/// <see cref="ElectionHistory"/> (so its report shows them with the history around them):
/// <list type="number">
/// <item>(b) downing safety, at every DownMember decision that downs (its gossip lists the member
/// in that incarnation and not Down yet; a repeat changes nothing): the deciding incarnation is, at that
/// moment, Leader with HasQuorum in its election state; and the incarnation it downs is not
/// running any more, or the decider's incarnation has, at some point of its life before the
/// decision, received nothing from it (no heartbeat, no answer) for at least the failure threshold
/// times the heartbeat interval (5 s), counted from the decider's own start when it never heard it.
/// "At some point", not "just before": a Failed verdict stays in the table until the member is
/// downed (only a heard-again member that nobody downed is refuted), and the DownMember decision
/// is repeated every tick until the down is seen, so a leader may down a member it hears again
/// since the heal. The simulation has no indirect probes, so this is exactly the detector's rule,
/// checked on the ground truth of deliveries.</item>
/// <item>(c) no restart of a healthy node: no incarnation ends itself (restart, or Down seen in the
/// gossip) while it has been, for <see cref="StableWindow"/> or longer, in a set of nodes that is
/// a majority, all up in the same incarnations, on one side and on lossless links (the election
/// history's healthy windows), unless, when it ended, the gossip of no majority of the nodes
/// listed it as a live member (Down, removed or replaced there, or it sits in a minority cluster:
/// e.g. removed during the faults while cut off, it then finds itself without a quorum and
/// restarts, which is the recovery, not a loop). 20 s covers rejoin-after and join-timeout (15 s) plus the failure
/// detection (5 s) that could precede them.</item>
/// <item>(d) liveness after the faults: from <see cref="ConvergenceBound"/> after the last fault to
/// the end, sampled every second, every node runs, every coordinator's view lists every node once,
/// in its current incarnation, as Active, and exactly one node leads with a quorum, the leader of
/// every coordinator's view. The bound: a node that restarts at the heal joins within 2 s, an old
/// incarnation still a member is Failed within 5 s, downed within 1 s, quarantined 2 s later and
/// removed within 1 s; the join, Up and the first heartbeat take about 3 s more; an election with a
/// split vote takes up to 10 s, partly in parallel. 25 s holds that with margin; the run reports
/// the latest convergence it saw.</item>
/// </list>
/// Plus every incarnation end must be a restart (<see cref="Restarts.Decide"/> never says Exit here).
/// </summary>
internal sealed class CoordinationHistory(ElectionHistory election, HealthSettings health)
{
    public static readonly TimeSpan StableWindow = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan ConvergenceBound = TimeSpan.FromSeconds(25);

    private readonly List<(TimeSpan At, int Node, int Incarnation, string Why, bool Expelled)> _ends = [];
    private readonly TimeSpan _failureWindow = health.HeartbeatInterval * health.FailureThreshold;

    public int Downs { get; private set; }

    public int Ends => _ends.Count;

    public IReadOnlyList<(TimeSpan At, int Node, int Incarnation, string Why, bool Expelled)> EndsRecorded => _ends;

    /// <summary>When the end state of (d) started to hold for good, null if it did not hold at the end.</summary>
    public TimeSpan? ConvergedAt { get; private set; }

    public void Downed(TimeSpan at, SimNode decider, int target, int uid, bool targetRunning, TimeSpan silence)
    {
        Downs++;
        var e = decider.Election;
        if (e is not { Role: ElectionRole.Leader, HasQuorum: true })
        {
            election.Violation(at, $"{Name(decider.Index)}#{decider.Incarnation} downed {Name(target)}#{uid} while it was " +
                $"{e?.Role.ToString() ?? "down"} with quorum {(e?.HasQuorum == true ? "yes" : "no")} in term {e?.Term}");
        }

        if (targetRunning && silence < _failureWindow)
        {
            election.Violation(at, $"{Name(decider.Index)}#{decider.Incarnation} downed {Name(target)}#{uid}, which runs and which it " +
                $"never missed for longer than {ElectionHistory.Time(silence)} (less than the failure window {ElectionHistory.Time(_failureWindow)})");
        }
    }

    /// <param name="expelled">The gossip of no majority of the nodes listed this incarnation as a live member.</param>
    public void Ended(TimeSpan at, int node, int incarnation, IncarnationEnd end, string why, bool expelled)
    {
        _ends.Add((at, node, incarnation, why, expelled));
        if (!end.IsRestart)
        {
            election.Violation(at, $"{Name(node)}#{incarnation} {why} and the host's decision is to exit ({end.Error})");
        }
    }

    /// <summary>
    /// When the bootstrap rule let a node form a cluster while another cluster was running behind a
    /// partition (a majority of the nodes restarted and found itself in no cluster); null if it
    /// never happened. Two Akka clusters never merge: the minority one loses its quorum once the
    /// election hears the majority, waits out rejoin-after (15 s) isolated, and its nodes restart
    /// and join, which does not fit in <see cref="ConvergenceBound"/> plus the quiet tail; (d)
    /// misses in such runs are counted as a known limit (<see cref="ViolationKind.KnownLimit"/>).
    /// </summary>
    public (TimeSpan At, int Node, int Incarnation)? SecondCluster { get; private set; }

    public void SecondClusterFormed(TimeSpan at, int node, int incarnation) => SecondCluster ??= (at, node, incarnation);

    /// <summary>Samples (d) at <paramref name="at"/>: <paramref name="notConverged"/> null when it holds, else why not.</summary>
    /// <param name="twoClusters">Two running nodes are, at <paramref name="at"/>, in Akka clusters that do not list each other.</param>
    public void Sample(TimeSpan at, string? notConverged, TimeSpan quietFrom, bool twoClusters)
    {
        if (notConverged is null)
        {
            ConvergedAt ??= at;
        }
        else
        {
            ConvergedAt = null;
            if (at - quietFrom >= ConvergenceBound && SecondCluster is { } second)
            {
                election.KnownLimit(at, $"not converged {ElectionHistory.Time(at - quietFrom)} after the last fault, and {Name(second.Node)}#{second.Incarnation} " +
                    $"formed a second cluster at {ElectionHistory.Time(second.At)}{(twoClusters ? " (two clusters still run)" : "")}: {notConverged}");
            }
            else if (at - quietFrom >= ConvergenceBound)
            {
                election.Violation(at, $"not converged {ElectionHistory.Time(at - quietFrom)} after the last fault: {notConverged}");
            }
        }
    }

    /// <summary>Checks (c) over the whole run, once the environment is fully recorded.</summary>
    public void Finish(TimeSpan end)
    {
        var windows = election.HealthyWindowsUntil(end).ToList();
        foreach (var (at, node, incarnation, why, expelled) in _ends)
        {
            if (!expelled && windows.Any(w => w.Start <= at - StableWindow && w.End >= at && (w.Majority & (1 << node)) != 0))
            {
                election.Violation(at, $"{Name(node)}#{incarnation} {why} although it had been in a stable, connected, lossless " +
                    $"majority for {ElectionHistory.Time(StableWindow)} or more");
            }
        }
    }

    private static string Name(int node) => ElectionHistory.Name(node);
}
