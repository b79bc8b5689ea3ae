using Akka.Event;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Protocol;

namespace Solidb.Cluster.Manager;

/// <summary>The checks every actor applies to a wire message before acting on it.</summary>
public static class Inbound
{
    /// <summary>
    /// Folds the message's HLC timestamp into the node's clock. False (message dropped) when the
    /// timestamp is beyond the max offset; that is counted and logged at a bounded rate.
    /// </summary>
    public static bool Admit(this NodeContext node, IStamped message, NodeId? from, ILoggingAdapter log)
    {
        if (node.Gate.TryObserve(message.Sent, from, out _, out var rejected, out var warn))
        {
            return true;
        }

        if (warn)
        {
            log.Warning("Dropped {0} from {1}: {2} (further rejections are counted, logged at most every {3}s)",
                message.GetType().Name, from?.ToString() ?? "?", rejected!.Message, Clock.ClockGate.WarningInterval.TotalSeconds);
        }

        return false;
    }

    /// <summary>Parses a node id from a wire message; a malformed one is counted and logged.</summary>
    public static bool TryNodeId(this NodeContext node, string text, ILoggingAdapter log, out NodeId id)
    {
        if (NodeId.TryParse(text, out id))
        {
            return true;
        }

        node.Counters.MessageDropped();
        log.Warning("Dropped a message with a malformed node id '{0}'", text);
        return false;
    }

    /// <summary>Counts and logs a message no handler takes (never silently dropped).</summary>
    public static void Dropped(this NodeContext node, object message, ILoggingAdapter log, string actor)
    {
        node.Counters.MessageDropped();
        log.Warning("{0} dropped an unknown message of type {1}", actor, message.GetType().FullName);
    }
}
