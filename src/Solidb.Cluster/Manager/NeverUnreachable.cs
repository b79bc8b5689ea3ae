using Akka.Configuration;
using Akka.Event;
using Akka.Remote;

namespace Solidb.Cluster.Manager;

/// <summary>
/// Akka.Cluster's failure detector for this module (<c>akka.cluster.failure-detector.implementation-class</c>):
/// it never reports a member unavailable. The module's own detector (Health/) is the one truth
/// about reachability: it suspects after missed heartbeats, asks other members (indirect probes)
/// and confirms a failure only after 5 misses with no sign of life, and the elected leader then
/// downs the member. Akka's phi-accrual detector judged each link on its own: in a partial
/// partition (two live members that cannot reach each other, both reaching the rest) it marked
/// one of them unreachable, which blocked Akka's convergence and with it every join and leave,
/// while nobody was failed. Akka's heartbeats still flow; only their verdict is dropped.
/// A member can still be unreachable in Akka's gossip when a node's transport quarantined it;
/// <see cref="NodeCoordinator.AkkaUnreachable"/> deals with that.
/// </summary>
public sealed class NeverUnreachable : FailureDetector
{
    /// <summary>The constructor Akka's <c>FailureDetectorLoader</c> calls.</summary>
    public NeverUnreachable(Config config, EventStream eventStream)
    {
    }

    public override bool IsAvailable => true;

    public override bool IsMonitoring => true;

    public override void HeartBeat()
    {
    }
}
