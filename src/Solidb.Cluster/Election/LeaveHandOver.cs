using Akka;
using Akka.Actor;
using Akka.Event;
using Solidb.Cluster.Manager;

namespace Solidb.Cluster.Election;

/// <summary>
/// A leader that leaves gracefully hands leadership over first: a CoordinatedShutdown task in
/// phase <c>before-cluster-shutdown</c>, which runs before <c>cluster-leave</c> for every graceful
/// end (SIGTERM, <see cref="LeaveCluster"/>, POST leave). It asks the supervisor for a
/// <see cref="TransferLeadership"/> to the most up-to-date live voter, then waits until this node
/// follows another leader, at most the minimum election timeout; then the node leaves. Not a
/// leader, or <c>solidb.election.transfer-on-leave = off</c>: nothing to do.
/// </summary>
public static class LeaveHandOver
{
    public const string TaskName = "solidb-leadership-transfer";

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(10);

    public static void Register(ActorSystem system, NodeContext node, IActorRef manager)
    {
        if (node.Settings.Election.TransferOnLeave)
        {
            var shutdown = CoordinatedShutdown.Get(system);
            shutdown.AddTask(CoordinatedShutdown.PhaseBeforeClusterShutdown, TaskName,
                () => IsGraceful(shutdown.ShutdownReason) ? Run(node, manager, Logging.GetLogger(system, TaskName)) : Task.FromResult(Done.Instance));
        }
    }

    /// <summary>SIGTERM or Ctrl-C (the host's stop), or a leave; not a downing, a restart or a stop for clock skew.</summary>
    public static bool IsGraceful(CoordinatedShutdown.Reason? reason) =>
        reason is null or CoordinatedShutdown.ClrExitReason or CoordinatedShutdown.ClusterLeavingReason;

    private static async Task<Done> Run(NodeContext node, IActorRef manager, ILoggingAdapter log)
    {
        if (node.Board.Leader?.Leader != node.NodeId)
        {
            return Done.Instance;
        }

        var bound = node.Settings.Election.TimeoutMin;
        var started = node.Time.GetTimestamp();
        LeadershipTransferResult result;
        try
        {
            result = await manager.Ask<LeadershipTransferResult>(new TransferLeadership(null), bound);
        }
        catch (Exception e) when (e is AskTimeoutException or ActorNotFoundException or OperationCanceledException)
        {
            log.Warning("Leaving without a leadership transfer: the supervisor did not answer within {0} ms", bound.TotalMilliseconds);
            return Done.Instance;
        }

        if (!result.Accepted || result.Target == node.NodeId)
        {
            log.Warning("Leaving without a leadership transfer: {0}", result.Reason);
            return Done.Instance;
        }

        while (node.Time.GetElapsedTime(started) < bound) // one bound for the ask and the hand-over
        {
            if (node.Board.Leader is { Leader: { } leader } && leader != node.NodeId)
            {
                log.Info("Leaving: handed leadership to {0} in {1:0} ms", leader, node.Time.GetElapsedTime(started).TotalMilliseconds);
                return Done.Instance;
            }

            await Task.Delay(Poll, node.Time);
        }

        log.Warning("Leaving: the leadership transfer to {0} did not complete within {1} ms; the others elect after their timeout",
            result.Target, bound.TotalMilliseconds);
        return Done.Instance;
    }
}
