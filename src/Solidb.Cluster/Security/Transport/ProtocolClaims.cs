using Solidb.Cluster.Protocol;

namespace Solidb.Cluster.Security.Transport;

/// <summary>
/// The node id each module message claims as its sender. Closed: a message type not listed here
/// is dropped from a node connection (ProtocolClaimsTests checks that every wire type is listed).
/// </summary>
public static class ProtocolClaims
{
    public static ProtocolClaim Of(IProtocolMessage message) => message switch
    {
        Heartbeat m => Named(m.From),
        HeartbeatAck m => Named(m.From),
        ProbeRequest m => Named(m.From),
        ProbePing m => Named(m.From),
        ProbePingAck m => Named(m.From),
        ProbeAck m => Named(m.From),
        HealthReport m => Named(m.Observer),
        RequestVote m => Named(m.Candidate),
        VoteReply m => Named(m.From),
        TimeoutNow m => Named(m.From),
        FormationQuery m => Named(m.From),
        FormationReply m => Named(m.NodeId),
        FormationVoteRequest m => Named(m.Candidate),
        FormationVoteReply m => Named(m.From),
        Introduce m => Named(m.NodeId),
        OperatorDownRequest m => Named(m.From),
        OperatorDownReply m => Named(m.From),
        OperatorDownNotice m => Named(m.From),
        LeadershipTransferRequest m => Named(m.From),
        LeadershipTransferReply m => Named(m.From),
        MemberLeaveRequest m => Named(m.From),
        MemberLeaveReply m => Named(m.From),

        // The clock API: requests and answers that name nobody (any node may ask for a timestamp).
        GetTimestamp or ObserveTimestamp or TimestampReply or TimestampRejected or ClockUnavailable => new ProtocolClaim.Anonymous(),
        _ => new ProtocolClaim.Undecodable($"module message {message.GetType().Name} names no known sender field"),
    };

    private static ProtocolClaim Named(string? nodeId) => new ProtocolClaim.Named(nodeId ?? "");
}
