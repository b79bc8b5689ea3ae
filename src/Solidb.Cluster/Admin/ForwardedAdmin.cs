using Akka.Actor;
using Akka.Event;
using Solidb.Cluster.Election;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Protocol;
using Solidb.Cluster.Security;

namespace Solidb.Cluster.Admin;

/// <summary>
/// The supervisor's side of an operator's leadership transfer and of a member's leave asked
/// through another node: the local request from the HTTP API, and the forwarded one from a
/// member. The rules are <see cref="AdminRouting"/>'s; this class carries them out (wire, Akka).
/// </summary>
/// <param name="election">The election actor (made in the supervisor's PreStart).</param>
internal sealed class ForwardedAdmin(NodeContext node, AkkaSide akka, NodeCoordinator coordinator, Func<IActorRef> election, ILoggingAdapter log)
{
    /// <summary>How long the node asked waits for the leader's or the member's answer.</summary>
    public static readonly TimeSpan ForwardTimeout = TimeSpan.FromSeconds(3);

    /// <summary>From this node's HTTP API.</summary>
    public void Local(TransferLeadershipRequest request, IActorRef sender, IActorRef self)
    {
        switch (AdminRouting.Transfer(coordinator.Snapshot, node.NodeId, coordinator.Leader, forwarded: false))
        {
            case HandleHere:
                election().Tell(new TransferLeadership(request.To), sender);
                break;
            case ForwardTo leader:
                log.Info("Forwarding the operator's leadership transfer{0} (from {1}) to the leader {2}", To(request.To), request.RequestedBy, leader.Node);
                Ask<LeadershipTransferReply>(leader.Address, new LeadershipTransferRequest(node.NodeId.Value, request.To?.Value, node.Gate.Stamp()))
                    .ContinueWith(t => t.IsCompletedSuccessfully ? FromReply(t.Result, leader.Node)
                            : new LeadershipTransferResult(false, $"the leader {leader.Node} did not answer within {ForwardTimeout.TotalSeconds:0} s; retry", null),
                        TaskScheduler.Default)
                    .PipeTo(sender, self);
                break;
            case RefuseHere refuse:
                sender.Tell(new LeadershipTransferResult(false, refuse.Reason, null));
                break;
        }
    }

    /// <summary>A member's forwarded transfer: only from a member (<see cref="Inbound"/>), acted on only by the leader, never forwarded again.</summary>
    public void Forwarded(LeadershipTransferRequest m, IActorRef sender, IActorRef self)
    {
        if (!node.Accept(m, m.From, null, sender, log, out var from))
        {
            return;
        }

        var to = m.To is null ? (NodeId?)null : NodeId.Parse(m.To);
        if (AdminRouting.Transfer(coordinator.Snapshot, node.NodeId, coordinator.Leader, forwarded: true) is RefuseHere refuse)
        {
            sender.Tell(Reply(new LeadershipTransferResult(false, refuse.Reason, null)), self);
            return;
        }

        log.Info("Leadership transfer{0} requested by the operator via {1}", To(to), from);
        election().Ask<LeadershipTransferResult>(new TransferLeadership(to), ForwardTimeout)
            .ContinueWith(t => Reply(t.IsCompletedSuccessfully ? t.Result : new LeadershipTransferResult(false, "the election actor did not answer in time; retry", null)),
                TaskScheduler.Default)
            .PipeTo(sender, self);
    }

    /// <summary>From this node's HTTP API: this node leaves, or the member named is told to.</summary>
    public void Local(LeaveMemberRequest request, IActorRef sender, IActorRef self)
    {
        switch (AdminRouting.Leave(request.Target, coordinator.Snapshot, node.NodeId))
        {
            case HandleHere:
                Leave($"the operator (from {request.RequestedBy})");
                sender.Tell(new LeaveMemberResult(LeaveOutcome.Accepted, $"{node.NodeId} is leaving"));
                break;
            case ForwardTo member:
                log.Info("Forwarding the operator's leave of {0} (from {1}) to it at {2}", member.Node, request.RequestedBy, member.Address);
                Ask<MemberLeaveReply>(member.Address, new MemberLeaveRequest(node.NodeId.Value, member.Node.Value, node.Gate.Stamp()))
                    .ContinueWith(t => t.IsCompletedSuccessfully ? FromReply(t.Result, member.Node)
                            : new LeaveMemberResult(LeaveOutcome.Refused, $"{member.Node} did not answer within {ForwardTimeout.TotalSeconds:0} s; retry"),
                        TaskScheduler.Default)
                    .PipeTo(sender, self);
                break;
            case RefuseHere refuse:
                sender.Tell(new LeaveMemberResult(refuse.UnknownMember ? LeaveOutcome.UnknownMember : LeaveOutcome.Refused, refuse.Reason));
                break;
        }
    }

    /// <summary>A member's forwarded leave of this node: only from a member (<see cref="Inbound"/>), and only when it names this node.</summary>
    public void Forwarded(MemberLeaveRequest m, IActorRef sender, IActorRef self)
    {
        if (!node.Accept(m, m.From, null, sender, log, out var from))
        {
            return;
        }

        if (m.Target != node.NodeId.Value)
        {
            node.Refuse(RejectionReason.InvalidField, m, $"a leave of {Rejections.Quote(m.Target)} from {from}, but this node is {node.NodeId}", log);
            sender.Tell(new MemberLeaveReply(node.NodeId.Value, m.Target, false, $"this node is {node.NodeId}, not {m.Target}", node.Gate.Stamp()), self);
            return;
        }

        sender.Tell(new MemberLeaveReply(node.NodeId.Value, m.Target, true, $"{node.NodeId} is leaving", node.Gate.Stamp()), self);
        Leave($"the operator via {from}");
    }

    private void Leave(string requestedBy)
    {
        log.Info("Leaving the cluster gracefully (requested by {0})", requestedBy);
        akka.Leave();
    }

    private Task<T> Ask<T>(string address, object message) =>
        akka.ManagerAt(address) is { } manager
            ? manager.Ask<T>(message, ForwardTimeout)
            : Task.FromException<T>(new InvalidOperationException("the address is this node's own"));

    private LeadershipTransferReply Reply(LeadershipTransferResult r) =>
        new(node.NodeId.Value, r.Accepted, Truncate(r.Reason), r.Target?.Value, node.Gate.Stamp());

    /// <summary>The leader's reply, checked as any wire message is (it came back to a temporary actor, past <see cref="Inbound"/>).</summary>
    internal static LeadershipTransferResult FromReply(LeadershipTransferReply reply, NodeId leader) =>
        WireFields.Check(reply) is { } bad ? new LeadershipTransferResult(false, $"the leader's answer had an invalid {bad.Field}", null)
        : reply.From != leader.Value ? new LeadershipTransferResult(false, $"the answer came from {Rejections.Quote(reply.From)}, not the leader {leader}", null)
        : new LeadershipTransferResult(reply.Accepted, Escape(reply.Reason), reply.Target is null ? null : NodeId.Parse(reply.Target));

    /// <summary>The member's reply, checked likewise.</summary>
    internal static LeaveMemberResult FromReply(MemberLeaveReply reply, NodeId member) =>
        WireFields.Check(reply) is { } bad ? new LeaveMemberResult(LeaveOutcome.Refused, $"{member}'s answer had an invalid {bad.Field}")
        : reply.From != member.Value || reply.Target != member.Value ? new LeaveMemberResult(LeaveOutcome.Refused, $"the answer came from {Rejections.Quote(reply.From)}, not {member}")
        : new LeaveMemberResult(reply.Accepted ? LeaveOutcome.Accepted : LeaveOutcome.Refused, Escape(reply.Reason));

    /// <summary>Wire text (at most <see cref="WireFields.MaxText"/> characters) on one line: control characters escaped.</summary>
    private static string Escape(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    private static string To(NodeId? to) => to is { } t ? $" to {t}" : "";

    private static string Truncate(string text) => text.Length <= WireFields.MaxText ? text : text[..WireFields.MaxText];
}
