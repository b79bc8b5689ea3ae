using Akka.Actor;
using Akka.Event;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Protocol;
using Solidb.Cluster.Security;

namespace Solidb.Cluster.Manager;

/// <summary>
/// The edge every wire message crosses before an actor acts on it: fields in range
/// (<see cref="WireFields"/>), the claimed sender is who Akka.Remote says sent it
/// (<see cref="MemberDirectory"/>), its timestamp within the max offset (<see cref="Clock.ClockGate"/>).
/// A refusal is counted by reason and logged at most once a minute per reason; nothing from the
/// wire is believed, logged in full or allowed to throw past this point.
/// </summary>
public static class Inbound
{
    /// <summary>For messages between members: the claimed id (and uid) must be the member at the sender's address.</summary>
    public static bool Accept(this NodeContext node, IStamped message, string claimedId, long? claimedUid, IActorRef sender,
        ILoggingAdapter log, out NodeId from)
    {
        from = default;
        if (!node.FieldsValid(message, log))
        {
            return false;
        }

        from = NodeId.Parse(claimedId);
        var address = SenderAddress(sender);
        if (IsAnonymous(sender))
        {
            return node.Refuse(RejectionReason.UnknownSender, message, $"claims to be {from} but has no sender", log);
        }

        if (node.Members.CheckSender(address, from, claimedUid) is { } reason)
        {
            return node.Refuse(reason, message, $"claims to be {from} but was sent from {address ?? "this node"}", log);
        }

        return node.Admit(message, from, address, log);
    }

    /// <summary>For bootstrap messages (sent before anyone is a member): the sender must be a configured peer.</summary>
    public static bool AcceptFromPeer(this NodeContext node, IStamped message, string claimedId, IActorRef sender,
        ILoggingAdapter log, out string peer)
    {
        peer = "";
        if (!node.FieldsValid(message, log))
        {
            return false;
        }

        var address = SenderAddress(sender);
        if (IsAnonymous(sender) || address is null || !node.Settings.Peers.Any(p => p.ToString() == address))
        {
            return node.Refuse(RejectionReason.NotAConfiguredPeer, message, $"sent from {address ?? "no address"}", log);
        }

        peer = address;
        return node.Admit(message, NodeId.Parse(claimedId), address, log);
    }

    /// <summary>
    /// Folds the message's HLC timestamp into the node's clock. A timestamp beyond the max offset
    /// is kept out of the clock (counted, logged at a bounded rate) but the message still goes to
    /// its actor: heartbeats and their answers are how a skewed node is measured, kept a member
    /// and told it is off; what a skewed node may not do (vote, lead) is refused by its clock
    /// status, not by dropping its traffic. This node's own messages are never judged: after its
    /// wall clock was stepped back, its HLC legitimately runs ahead of it. Always true.
    /// </summary>
    private static bool Admit(this NodeContext node, IStamped message, NodeId from, string? senderAddress, ILoggingAdapter log)
    {
        if (senderAddress is null || senderAddress == node.Address
            || node.Gate.TryObserve(message.Sent, out _, out var rejected, out var warn))
        {
            return true;
        }

        node.Events.TimestampKeptOut(from, (long)Math.Round(rejected!.Offset.TotalMilliseconds));
        if (warn)
        {
            log.Warning("Kept the timestamp of a {0} from {1} out of the clock: {2} (further rejections are counted, logged at most every {3}s)",
                message.GetType().Name, from, rejected.Message, Clock.ClockGate.WarningInterval.TotalSeconds);
        }

        return true;
    }

    /// <summary>Counts a refusal under its reason and logs it at most once a minute per reason. Always false.</summary>
    public static bool Refuse(this NodeContext node, RejectionReason reason, object message, string detail, ILoggingAdapter log)
    {
        if (node.Counters.Reject(reason))
        {
            log.Warning("Refused {0}: {1} [{2}] (further refusals are counted in stats.rejections.{2}, logged at most once a minute)",
                message.GetType().Name, detail, reason.WireName());
        }

        return false;
    }

    /// <summary>Counts and logs a message no handler takes (never silently dropped).</summary>
    public static void Dropped(this NodeContext node, object message, ILoggingAdapter log, string actor) =>
        node.Refuse(RejectionReason.UnknownMessage, message, $"{actor} takes no {message.GetType().FullName}", log);

    /// <summary>host:port of a remote sender; null for an actor of this node.</summary>
    public static string? SenderAddress(IActorRef sender) =>
        sender.Path.Address.HasLocalScope ? null : AkkaMembers.HostPort(sender.Path.Address);

    private static bool FieldsValid(this NodeContext node, IProtocolMessage message, ILoggingAdapter log) =>
        WireFields.Check(message) is not { } bad
        || node.Refuse(bad.Reason, message, $"field {bad.Field} is out of range", log);

    /// <summary>A remote message sent without a sender arrives from this node's dead letters: it speaks for nobody.</summary>
    private static bool IsAnonymous(IActorRef sender) => sender is DeadLetterActorRef || sender.IsNobody();
}
