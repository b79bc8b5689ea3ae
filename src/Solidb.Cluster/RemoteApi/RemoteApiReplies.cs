using Solidb.Cluster.Client.Akka;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Election;
using Solidb.Cluster.Manager;
using Protocol = Solidb.Cluster.Protocol;

namespace Solidb.Cluster.RemoteApi;

/// <summary>The node's answers in the remote API's flat contracts (the local API's types never leave the node).</summary>
public static class RemoteApiReplies
{
    public static IRemoteApiMessage From(object local) => local switch
    {
        ClusterStatus s => new ClusterStatusReply(s.ToResponse()),
        LeaderInfo l => new LeaderReply(l.ToResponse()),
        Protocol.TimestampReply t => Timestamp(t.Timestamp),
        Protocol.ClockUnavailable c => new RemoteApiError(RemoteApiErrors.ClockUnavailable, c.Reason),
        Protocol.TimestampRejected r => new RemoteApiError(RemoteApiErrors.TimestampRejected,
            $"timestamp {r.Received} is {r.OffsetMs:0} ms ahead of this node's clock, beyond the max offset of {r.MaxOffsetMs:0} ms"),
        Akka.Actor.Status.Failure => Unavailable,
        _ => new RemoteApiError(RemoteApiErrors.Unavailable, $"the node answered {local.GetType().Name}"),
    };

    public static TimestampReply Timestamp(HlcTimestamp t) => new(t.ToString(), (long)t.Physical, t.Logical);

    public static RemoteApiError Unavailable { get; } =
        new(RemoteApiErrors.Unavailable, "the node did not answer in time (its supervisor or clock is busy or restarting)");

    public static RemoteApiError Invalid(string field, string problem) =>
        new(RemoteApiErrors.InvalidRequest, $"field {field} {problem}");
}
