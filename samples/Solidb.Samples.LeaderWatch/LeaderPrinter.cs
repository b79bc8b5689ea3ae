using Akka.Actor;
using Solidb.Cluster.Client.Events;

namespace Solidb.Samples.LeaderWatch;

/// <summary>Prints <c>leader &lt;node_id&gt; term &lt;n&gt;</c> whenever the leader or its term changes (snapshots after a move included).</summary>
public sealed class LeaderPrinter : ReceiveActor
{
    private (string? Leader, long Term) _last;

    public LeaderPrinter(string? leader, long term)
    {
        _last = (leader, term);
        Receive<LeaderChangedEvent>(e => Print(e.Leader, e.Term));
        Receive<SnapshotEvent>(e => Print(e.Status.Leader, e.Status.Term));
        Receive<ResetEvent>(e => Print(e.Status.Leader, e.Status.Term));
        ReceiveAny(_ => { });
    }

    public static string Line(string? leader, long term) => $"leader {leader ?? "(none)"} term {term}";

    private void Print(string? leader, long term)
    {
        if ((leader, term) != _last && term >= _last.Term)
        {
            _last = (leader, term);
            Console.WriteLine(Line(leader, term));
        }
    }
}
