using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Event;
using Solidb.Cluster.Manager;

namespace Solidb.Cluster.Security;

/// <summary>
/// Where the wire serializers report what they refuse. Akka builds serializers before the
/// module's actors start, so they find the node's counters through the actor system once
/// <see cref="Register"/> has run (before that, refusals are still refused, only not counted).
/// </summary>
public static class WireGuard
{
    private static readonly ConditionalWeakTable<ActorSystem, NodeContext> Nodes = new();

    public static void Register(ActorSystem system, NodeContext node) => Nodes.AddOrUpdate(system, node);

    /// <summary>Counts the refusal (reason serialization) and returns the exception to throw: Akka.Remote drops the message.</summary>
    public static SerializationException Refuse(ActorSystem system, string what, RejectionReason reason = RejectionReason.Serialization)
    {
        if (Nodes.TryGetValue(system, out var node) && node.Counters.Reject(reason))
        {
            Logging.GetLogger(system, typeof(WireGuard)).Warning(
                "Refused a payload from the network: {0} [{1}] (further refusals are counted in stats.rejections.{1}, " +
                "logged at most once a minute)", what, reason.WireName());
        }

        return new SerializationException($"refused by the SoliDB wire guard: {what}");
    }
}
