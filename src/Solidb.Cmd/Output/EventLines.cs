using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Client.Models;

namespace Solidb.Cmd.Output;

/// <summary><c>cluster tail</c>'s line per event: time, <c>#seq</c>, type, then what happened.</summary>
public static class EventLines
{
    public static string Line(ClusterEvent e) => $"{Format.Time(e.At)} #{e.Seq} {e.Type} {Details(e)}".TrimEnd();

    public static string Details(ClusterEvent e) => e switch
    {
        SnapshotEvent s => Summary(s.Status),
        ResetEvent r => $"{r.Reason}; {Summary(r.Status)}",
        MemberJoinedEvent j => $"{j.NodeId} at {j.Address} (incarnation {j.MemberIncarnation})",
        MemberStateChangedEvent c => $"{c.NodeId} {c.From} -> {c.To}" + (c.Reason is { Length: > 0 } r ? $" ({r})" : ""),
        MemberRemovedEvent m => $"{m.NodeId} (incarnation {m.MemberIncarnation})",
        LeaderChangedEvent l => $"leader {l.Leader ?? "none"}, term {l.Term}, quorum {Format.YesNo(l.HasQuorum)}",
        SuspicionRaisedEvent s => $"{s.NodeId} after {s.MissedHeartbeats} missed heartbeats, observed by {Format.List(s.ObservedBy)}",
        SuspicionRefutedEvent s => $"{s.NodeId} after {s.MissedHeartbeats} missed heartbeats, observed by {Format.List(s.ObservedBy)}",
        ClockSkewEvent c => c.InSync switch
        {
            true => $"{c.NodeId} back in sync, offset {Format.Offset(c.OffsetMs)} (max {c.MaxOffsetMs} ms)",
            false => $"{c.NodeId} out of sync, offset {Format.Offset(c.OffsetMs)} (max {c.MaxOffsetMs} ms)",
            null => $"{c.NodeId} timestamp kept out of the clock, {c.OffsetMs} ms beyond the max offset ({c.MaxOffsetMs} ms)",
        },
        _ => "",
    };

    private static string Summary(StatusResponse s) =>
        $"node {s.NodeId}: {s.Members.Count} members ({string.Join(", ", s.Members.Select(m => $"{m.NodeId} {m.State}"))}), " +
        $"leader {s.Leader ?? "none"}, term {s.Term}";
}
