using Akka.Actor;
using Akka.Event;
using Solidb.Cluster.Election;
using Solidb.Cluster.Health;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Manager;

/// <summary>
/// Restarted child -> supervisor: "I lost what you told me". A restart runs a child's constructor
/// again, so everything it was told (sibling references, the membership, what its siblings
/// derived from it) is gone; references survive a restart, state does not. Local only.
/// </summary>
public sealed record WiringRequest
{
    public static WiringRequest Instance { get; } = new();
}

/// <summary>Supervisor -> a restarted election or failure-detector actor: the heartbeat actor and the current membership.</summary>
public sealed record Wiring(IActorRef Heartbeat, MembershipSnapshot Membership);

/// <summary>
/// What the supervisor sends when a restarted child asks for its wiring: the answer restores the
/// child's view from the supervisor's current one, and, for the heartbeat actor (whose peers come
/// from the failure detector and whose leadership view comes from the election actor), makes
/// those siblings send theirs again. Every message is one the recipient already takes in normal
/// operation and handles idempotently, so a redundant one changes nothing.
/// </summary>
public static class ChildWiring
{
    /// <summary>The messages (recipient child name, message) that give <paramref name="restarted"/> its wiring back; none for a child that holds no wiring.</summary>
    public static IReadOnlyList<(string Child, object Message)> Plan(string restarted, IActorRef heartbeat, MembershipSnapshot membership) =>
        restarted switch
        {
            ElectionActor.Name or FailureDetectorActor.Name => [(restarted, new Wiring(heartbeat, membership))],
            // Its peers: the detector derives them from the membership (MonitorPeers). What its
            // heartbeats carry (term, leadership): the election actor publishes it on UseHeartbeat.
            HeartbeatActor.Name =>
            [
                (FailureDetectorActor.Name, new MembershipChanged(membership)),
                (ElectionActor.Name, new ElectionActor.UseHeartbeat(heartbeat)),
            ],
            // The clock serves NodeContext.Clock, bootstrap re-derives everything from the settings and Akka.Cluster.
            _ => [],
        };

    /// <summary>Answers a <see cref="WiringRequest"/> from <paramref name="requester"/>, a child of the supervisor whose context this is.</summary>
    public static void Rewire(IActorContext context, IActorRef requester, MembershipSnapshot membership, ILoggingAdapter log)
    {
        var name = requester.Path.Name;
        if (!requester.Equals(context.Child(name)))
        {
            return; // only the supervisor's own children are rewired (the request is local-only anyway)
        }

        var plan = Plan(name, context.Child(HeartbeatActor.Name), membership);
        foreach (var (child, message) in plan)
        {
            context.Child(child).Tell(message, context.Self);
        }

        log.Info("Restarted child '{0}' rewired from the current view (membership version {1}, {2} members){3}", name, membership.Version,
            membership.Members.Length, plan.Count == 0 ? ": it holds no wiring" : "");
    }
}
